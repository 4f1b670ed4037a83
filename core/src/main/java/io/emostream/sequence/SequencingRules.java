package io.emostream.sequence;

import io.emostream.analysis.WindowPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings a {@link SpeakerStreamSequencer} follows; the same for every speaker stream of a service.
 *
 * @param windows                where the analysis windows lie
 * @param reorderBufferMaxChunks out-of-order chunks held before the oldest gap is filled, at least 1
 * @param gapWait                wall-clock time a gap may stay open before it is filled with silence
 * @param inactivityTimeout      wall-clock time without a chunk after which the stream is ended; also the most
 *                               silence one gap is filled with, since a live stream cannot really have lost more
 */
public record SequencingRules(
        WindowPolicy windows,
        int reorderBufferMaxChunks,
        Duration gapWait,
        Duration inactivityTimeout) {

    public SequencingRules {
        Objects.requireNonNull(windows, "windows");
        Objects.requireNonNull(gapWait, "gapWait");
        Objects.requireNonNull(inactivityTimeout, "inactivityTimeout");
        if (reorderBufferMaxChunks < 1) {
            throw new IllegalArgumentException(
                    "reorderBufferMaxChunks must be at least 1, was " + reorderBufferMaxChunks);
        }
        if (gapWait.isNegative()
                || gapWait.isZero()
                || inactivityTimeout.isNegative()
                || inactivityTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "gapWait "
                            + gapWait
                            + " and inactivityTimeout "
                            + inactivityTimeout
                            + " must be positive");
        }
    }
}
