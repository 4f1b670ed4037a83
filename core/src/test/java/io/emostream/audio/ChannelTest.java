package io.emostream.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChannelTest {

    private static float[] tone(double hz, double amplitude) {
        float[] out = new float[16000];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / 16000.0));
        }
        return out;
    }

    @Test
    void namesParseAndCleanIsACopy() {
        assertEquals("clean|telephone|alaw|narrowband", Channel.choices());
        assertEquals(Channel.ALAW, Channel.parse("alaw"));
        assertEquals(Channel.NARROWBAND, Channel.parse(" Narrowband "));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Channel.parse("radio"));
        assertTrue(e.getMessage().contains("unknown channel 'radio'"), e.getMessage());
        float[] tone = tone(1000, 0.3);
        assertArrayEquals(tone, Channel.CLEAN.apply(tone), 0f);
        assertArrayEquals(TelephoneChannel.apply(tone), Channel.TELEPHONE.apply(tone), 0f);
    }

    @Test
    void everyLineCutsAboveFourKilohertzAndKeepsTheSpeechBand() {
        for (Channel line : new Channel[] {Channel.TELEPHONE, Channel.ALAW, Channel.NARROWBAND}) {
            float[] high = tone(6000, 0.5);
            double cut = ResamplerTest.rms(line.apply(high), 1000) / ResamplerTest.rms(high, 1000);
            assertTrue(
                    20 * Math.log10(cut) < -40,
                    line + ": 6 kHz passes at " + 20 * Math.log10(cut) + " dB");
            float[] speech = tone(1000, 0.3);
            float[] out = line.apply(speech);
            assertEquals(speech.length, out.length);
            assertEquals(
                    1.0,
                    ResamplerTest.rms(out, 1000) / ResamplerTest.rms(speech, 1000),
                    0.02,
                    line.toString());
        }
    }

    @Test
    void codecsQuantiseDifferentlyAndNarrowbandDoesNotQuantise() {
        float[] speech = tone(700, 0.3);
        float[] mu = Channel.TELEPHONE.apply(speech);
        float[] a = Channel.ALAW.apply(speech);
        float[] narrow = Channel.NARROWBAND.apply(speech);
        double muError = rmsDiff(mu, narrow);
        double aError = rmsDiff(a, narrow);
        // both codecs add quantisation noise around 38 dB below a 0.3 tone; not the same noise
        assertTrue(muError > 1e-4 && muError < 0.01, "mu-law error " + muError);
        assertTrue(aError > 1e-4 && aError < 0.01, "A-law error " + aError);
        assertTrue(rmsDiff(mu, a) > 1e-4, "mu-law and A-law differ");
        // a tone below half a 16-bit step (1e-5 < 2^-16) is rounded to 0 by a codec line, kept by
        // narrowband;
        // mu-law decodes 0 as 0, A-law (no zero code) as +8/32768, a DC offset
        float[] faint = tone(700, 1.0e-5);
        assertEquals(0.0, ResamplerTest.rms(Channel.TELEPHONE.apply(faint), 1000), 1e-9);
        assertEquals(8 / 32768.0, ResamplerTest.rms(Channel.ALAW.apply(faint), 1000), 1e-6);
        assertEquals(
                1.0,
                ResamplerTest.rms(Channel.NARROWBAND.apply(faint), 1000)
                        / ResamplerTest.rms(faint, 1000),
                0.01);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> TelephoneChannel.apply(speech, Channel.CLEAN));
        assertTrue(e.getMessage().contains("clean"), e.getMessage());
    }

    private static double rmsDiff(float[] x, float[] y) {
        double sum = 0;
        for (int i = 1000; i < x.length - 1000; i++) {
            sum += (x[i] - y[i]) * (double) (x[i] - y[i]);
        }
        return Math.sqrt(sum / (x.length - 2000));
    }
}
