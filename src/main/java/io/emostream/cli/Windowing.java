package io.emostream.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the analysis windows of a clip start: at 0, hop, 2*hop, ... up to and including the first window that
 * reaches the end of the clip, so every sample is covered; the last window (or the only one, for a clip shorter
 * than a window) is zero-padded by the analyzer.
 */
final class Windowing {

    private Windowing() {
    }

    /** Start offsets, in samples, of the windows of a clip of {@code length} samples. */
    static List<Integer> starts(int length, int windowSamples, int hopSamples) {
        if (windowSamples <= 0 || hopSamples <= 0) {
            throw new IllegalArgumentException("window and hop must be positive, got " + windowSamples + " and "
                    + hopSamples + " samples");
        }
        List<Integer> starts = new ArrayList<>();
        for (long start = 0; ; start += hopSamples) {
            starts.add((int) start);
            if (start + windowSamples >= length) {
                return starts;
            }
        }
    }
}
