package io.emostream.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one window rule of the service and of classify; at 1 Hz a sample is a second, so the cases read directly. */
class WindowPolicyTest {

    private static WindowPolicy policy(long window, long hop, long minLast) {
        return new WindowPolicy(
                Duration.ofSeconds(window), Duration.ofSeconds(hop), Duration.ofSeconds(minLast));
    }

    @Test
    void fullWindowsThenOneTailWindowWithAtLeastMinLastWindowOfNewAudio() {
        WindowPolicy p = policy(3, 3, 1);
        assertEquals(List.of(0L, 3L), p.starts(6, 1)); // exact fit, no tail
        assertEquals(
                List.of(0L, 3L, 6L),
                p.starts(7, 1)); // tail of 1 s = min-last-window: padded window
        assertEquals(List.of(0L, 3L), policy(3, 3, 2).starts(7, 1)); // tail of 1 s < 2 s: skipped
        assertEquals(
                List.of(0L), p.starts(2, 1)); // shorter than a window, longer than min-last-window
        assertEquals(List.of(0L), p.starts(1, 1));
        assertEquals(List.of(), p.starts(0, 1));
        // Overlapping windows: only audio no earlier window covered counts.
        assertEquals(List.of(0L, 3L, 6L, 9L), policy(6, 3, 1).starts(15, 1));
        assertEquals(
                List.of(0L, 3L, 6L, 9L, 12L),
                policy(6, 3, 1).starts(16, 1)); // 16 - 15 = 1 new second
        assertEquals(
                List.of(0L, 3L, 6L), policy(6, 3, 2).starts(13, 1)); // 13 - 12 = 1 < 2: skipped
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), policy(3, 1, 1).starts(7, 1));
    }

    @Test
    void aHalfSecondCallHasNoWindowAndASecondHasOne() {
        WindowPolicy defaults = WindowPolicy.of(Duration.ofSeconds(3), Duration.ofSeconds(3));
        assertEquals(Duration.ofSeconds(1), defaults.minLastWindow());
        assertEquals(List.of(), defaults.starts(8000, 16000));
        assertEquals(List.of(0L), defaults.starts(16000, 16000));
        assertFalse(defaults.lastWindowDue(15999, 0, -1, 16000));
        assertTrue(defaults.lastWindowDue(16000, 0, -1, 16000));
        // A window shorter than the default minimum takes the window as its minimum.
        assertEquals(
                Duration.ofMillis(500),
                WindowPolicy.of(Duration.ofMillis(500), Duration.ofMillis(500)).minLastWindow());
    }

    @Test
    void startsAgreeWithLastWindowDueForEveryLength() {
        for (long window = 1; window <= 6; window++) {
            for (long hop = 1; hop <= window; hop++) {
                for (long min = 0; min <= window; min++) {
                    WindowPolicy p = policy(window, hop, min);
                    for (long length = 0; length <= 40; length++) {
                        List<Long> starts = p.starts(length, 1);
                        long covered = 0;
                        for (int i = 0; i < starts.size(); i++) {
                            assertEquals(i * hop, starts.get(i), p + " " + length);
                            long end = starts.get(i) + window;
                            boolean last = i == starts.size() - 1;
                            if (!last || end <= length) {
                                assertTrue(
                                        end <= length, "a full window fits: " + p + " " + length);
                            } else {
                                assertTrue(
                                        length - Math.max(starts.get(i), covered)
                                                >= Math.max(1, min),
                                        "tail has enough new audio: " + p + " " + length);
                            }
                            covered = Math.min(end, length);
                        }
                        // What is left uncovered is less than min-last-window (at least one
                        // sample).
                        assertTrue(
                                length - covered < Math.max(1, min),
                                "no tail left behind: " + p + " " + length + " " + starts);
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> policy(3, 3, 4));
        assertThrows(IllegalArgumentException.class, () -> policy(0, 3, 0));
    }
}
