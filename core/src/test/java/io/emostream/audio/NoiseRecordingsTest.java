package io.emostream.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.analysis.TestSignals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoiseRecordingsTest {

    @TempDir Path dir;

    /** A ramp of distinct 16-bit values, so a segment's position in the recording can be read off its samples. */
    private static float[] ramp(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (i - n / 2) / 32768f;
        }
        return out;
    }

    @Test
    void directoryLoadsEveryWavInNameOrderMonoAt16kHz() throws Exception {
        float[] left = ramp(1000);
        float[] right = new float[1000];
        TestSignals.writeWav(dir.resolve("b_stereo.wav"), 16000, left, right);
        TestSignals.writeWav(dir.resolve("a_8k.WAV"), 8000, ResamplerTest.tone(440, 8000, 8000));
        Files.writeString(dir.resolve("README.md"), "not noise");
        Files.createDirectories(dir.resolve("sub"));
        TestSignals.writeWav(dir.resolve("sub/ignored.wav"), 16000, ramp(10));
        NoiseRecordings noise = NoiseRecordings.load(dir, 16000);
        List<String> names =
                noise.recordings().stream().map(NoiseRecordings.Recording::name).toList();
        assertEquals(List.of("a_8k.WAV", "b_stereo.wav"), names);
        assertEquals(
                16000,
                noise.recordings().get(0).samples().length,
                "1 s at 8 kHz resampled to 16 kHz");
        float[] mono = noise.recordings().get(1).samples();
        assertEquals(1000, mono.length);
        assertEquals(left[10] / 2, mono[10], 1e-7f); // the mean of the two channels
        assertEquals(dir, noise.source());
    }

    @Test
    void segmentsAreSeededContiguousOrLooped() throws Exception {
        float[] recording = ramp(500);
        NoiseRecordings noise =
                NoiseRecordings.load(
                        TestSignals.writeWav(dir.resolve("r.wav"), 16000, recording), 16000);
        float[] stored = noise.recordings().get(0).samples();
        float[] a = noise.segment(200, 42);
        assertArrayEquals(a, noise.segment(200, 42), "same seed, same segment");
        assertFalse(Arrays.equals(a, noise.segment(200, 43)), "another seed, another segment");
        int start = Math.round(a[0] * 32768f) + 250;
        assertArrayEquals(Arrays.copyOfRange(stored, start, start + 200), a, "a contiguous slice");
        float[] whole = noise.segment(500, 7);
        assertArrayEquals(stored, whole, "a segment as long as the recording is the recording");
        float[] looped = noise.segment(1300, 9);
        int first = Math.round(looped[0] * 32768f) + 250;
        for (int i = 0; i < looped.length; i++) {
            assertEquals(stored[(first + i) % 500], looped[i], 0f, "sample " + i);
        }
    }

    @Test
    void missingAndEmptySourcesAreNamed() throws Exception {
        IllegalArgumentException missing =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> NoiseRecordings.load(dir.resolve("nope"), 16000));
        assertTrue(
                missing.getMessage().contains("noise path " + dir.resolve("nope") + " not found"),
                missing.getMessage());
        Files.writeString(dir.resolve("notes.txt"), "x");
        IllegalArgumentException empty =
                assertThrows(
                        IllegalArgumentException.class, () -> NoiseRecordings.load(dir, 16000));
        assertTrue(empty.getMessage().contains("has no .wav or .flac file"), empty.getMessage());
    }

    @Test
    void realNoiseIsMixedAtTheSnrOfTheClip() {
        float[] clip = ResamplerTest.tone(440, 16000, 16000);
        float[] noise = ResamplerTest.tone(3100, 16000, 16000);
        for (int i = 0; i < noise.length; i++) {
            noise[i] *= 0.01f; // the noise's own level does not matter, only the SNR
        }
        for (double snr : new double[] {-10, 0, 10, 25}) {
            float[] mixed = NoiseMixer.addNoise(clip, noise, snr);
            float[] added = new float[clip.length];
            for (int i = 0; i < clip.length; i++) {
                added[i] = mixed[i] - clip[i];
            }
            double measured =
                    10 * Math.log10(NoiseMixer.meanPower(clip) / NoiseMixer.meanPower(added));
            assertEquals(snr, measured, 1e-3, "SNR " + snr);
            double scale = added[100] / noise[100];
            assertEquals(
                    scale, added[5000] / noise[5000], 1e-3 * scale, "the noise is only scaled");
        }
        assertThrows(
                IllegalArgumentException.class, () -> NoiseMixer.addNoise(clip, new float[3], 10));
    }
}
