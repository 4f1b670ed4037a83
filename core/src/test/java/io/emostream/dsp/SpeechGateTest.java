package io.emostream.dsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.audio.GoldenFixtures;
import io.emostream.audio.NoiseMixer;
import io.emostream.audio.PcmAudio;
import io.emostream.audio.WavReader;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpeechGateTest {

    static final int RATE = 16000;
    static final int WINDOW = 3 * RATE;

    final SpeechGate gate = new SpeechGate();

    @Test
    void theFrameDecisionsAreThoseBehindTheWindowDecision() {
        float[] voiced = syntheticVoice(WINDOW, 31);
        boolean[] frames = gate.speechFrames(voiced, WINDOW);
        assertEquals(1 + (WINDOW - 400) / 320, frames.length); // 25-ms frames every 20 ms
        int speech = 0;
        for (boolean f : frames) {
            speech += f ? 1 : 0;
        }
        assertEquals((float) speech / frames.length, gate.assess(voiced, WINDOW).speechRatio());
        assertTrue(speech > 0);
        assertEquals(0, gate.speechFrames(voiced, 399).length, "shorter than one frame");
    }

    @Test
    void digitalSilenceIsNotSpeech() {
        SpeechGate.SpeechDecision d = gate.assess(new float[WINDOW], WINDOW);
        assertFalse(d.speech());
        assertEquals(0f, d.speechRatio());
    }

    @Test
    void whiteNoiseAtAnyLevelIsNotSpeech() {
        for (double dbfs : new double[] {-70, -50, -30, -15, -6, -3}) {
            float[] noise = scaleToDbfs(whiteNoise(WINDOW, 11), dbfs);
            SpeechGate.SpeechDecision d = gate.assess(noise, WINDOW);
            assertFalse(d.speech(), "white noise at " + dbfs + " dBFS: " + d);
        }
    }

    @Test
    void pinkAndBrownNoiseAtAnyLevelIsNotSpeech() {
        // brown noise's frame energies wander by several dB, so it passes the level tests; voicing
        // must reject it
        for (long seed = 1; seed <= 8; seed++) {
            for (double dbfs : new double[] {-60, -40, -20, -6}) {
                SpeechGate.SpeechDecision pink =
                        gate.assess(scaleToDbfs(pinkNoise(WINDOW, seed), dbfs), WINDOW);
                assertFalse(
                        pink.speech(),
                        "pink noise (seed " + seed + ") at " + dbfs + " dBFS: " + pink);
                SpeechGate.SpeechDecision brown =
                        gate.assess(scaleToDbfs(brownNoise(WINDOW, seed), dbfs), WINDOW);
                assertFalse(
                        brown.speech(),
                        "brown noise (seed " + seed + ") at " + dbfs + " dBFS: " + brown);
                assertTrue(
                        brown.speechRatio() < 0.08f,
                        "brown noise (seed "
                                + seed
                                + ") at "
                                + dbfs
                                + " dBFS: "
                                + brown
                                + " is close to the speech ratio threshold");
            }
        }
        SpeechGate.SpeechDecision narrowBrown =
                gate.assess(
                        io.emostream.audio.TelephoneChannel.apply(
                                scaleToDbfs(brownNoise(WINDOW, 3), -30)),
                        WINDOW);
        assertFalse(
                narrowBrown.speech(), "brown noise through the telephone channel: " + narrowBrown);
    }

    @Test
    void lineHumIsNotSpeech() {
        for (double mains : new double[] {50, 60}) {
            float[] hum = new float[WINDOW];
            for (int i = 0; i < hum.length; i++) {
                double t = (double) i / RATE;
                hum[i] =
                        (float)
                                (Math.sin(2 * Math.PI * mains * t)
                                        + 0.5 * Math.sin(2 * Math.PI * 3 * mains * t)
                                        + 0.2 * Math.sin(2 * Math.PI * 5 * mains * t));
            }
            for (double dbfs : new double[] {-55, -40, -25}) {
                SpeechGate.SpeechDecision d = gate.assess(scaleToDbfs(hum, dbfs), WINDOW);
                assertFalse(d.speech(), mains + " Hz hum at " + dbfs + " dBFS: " + d);
            }
        }
    }

    @Test
    void noiseBurstAfterSilenceIsNotSpeech() {
        // the adaptive floor is the silence, so the burst passes the level tests; voicing must
        // reject it
        float[] x = new float[WINDOW];
        float[] burst = scaleToDbfs(whiteNoise(WINDOW / 2, 3), -20);
        System.arraycopy(burst, 0, x, WINDOW / 2, burst.length);
        SpeechGate.SpeechDecision d = gate.assess(x, WINDOW);
        assertFalse(d.speech(), "white noise burst: " + d);
        float[] pinkBurst = new float[WINDOW];
        System.arraycopy(
                scaleToDbfs(pinkNoise(WINDOW / 2, 4), -20), 0, pinkBurst, WINDOW / 2, WINDOW / 2);
        assertFalse(gate.assess(pinkBurst, WINDOW).speech(), "pink noise burst");
    }

    @Test
    void espeakSpeechIsSpeechAlsoQuietAndAtTenDbSnr() {
        float[] speech = espeakWindow();
        SpeechGate.SpeechDecision clean = gate.assess(speech, WINDOW);
        System.out.println("espeak speech: " + clean);
        assertTrue(clean.speech(), "espeak speech: " + clean);
        assertTrue(
                gate.assess(scale(speech, 0.05f), WINDOW).speech(), "espeak speech 26 dB quieter");
        for (long seed = 1; seed <= 3; seed++) {
            SpeechGate.SpeechDecision noisy =
                    gate.assess(NoiseMixer.addWhiteNoise(speech, 10, seed), WINDOW);
            System.out.println("espeak speech + white noise at 10 dB SNR: " + noisy);
            assertTrue(noisy.speech(), "espeak + noise at 10 dB SNR: " + noisy);
        }
    }

    @Test
    void quietSpeechAtMinus45DbfsIsSpeech() {
        // contact-centre gain varies; a soft speaker on a low-gain line is still a customer to
        // classify
        float[] quiet = scaleToDbfs(espeakWindow(), -45);
        SpeechGate.SpeechDecision clean = gate.assess(quiet, WINDOW);
        System.out.println("espeak speech at -45 dBFS RMS: " + clean);
        assertTrue(clean.speech(), "espeak speech at -45 dBFS RMS: " + clean);
        float[] loud = espeakWindow();
        assertTrue(
                clean.speechRatio() >= 0.9f * gate.assess(loud, WINDOW).speechRatio(),
                "quiet speech should keep nearly all its speech frames: " + clean);
        SpeechGate.SpeechDecision narrow =
                gate.assess(io.emostream.audio.TelephoneChannel.apply(quiet), WINDOW);
        assertTrue(
                narrow.speech(),
                "espeak speech at -45 dBFS RMS through the telephone channel: " + narrow);
    }

    @Test
    void breathyLowVoicingSpeechIsSpeechByPitchContinuity() {
        // strong aspiration on the glottal source and 10 dB of background: few frames reach a pitch
        // peak of 0.5,
        // but their weaker peaks stay at the same lag from frame to frame
        SpeechGate.SpeechGateConfig d = SpeechGate.SpeechGateConfig.defaults();
        SpeechGate withoutContinuity =
                new SpeechGate(
                        new SpeechGate.SpeechGateConfig(
                                d.frame(),
                                d.hop(),
                                d.absoluteFloorDbfs(),
                                d.noisePercentile(),
                                d.noiseMarginDb(),
                                d.minVoicing(),
                                d.minVoicing(),
                                d.minPitchHz(),
                                d.maxPitchHz(),
                                d.minSpeechRatio(),
                                d.minSpeech()));
        for (long seed = 1; seed <= 3; seed++) {
            float[] breathy =
                    NoiseMixer.addWhiteNoise(
                            scaleToDbfs(syntheticVoice(WINDOW, seed, 1.0), -45), 10, seed + 100);
            SpeechGate.SpeechDecision d1 = gate.assess(breathy, WINDOW);
            System.out.println(
                    "breathy synthetic voice at -45 dBFS, 10 dB SNR (seed " + seed + "): " + d1);
            assertTrue(d1.speech(), "breathy voice (seed " + seed + "): " + d1);
            SpeechGate.SpeechDecision strict = withoutContinuity.assess(breathy, WINDOW);
            assertTrue(
                    strict.speechRatio() < d1.speechRatio() / 2,
                    "continuity should more than double the voiced "
                            + "frames of a breathy voice: "
                            + strict
                            + " vs "
                            + d1);
            SpeechGate.SpeechDecision narrow =
                    gate.assess(io.emostream.audio.TelephoneChannel.apply(breathy), WINDOW);
            assertTrue(
                    narrow.speech(),
                    "breathy voice (seed " + seed + ") through the telephone channel: " + narrow);
        }
    }

    @Test
    void continuedVoicingAboveMinVoicingIsRejected() {
        SpeechGate.SpeechGateConfig d = SpeechGate.SpeechGateConfig.defaults();
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new SpeechGate.SpeechGateConfig(
                                        d.frame(),
                                        d.hop(),
                                        d.absoluteFloorDbfs(),
                                        d.noisePercentile(),
                                        d.noiseMarginDb(),
                                        0.4,
                                        0.6,
                                        d.minPitchHz(),
                                        d.maxPitchHz(),
                                        d.minSpeechRatio(),
                                        d.minSpeech()));
        assertTrue(e.getMessage().contains("0.6"), e.getMessage());
    }

    @Test
    void telephoneBandSpeechIsSpeech() {
        float[] narrow = io.emostream.audio.TelephoneChannel.apply(espeakWindow());
        SpeechGate.SpeechDecision d = gate.assess(narrow, WINDOW);
        assertTrue(d.speech(), "espeak through the G.711 telephone channel: " + d);
        float[] voice = io.emostream.audio.TelephoneChannel.apply(syntheticVoice(WINDOW, 5));
        assertTrue(
                gate.assess(voice, WINDOW).speech(),
                "synthetic voice through the telephone channel");
    }

    @Test
    void syntheticVoicedSpeechIsSpeechAlsoInNoise() {
        float[] voiced = syntheticVoice(WINDOW, 21);
        SpeechGate.SpeechDecision clean = gate.assess(voiced, WINDOW);
        System.out.println("synthetic voice: " + clean);
        assertTrue(clean.speech(), "synthetic voice: " + clean);
        SpeechGate.SpeechDecision noisy =
                gate.assess(NoiseMixer.addWhiteNoise(voiced, 10, 9), WINDOW);
        System.out.println("synthetic voice + white noise at 10 dB SNR: " + noisy);
        assertTrue(noisy.speech(), "synthetic voice + noise: " + noisy);
        float[] withPink = voiced.clone();
        float[] pink = scaleToDbfs(pinkNoise(WINDOW, 8), 20 * Math.log10(rms(voiced)) - 10);
        for (int i = 0; i < withPink.length; i++) {
            withPink[i] += pink[i];
        }
        assertTrue(
                gate.assess(withPink, WINDOW).speech(),
                "synthetic voice + pink noise at 10 dB SNR");
    }

    @Test
    void ratioIsTakenOverTheValidPartOnly() {
        float[] speech = espeakWindow();
        float[] padded = new float[WINDOW];
        System.arraycopy(speech, 0, padded, 0, RATE);
        SpeechGate.SpeechDecision onValid = gate.assess(padded, RATE);
        SpeechGate.SpeechDecision onWhole = gate.assess(padded, WINDOW);
        assertTrue(onValid.speechRatio() > onWhole.speechRatio(), onValid + " vs " + onWhole);
        assertFalse(gate.assess(speech, 100).speech(), "shorter than one frame");
        assertThrows(IllegalArgumentException.class, () -> gate.assess(speech, WINDOW + 1));
    }

    @Test
    void isCheap() {
        float[] speech = espeakWindow();
        float[] noisy = NoiseMixer.addWhiteNoise(speech, 10, 1);
        for (int i = 0; i < 2000; i++) {
            gate.assess(i % 2 == 0 ? speech : noisy, WINDOW);
        }
        long start = System.nanoTime();
        int runs = 500;
        for (int i = 0; i < runs; i++) {
            gate.assess(i % 2 == 0 ? speech : noisy, WINDOW);
        }
        double ms = (System.nanoTime() - start) / 1e6 / runs;
        System.out.printf("speech gate: %.3f ms per 3-s window (wall clock, shared machine)%n", ms);
        assertTrue(
                ms < 5,
                "speech gate took " + ms + " ms per window"); // JMH: FrontEndBenchmark.speechGate
    }

    static float[] espeakWindow() {
        PcmAudio audio = WavReader.read(GoldenFixtures.path("speech_espeak_16k.wav"));
        assertEquals(RATE, audio.sampleRate());
        float[] all = audio.mono();
        return Arrays.copyOf(all, WINDOW); // the first 3 s (the clip is ~4.1 s)
    }

    /**
     * Glottal-pulse train (Rosenberg-like pulses) at a gliding pitch of 90-220 Hz through three formant resonators
     * whose frequencies move between vowels, with a 4-Hz syllabic envelope that closes between syllables.
     */
    static float[] syntheticVoice(int n, long seed) {
        return syntheticVoice(n, seed, 0.01);
    }

    /** As {@link #syntheticVoice(int, long)} with Gaussian aspiration noise of the given level on the source. */
    static float[] syntheticVoice(int n, long seed, double aspiration) {
        Random random = new Random(seed);
        double[] source = new double[n];
        double phase = 0;
        for (int i = 0; i < n; i++) {
            double t = (double) i / RATE;
            double f0 =
                    150
                            + 60 * Math.sin(2 * Math.PI * 0.6 * t)
                            + 10 * Math.sin(2 * Math.PI * 5.3 * t);
            phase += f0 / RATE;
            double p = phase - Math.floor(phase);
            source[i] =
                    p < 0.4
                            ? 0.5 * (1 - Math.cos(Math.PI * p / 0.4))
                            : p < 0.6 ? Math.cos(Math.PI * (p - 0.4) / 0.4) : 0;
            source[i] += aspiration * random.nextGaussian();
        }
        double[][] vowels = {
            {730, 1090, 2440}, {270, 2290, 3010}, {570, 840, 2410}, {660, 1720, 2410}
        };
        double[] out = new double[n];
        double[][] state = new double[3][2];
        for (int i = 0; i < n; i++) {
            double t = (double) i / RATE;
            double[] v = vowels[(int) (t * 4) % vowels.length];
            double y = source[i] - (i > 0 ? source[i - 1] : 0); // radiation: differentiated flow
            for (int k = 0; k < 3; k++) {
                double r = Math.exp(-Math.PI * (60 + 40 * k) / RATE);
                double theta = 2 * Math.PI * v[k] / RATE;
                double a1 = 2 * r * Math.cos(theta);
                double a2 = -r * r;
                double z = (1 - r) * y + a1 * state[k][0] + a2 * state[k][1];
                state[k][1] = state[k][0];
                state[k][0] = z;
                y = z;
            }
            double envelope = Math.pow(Math.max(0, Math.sin(2 * Math.PI * 4 * t)), 0.7);
            out[i] = y * envelope;
        }
        double peak = 0;
        for (double v : out) {
            peak = Math.max(peak, Math.abs(v));
        }
        float[] result = new float[n];
        for (int i = 0; i < n; i++) {
            result[i] = (float) (0.5 * out[i] / peak);
        }
        return result;
    }

    static float[] whiteNoise(int n, long seed) {
        Random random = new Random(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }

    /** Pink (1/f) noise by Paul Kellet's filter on white noise. */
    static float[] pinkNoise(int n, long seed) {
        float[] white = whiteNoise(n, seed);
        double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            double w = white[i];
            b0 = 0.99886 * b0 + w * 0.0555179;
            b1 = 0.99332 * b1 + w * 0.0750759;
            b2 = 0.96900 * b2 + w * 0.1538520;
            b3 = 0.86650 * b3 + w * 0.3104856;
            b4 = 0.55000 * b4 + w * 0.5329522;
            b5 = -0.7616 * b5 - w * 0.0168980;
            out[i] = (float) (b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362);
            b6 = w * 0.115926;
        }
        return out;
    }

    /** Brown (1/f^2) noise: leaky integral of white noise. */
    static float[] brownNoise(int n, long seed) {
        float[] white = whiteNoise(n, seed);
        float[] out = new float[n];
        double y = 0;
        for (int i = 0; i < n; i++) {
            y = 0.998 * y + white[i];
            out[i] = (float) y;
        }
        return out;
    }

    static double rms(float[] x) {
        double sum = 0;
        for (float v : x) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum / x.length);
    }

    static float[] scaleToDbfs(float[] x, double dbfs) {
        return scale(x, (float) (Math.pow(10, dbfs / 20) / rms(x)));
    }

    static float[] scale(float[] x, float gain) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = Math.max(-1f, Math.min(1f, x[i] * gain));
        }
        return out;
    }
}
