package io.emostream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SpeechReferenceTest {

    /** {@code before} s of noise at {@code floor} RMS, a tone burst of {@code loud} RMS, {@code after} s of noise. */
    private static float[] burst(
            double before, double burst, double after, double floor, double loud) {
        int a = (int) (before * 16000);
        int b = (int) (burst * 16000);
        int n = a + b + (int) (after * 16000);
        Random random = new Random(7);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (floor * random.nextGaussian());
            if (i >= a && i < a + b) {
                x[i] += (float) (loud * Math.sqrt(2) * Math.sin(2 * Math.PI * 200 * i / 16000.0));
            }
        }
        return x;
    }

    @Test
    void marksTheFramesWellAboveTheFloor() {
        // 0.4 s floor at -60 dBFS, 1 s at -20 dBFS, 0.6 s floor: 20 + 50 + 30 frames
        SpeechReference reference = SpeechReference.of(burst(0.4, 1.0, 0.6, 1e-3, 0.1), 32000);
        boolean[] frames = reference.frames();
        assertEquals(100, frames.length);
        for (int f = 0; f < frames.length; f++) {
            assertEquals(f >= 20 && f < 70, frames[f], "frame " + f);
        }
        assertTrue(reference.usable());
        assertEquals(-60, reference.floorDbfs(), 0.5);
        assertEquals(-20, reference.loudDbfs(), 0.5);
    }

    @Test
    void theMarginOverTheFloorIsAParameter() {
        float[] x = burst(0.4, 1.0, 0.6, 1e-3, 0.1); // the burst is 40 dB over the floor
        assertEquals(50, count(SpeechReference.of(x, 32000, 39).frames()));
        assertEquals(0, count(SpeechReference.of(x, 32000, 41).frames()));
    }

    private static int count(boolean[] frames) {
        int n = 0;
        for (boolean f : frames) {
            n += f ? 1 : 0;
        }
        return n;
    }

    @Test
    void frameCountFollowsTheValidPart() {
        float[] x = burst(0.4, 1.0, 0.6, 1e-3, 0.1);
        assertEquals(50, SpeechReference.of(x, 16000 + 319).frames().length);
        assertEquals(0, SpeechReference.of(x, 319).frames().length);
        assertFalse(SpeechReference.of(x, 319).usable());
    }

    @Test
    void aClipWithoutContrastHasNoUsableReference() {
        // speech 8 dB over its floor: too little contrast to tell speech from floor by level
        assertFalse(SpeechReference.of(burst(0.4, 1.0, 0.6, 0.04, 0.1), 32000).usable());
        // steady noise only
        assertFalse(SpeechReference.of(burst(1, 0, 1, 0.01, 0), 32000).usable());
    }

    @Test
    void digitalSilenceAndFaintSoundsAreNeverSpeech() {
        // a burst at -75 dBFS over digital silence: far above the floor, but under the absolute
        // floor
        float[] x = new float[32000];
        for (int i = 8000; i < 16000; i++) {
            x[i] = (float) (1.8e-4 * Math.sin(2 * Math.PI * 200 * i / 16000.0));
        }
        boolean[] frames = SpeechReference.of(x, x.length).frames();
        for (boolean f : frames) {
            assertFalse(f);
        }
    }
}
