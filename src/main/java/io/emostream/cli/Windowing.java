package io.emostream.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the analysis windows of a clip start: at 0, hop, 2*hop, ... for every window that fits in the clip, then
 * one zero-padded window for the tail if it holds at least half a window of audio no earlier window covered (a
 * shorter tail, e.g. the last 0.1 s of a 3.1-s clip, is too little to judge and is skipped). A clip shorter than
 * a window is one zero-padded window.
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
        starts.add(0);
        long start = 0;
        while (start + windowSamples < length) {
            long next = start + hopSamples;
            if (next + windowSamples <= length) {
                starts.add((int) next);
                start = next;
                continue;
            }
            long newAudio = length - Math.max(next, start + windowSamples);
            if (next < length && 2 * newAudio >= windowSamples) {
                starts.add((int) next);
            }
            break;
        }
        return starts;
    }
}
