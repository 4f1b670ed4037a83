package io.emostream.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class TelephoneChannelTest {

    @Test
    void matchesFeaturesPyTelephoneChannel() {
        int checked = 0;
        for (JsonNode entry : GoldenFixtures.manifest().get("telephone")) {
            String name = entry.get("name").asText();
            float[] input = GoldenFixtures.input(entry);
            float[] expected = GoldenFixtures.floats(entry.get("expected").asText());
            float[] actual = TelephoneChannel.apply(input);
            assertEquals(input.length, actual.length, name);
            double diff = GoldenFixtures.maxAbsDiff(expected, actual);
            System.out.printf("telephone %s: max abs diff %.3g%n", name, diff);
            // the 8-kHz stage matches torch to ~1e-6, so 16-bit rounding (and hence the mu-law
            // code) is the same
            assertTrue(diff <= 3e-6, name + ": max abs diff " + diff);
            checked++;
        }
        assertEquals(2, checked);
    }

    @Test
    void removesEnergyAboveFourKilohertz() {
        float[] tone = new float[16000];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (float) (0.5 * Math.sin(2 * Math.PI * 6000 * i / 16000.0));
        }
        double ratio =
                ResamplerTest.rms(TelephoneChannel.apply(tone), 1000)
                        / ResamplerTest.rms(tone, 1000);
        assertTrue(
                20 * Math.log10(ratio) < -40,
                "6 kHz tone passes at " + 20 * Math.log10(ratio) + " dB");
    }

    @Test
    void keepsSpeechBandToneAtRoughlyTheSameLevel() {
        float[] tone = new float[16000];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (float) (0.3 * Math.sin(2 * Math.PI * 1000 * i / 16000.0));
        }
        double ratio =
                ResamplerTest.rms(TelephoneChannel.apply(tone), 1000)
                        / ResamplerTest.rms(tone, 1000);
        assertEquals(1.0, ratio, 0.02); // mu-law quantisation noise only
    }
}
