package io.emostream.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.emostream.bench.VadComparison.Condition;
import org.junit.jupiter.api.Test;

class VadComparisonTest {

    @Test
    void thresholdGridRunsFromFivePercentInFiveSteps() {
        assertEquals(0.05, VadComparison.threshold(0));
        assertEquals(0.5, VadComparison.threshold(9));
        assertEquals(0.95, VadComparison.threshold(18));
        assertEquals(9, VadComparison.thresholdIndex(0.5));
        assertEquals(-1, VadComparison.thresholdIndex(0.52));
    }

    @Test
    void gateFramesMapOneToOneAndTheLastIsRepeated() {
        boolean[] gate = {true, false, true};
        assertArrayEquals(
                new boolean[] {true, false, true, true, true},
                VadComparison.gateOnReference(gate, 5));
        assertArrayEquals(
                new boolean[] {false, false}, VadComparison.gateOnReference(new boolean[0], 2));
    }

    @Test
    void eachReferenceFrameTakesTheSileroChunkHoldingItsCentre() {
        float[] p = {0.9f, 0.1f, 0.6f}; // chunks of samples 0-511, 512-1023, 1024-1535
        // frame centres 160, 480, 800, 1120, 1440: chunks 0, 0, 1, 2, 2
        assertArrayEquals(
                new boolean[] {true, true, false, true, true},
                VadComparison.sileroOnReference(p, 5, 0.5));
        assertArrayEquals(
                new boolean[] {true, true, false, false, false},
                VadComparison.sileroOnReference(p, 5, 0.7));
        // a frame past the last chunk (cannot happen with whole clips) takes the last chunk
        assertArrayEquals(
                new boolean[] {true, true, false, true, true, true},
                VadComparison.sileroOnReference(p, 6, 0.5));
    }

    @Test
    void noiseSeedsAreFixedAndDifferByClipAndCondition() {
        long a = VadComparison.noiseSeed(13, "1001_DFA_ANG_XX.flac", Condition.WHITE_10);
        assertEquals(a, VadComparison.noiseSeed(13, "1001_DFA_ANG_XX.flac", Condition.WHITE_10));
        assertNotEquals(a, VadComparison.noiseSeed(13, "1001_DFA_ANG_XX.flac", Condition.WHITE_5));
        assertNotEquals(a, VadComparison.noiseSeed(13, "1001_DFA_HAP_XX.flac", Condition.WHITE_10));
        assertNotEquals(a, VadComparison.noiseSeed(14, "1001_DFA_ANG_XX.flac", Condition.WHITE_10));
    }
}
