package io.emostream.sequence;

import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link SpeakerStreamSequencer} remembers of its speaker stream between two chunks, as a value for
 * the caller to persist ({@link SpeakerStreamSequencer#state()}) and hand back
 * ({@link SpeakerStreamSequencer#SpeakerStreamSequencer(SequencingRules, SequencerState, BufferedChunks)}). Its
 * size is bounded: the pending sequences by the reorder buffer, the filled ranges by
 * {@link SpeakerStreamSequencer#MAX_FILLED_RANGES}; the audio itself is the caller's. A value of -1 means "none
 * yet" where a parameter says so.
 *
 * <p>It checks nothing beyond nulls: it is also what a persisted entry decodes to, and a stream whose entry
 * decodes goes on as it is.
 *
 * @param sampleRate         samples per second of the stream
 * @param lastActivityMs     wall-clock time of the latest chunk (or of the start), epoch milliseconds
 * @param nextSequence       next sequence to join the contiguous audio; all below it joined or were filled
 * @param endSequence        sequence of the end-of-stream chunk, or -1 while unknown
 * @param pending            buffered sequences above {@code nextSequence}, ascending, waiting for the gap before
 *                           them
 * @param gapOpenSinceMs     wall-clock time since which the gap at {@code nextSequence} has been open, or -1
 * @param contiguousSamples  samples of contiguous audio (real and gap silence) since the stream began
 * @param windowIndex        index of the next window; it starts at {@code windowIndex} hops
 * @param lastWindowEndSample end sample (exclusive) of the latest window, or -1
 * @param lastChunkSamples   samples of the latest non-empty chunk: the length assumed for each missing chunk
 * @param firstCaptureMs     capture time of the first sample of the contiguous audio, or -1
 * @param nextCaptureMs      capture time of the sample at {@code contiguousSamples}, i.e. the end of the
 *                           contiguous audio, or -1
 * @param gaps               missing chunks filled with silence (saturating)
 * @param gapFillMs          milliseconds of silence filled in (saturating)
 * @param duplicates         chunks dropped because their sequence had joined or was buffered
 * @param lateChunks         chunks dropped because they came after the end or for a slot already filled
 * @param filledRanges       the latest ranges filled with silence, oldest first
 */
public record SequencerState(
        int sampleRate,
        long lastActivityMs,
        long nextSequence,
        long endSequence,
        List<Long> pending,
        long gapOpenSinceMs,
        long contiguousSamples,
        long windowIndex,
        long lastWindowEndSample,
        long lastChunkSamples,
        long firstCaptureMs,
        long nextCaptureMs,
        long gaps,
        long gapFillMs,
        long duplicates,
        long lateChunks,
        List<FilledRange> filledRanges) {

    /**
     * The state as an owner that took the stream over at wall-clock time {@code takenOverMs} must judge it: the
     * wall-clock waits that began earlier (since the last chunk, since a gap opened) count from then. The time
     * between a failed owner's last chunk and a new owner's start (a session timeout, a restore) is a stall of the
     * service, not silence of the caller, and must not end the stream or fill its gap.
     */
    public SequencerState takenOverAt(long takenOverMs) {
        long activity = Math.max(lastActivityMs, takenOverMs);
        long gapOpen = pending.isEmpty() ? gapOpenSinceMs : Math.max(gapOpenSinceMs, takenOverMs);
        if (activity == lastActivityMs && gapOpen == gapOpenSinceMs) {
            return this;
        }
        return new SequencerState(
                sampleRate,
                activity,
                nextSequence,
                endSequence,
                pending,
                gapOpen,
                contiguousSamples,
                windowIndex,
                lastWindowEndSample,
                lastChunkSamples,
                firstCaptureMs,
                nextCaptureMs,
                gaps,
                gapFillMs,
                duplicates,
                lateChunks,
                filledRanges);
    }

    /** Sequences {@code [from, to)}, filled with silence. */
    public record FilledRange(long from, long to) {

        public boolean contains(long sequence) {
            return sequence >= from && sequence < to;
        }
    }

    public SequencerState {
        pending = List.copyOf(Objects.requireNonNull(pending, "pending"));
        filledRanges = List.copyOf(Objects.requireNonNull(filledRanges, "filledRanges"));
    }

    /** A stream that has seen no chunk yet. */
    public static SequencerState start(int sampleRate, long nowMs) {
        return new SequencerState(
                sampleRate,
                nowMs,
                0,
                -1,
                List.of(),
                -1,
                0,
                0,
                -1,
                0,
                -1,
                -1,
                0,
                0,
                0,
                0,
                List.of());
    }

    /** Whether {@code sequence} lies in one of the remembered filled ranges. */
    public boolean wasFilled(long sequence) {
        return filledRanges.stream().anyMatch(range -> range.contains(sequence));
    }

    /** Duration of {@code samples} at the stream's rate, rounded to the nearest millisecond. */
    public long samplesToMs(long samples) {
        return samplesToMs(samples, sampleRate);
    }

    static long samplesToMs(long samples, int sampleRate) {
        return Math.round(samples * 1000.0 / sampleRate);
    }
}
