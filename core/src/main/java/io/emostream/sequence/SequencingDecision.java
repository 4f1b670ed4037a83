package io.emostream.sequence;

import java.util.List;
import java.util.Objects;

/**
 * What one step of a {@link SpeakerStreamSequencer} (a chunk, or a wall-clock check) asks of its caller, in the
 * order to do it: delete the {@link #discarded} chunks, store the chunk itself if the {@link #verdict} says so and
 * the {@link #gapFills} silence, then classify the {@link #windows}, and finally, if {@link #end} is set, close
 * the stream. The sequencer's own state and counters are already up to date.
 *
 * @param verdict   what became of the chunk of this step
 * @param discarded buffered chunks beyond a newly known end, ascending: the caller deletes them (each is counted
 *                  as late)
 * @param gapFills  runs of silence that joined the contiguous audio, in order: the caller stores each
 * @param windows   windows of the contiguous audio that are ready, in order of their index
 * @param end       why the stream ended in this step, or null if it goes on
 */
public record SequencingDecision(
        Verdict verdict,
        List<Long> discarded,
        List<GapFill> gapFills,
        List<WindowRange> windows,
        EndCause end) {

    /** What became of the chunk of a step. */
    public enum Verdict {
        /** It continued the contiguous audio at once (and buffered chunks after it may have followed). */
        JOINED(true),
        /** It is held until the gap before it closes; it may have joined already, if the buffer overflowed. */
        BUFFERED(true),
        /** Its sequence had already joined or is buffered: dropped, counted in {@code duplicates}. */
        DUPLICATE(false),
        /** It came after the end-of-stream chunk's sequence: dropped, counted in {@code lateChunks}. */
        LATE_AFTER_END(false),
        /** Its slot was already filled with silence: dropped, counted in {@code lateChunks}. */
        LATE_FOR_FILLED_SLOT(false),
        /** The step was a wall-clock check, not a chunk. */
        NO_CHUNK(false);

        private final boolean stored;

        Verdict(boolean stored) {
            this.stored = stored;
        }

        /** Whether the caller must store the chunk's audio (the sequencer asks for it later by sequence). */
        public boolean stored() {
            return stored;
        }

        /** Whether the chunk came too late to be used (its audio is neither used nor kept). */
        public boolean late() {
            return this == LATE_AFTER_END || this == LATE_FOR_FILLED_SLOT;
        }
    }

    /** Why a stream ended. */
    public enum EndCause {
        /** The end-of-stream chunk and everything before it joined (or were filled). */
        END_OF_STREAM,
        /** No chunk came for the inactivity timeout. */
        INACTIVITY
    }

    /**
     * Silence standing in for the missing chunks {@code [fromSequence, toSequence)}: the caller stores it as one
     * entry under {@code fromSequence}.
     *
     * @param fromSequence  first missing sequence
     * @param toSequence    the buffered sequence the silence leads to (exclusive end of the missing ones)
     * @param samples       length of the silence: the missing chunks times the latest chunk's length, capped at
     *                      the inactivity timeout
     * @param captureTimeMs capture time the silence starts at
     * @param durationMs    {@code samples} in milliseconds, as counted in {@code gapFillMs}
     */
    public record GapFill(
            long fromSequence, long toSequence, long samples, long captureTimeMs, long durationMs) {

        /** How many chunks the silence stands in for. */
        public long missingChunks() {
            return toSequence - fromSequence;
        }
    }

    /**
     * A window of the contiguous audio that is ready: samples {@code [startSample, endSample)} since the stream
     * began. A {@code trailing} window is the stream's last, partial one: shorter than a window, to be zero-padded.
     *
     * @param index       the window's index in the stream, 0, 1, 2, ...
     * @param startSample first sample
     * @param endSample   end sample (exclusive)
     * @param retainFrom  first sample a later window still needs: audio that ends at or before it can be released
     * @param trailing    whether this is the last, partial window of an ended stream
     */
    public record WindowRange(
            long index, long startSample, long endSample, long retainFrom, boolean trailing) {}

    public SequencingDecision {
        Objects.requireNonNull(verdict, "verdict");
        discarded = List.copyOf(discarded);
        gapFills = List.copyOf(gapFills);
        windows = List.copyOf(windows);
    }

    /** Whether the stream ended in this step. */
    public boolean ended() {
        return end != null;
    }
}
