package io.emostream.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrameScoreTest {

    private static boolean[] frames(String pattern) {
        boolean[] out = new boolean[pattern.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = pattern.charAt(i) == '#';
        }
        return out;
    }

    @Test
    void countsAndScoresOfHandMadeSequences() {
        FrameScore score = new FrameScore();
        // reference 4 speech frames; decided: 3 hits, 1 miss, 2 false alarms, 4 correct rejections
        score.add(frames("..####...."), frames(".###.#.#.."));
        assertEquals(3, score.truePositives());
        assertEquals(2, score.falsePositives());
        assertEquals(1, score.falseNegatives());
        assertEquals(4, score.trueNegatives());
        assertEquals(0.6, score.precision(), 1e-12);
        assertEquals(0.75, score.recall(), 1e-12);
        assertEquals(6.0 / 9.0, score.f1(), 1e-12); // 2*3 / (2*3 + 2 + 1)
        assertEquals(1.0, score.talkErrorFrames(), 1e-12); // 5 decided, 4 in the reference
    }

    @Test
    void sumsOverClipsAndScores() {
        FrameScore a = new FrameScore();
        a.add(frames("####"), frames("####"));
        FrameScore b = new FrameScore();
        b.add(frames("...."), frames("##.."));
        b.add(frames("##.."), frames("...."));
        a.add(b);
        assertEquals(3, a.clips());
        assertEquals(4, a.truePositives());
        assertEquals(2, a.falsePositives());
        assertEquals(2, a.falseNegatives());
        assertEquals(4, a.trueNegatives());
        assertEquals(2 * 4.0 / (2 * 4 + 2 + 2), a.f1(), 1e-12);
        assertEquals(4.0 / 3, a.talkErrorFrames(), 1e-12); // 0, 2, 2
    }

    @Test
    void undefinedScoresAreNaN() {
        FrameScore none = new FrameScore();
        assertTrue(Double.isNaN(none.f1()));
        assertTrue(Double.isNaN(none.talkErrorFrames()));
        none.add(frames("...."), frames("...."));
        assertTrue(Double.isNaN(none.precision()));
        assertTrue(Double.isNaN(none.recall()));
        assertTrue(Double.isNaN(none.f1()));
        assertEquals(0.0, none.talkErrorFrames());
    }

    @Test
    void refusesSequencesOfDifferentLengths() {
        FrameScore score = new FrameScore();
        assertThrows(IllegalArgumentException.class, () -> score.add(frames("##"), frames("###")));
    }

    @Test
    void bridgesGapsUpToTheHangoverOnlyBetweenSpeech() {
        assertArrayEquals(frames("..#####....#.."), FrameScore.bridge(frames("..#..##....#.."), 2));
        assertArrayEquals(frames("..#######...#"), FrameScore.bridge(frames("..#.##..#...#"), 2));
        // a gap of 3 stays with a hangover of 2, is bridged with 3
        assertArrayEquals(frames("#...#"), FrameScore.bridge(frames("#...#"), 2));
        assertArrayEquals(frames("#####"), FrameScore.bridge(frames("#...#"), 3));
        assertArrayEquals(frames("....."), FrameScore.bridge(frames("....."), 15));
        assertArrayEquals(frames("#..."), FrameScore.bridge(frames("#..."), 15));
        boolean[] input = frames("#.#");
        FrameScore.bridge(input, 1);
        assertArrayEquals(frames("#.#"), input); // not modified
    }
}
