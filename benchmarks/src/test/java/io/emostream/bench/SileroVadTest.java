package io.emostream.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Silero VAD v5 on generated signals. Needs the model fetched by {@code tools/fetch_silero_vad.sh}; without it every
 * test fails with a message that says so.
 */
class SileroVadTest {

    private static SileroVad vad;

    @BeforeAll
    static void load() {
        vad = SileroVad.load(SileroVad.fetched("v5"));
    }

    private static double mean(float[] p, int from, int to) {
        double sum = 0;
        for (int j = from; j < to; j++) {
            sum += p[j];
        }
        return sum / (to - from);
    }

    private static float max(float[] p) {
        float m = 0;
        for (float x : p) {
            m = Math.max(m, x);
        }
        return m;
    }

    @Test
    void oneSessionPerModelFile() {
        assertSame(vad, SileroVad.load(SileroVad.fetched("v5")));
        assertSame(
                vad,
                SileroVad.load(
                        Path.of(SileroVad.fetched("v5").toString(), "..", "silero_vad_v5.onnx")));
    }

    @Test
    void oneProbabilityPerChunkTheLastPadded() {
        assertEquals(94, SileroVad.chunks(48000)); // 93.75 chunks of 512
        assertEquals(0, SileroVad.chunks(0));
        assertEquals(1, SileroVad.chunks(1));
        assertEquals(94, vad.probabilities(new float[48000], 48000).length);
        assertEquals(0, vad.probabilities(new float[10], 0).length);
    }

    @Test
    void silenceAndWhiteNoiseAreNotSpeech() {
        float[] silence = vad.probabilities(new float[48000], 48000);
        assertTrue(max(silence) < 0.05, "silence up to " + max(silence));
        // loud white noise has the odd chunk up to 0.4 (other seeds), never at 0.5
        for (double rms : new double[] {0.003, 0.03, 0.2}) {
            Random random = new Random(1);
            float[] noise = new float[48000];
            for (int i = 0; i < noise.length; i++) {
                noise[i] = (float) (rms * random.nextGaussian());
            }
            float[] p = vad.probabilities(noise, noise.length);
            assertTrue(mean(p, 0, p.length) < 0.05, "white noise at RMS " + rms);
            assertTrue(max(p) < 0.5, "white noise at RMS " + rms + " up to " + max(p));
        }
    }

    @Test
    void theSyntheticVoiceIsSpeechAndItsSilencesAreNot() {
        // 1 s of silence, 2 s of a gliding harmonic voice in 4-Hz syllables, 1 s of silence
        float[] voice = SyntheticVoice.of(2.0, 16000, 3);
        float[] x = new float[64000];
        System.arraycopy(voice, 0, x, 16000, voice.length);
        float[] p = vad.probabilities(x, x.length);
        assertEquals(125, p.length);
        double before = mean(p, 0, 31); // chunks wholly in the first second
        double during = mean(p, 32, 93);
        double after = mean(p, 97, 125); // from 100 ms after the voice
        assertTrue(during > 0.4, "mean during the voice " + during);
        assertTrue(before < 0.05, "mean before " + before);
        assertTrue(after < 0.2, "mean after " + after);
        long speechChunks = 0;
        for (int j = 32; j < 93; j++) {
            speechChunks += p[j] >= 0.5 ? 1 : 0;
        }
        assertTrue(speechChunks >= 20, "chunks at 0.5 or more during the voice: " + speechChunks);
    }

    @Test
    void deterministicAndBlindToWhatFollowsTheValidPart() {
        float[] voice = SyntheticVoice.of(1.0, 16000, 9);
        float[] longer = Arrays.copyOf(voice, 32000);
        Arrays.fill(longer, 16000, 32000, 0.5f);
        float[] p = vad.probabilities(voice, voice.length);
        assertArrayEquals(p, vad.probabilities(voice, voice.length));
        assertArrayEquals(p, vad.probabilities(longer, 16000));
    }

    @Test
    void refusesAValidPartOutsideTheSignal() {
        assertThrows(IllegalArgumentException.class, () -> vad.probabilities(new float[10], 11));
        assertThrows(IllegalArgumentException.class, () -> vad.probabilities(new float[10], -1));
    }

    @Test
    void aMissingModelSaysHowToFetchIt() {
        IllegalStateException e =
                assertThrows(
                        IllegalStateException.class,
                        () -> SileroVad.load(Path.of("no/such/silero_vad_v5.onnx")));
        assertTrue(e.getMessage().contains("tools/fetch_silero_vad.sh"), e.getMessage());
    }

    @Test
    void aModelWithoutSilerosInterfaceIsRefused() {
        Path emotionModel =
                Path.of(System.getProperty("emostream.home", "."))
                        .resolve("core/src/test/resources/model/emotion-test.onnx");
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> SileroVad.load(emotionModel));
        assertTrue(e.getMessage().contains("no tensor 'input'"), e.getMessage());
    }
}
