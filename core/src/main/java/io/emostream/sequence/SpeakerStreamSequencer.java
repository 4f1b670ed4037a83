package io.emostream.sequence;

import io.emostream.analysis.WindowPolicy;
import io.emostream.sequence.SequencerState.FilledRange;
import io.emostream.sequence.SequencingDecision.EndCause;
import io.emostream.sequence.SequencingDecision.GapFill;
import io.emostream.sequence.SequencingDecision.Verdict;
import io.emostream.sequence.SequencingDecision.WindowRange;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The data path of one speaker stream, without its audio: chunks arrive by sequence number, in any order, some
 * twice, some never; this class decides what becomes of each and when the contiguous audio it builds has windows
 * ready. It neither stores nor reads audio: the caller stores what the {@link SequencingDecision} says and answers
 * {@link BufferedChunks#header} for the chunks it buffered.
 *
 * <ul>
 *   <li>A chunk at the next expected sequence joins the contiguous audio, and so do the buffered chunks that
 *       follow it without a gap.</li>
 *   <li>A chunk further ahead is buffered. The gap before the oldest buffered chunk is filled with silence (the
 *       missing chunks times the latest real chunk's length, at most {@code inactivityTimeout} of it) once it has
 *       been open for {@code gapWait} ({@link #tick}) or when more than {@code reorderBufferMaxChunks} chunks are
 *       buffered.</li>
 *   <li>A chunk whose sequence has joined or is buffered is a duplicate; one beyond the end-of-stream chunk, or for
 *       a slot already filled with silence, is late. Both are dropped and counted.</li>
 *   <li>Windows follow {@link io.emostream.analysis.WindowPolicy}: full windows as soon as the audio covers them;
 *       when the stream ends, a trailing partial window if it holds enough new audio.</li>
 *   <li>The stream ends when the end-of-stream chunk and everything before it have joined, or after
 *       {@code inactivityTimeout} without a chunk ({@link #tick}); remaining gaps are filled first. An ended
 *       sequencer takes no further step.</li>
 * </ul>
 *
 * <p>Sequence numbers are 0 to {@code Long.MAX_VALUE - 1}, so {@code sequence + 1} and gap sizes never overflow.
 * An instance is meant to live for one step: build it from the persisted {@link SequencerState}, take the step,
 * persist {@link #state()}. It is not thread-safe.
 */
public final class SpeakerStreamSequencer {

    /** Filled ranges remembered to tell late chunks (for filled slots) from duplicates; oldest forgotten first. */
    public static final int MAX_FILLED_RANGES = 32;

    /** What a wall-clock check ({@link #tick}) would do now. */
    public enum Due {
        /** Neither of the two below. */
        NOTHING,
        /** The gap before the oldest buffered chunk has been open for {@code gapWait}: fill it. */
        GAP_WAITED,
        /** No chunk came for {@code inactivityTimeout}: end the stream. */
        INACTIVE
    }

    private final SequencingRules rules;
    private final BufferedChunks buffered;
    private final int sampleRate;
    private final long windowSamples;
    private final long hopSamples;
    private long lastActivityMs;
    private long nextSequence;
    private long endSequence;
    private final TreeSet<Long> pending;
    private long gapOpenSinceMs;
    private long contiguousSamples;
    private long windowIndex;
    private long lastWindowEndSample;
    private long lastChunkSamples;
    private long firstCaptureMs;
    private long nextCaptureMs;
    private long gaps;
    private long gapFillMs;
    private long duplicates;
    private long lateChunks;
    private final Deque<FilledRange> filledRanges;
    private boolean ended;

    /** The chunk of the current {@link #accept} step, not stored by the caller yet; null outside it. */
    private ChunkHeader arriving;

    private long arrivingSequence;

    /** What the current step asks of the caller. */
    private Step step;

    /** What one step has decided so far. */
    private static final class Step {
        final List<Long> discarded = new ArrayList<>();
        final List<GapFill> gapFills = new ArrayList<>();
        final List<WindowRange> windows = new ArrayList<>();
        EndCause end;

        SequencingDecision decision(Verdict verdict) {
            return new SequencingDecision(verdict, discarded, gapFills, windows, end);
        }
    }

    /** Resumes a stream at {@code state} ({@link SequencerState#start} for a new one). */
    public SpeakerStreamSequencer(
            SequencingRules rules, SequencerState state, BufferedChunks buffered) {
        this.rules = Objects.requireNonNull(rules, "rules");
        this.buffered = Objects.requireNonNull(buffered, "buffered");
        sampleRate = state.sampleRate();
        windowSamples = rules.windows().windowSamples(sampleRate);
        hopSamples = rules.windows().hopSamples(sampleRate);
        lastActivityMs = state.lastActivityMs();
        nextSequence = state.nextSequence();
        endSequence = state.endSequence();
        pending = new TreeSet<>(state.pending());
        gapOpenSinceMs = state.gapOpenSinceMs();
        contiguousSamples = state.contiguousSamples();
        windowIndex = state.windowIndex();
        lastWindowEndSample = state.lastWindowEndSample();
        lastChunkSamples = state.lastChunkSamples();
        firstCaptureMs = state.firstCaptureMs();
        nextCaptureMs = state.nextCaptureMs();
        gaps = state.gaps();
        gapFillMs = state.gapFillMs();
        duplicates = state.duplicates();
        lateChunks = state.lateChunks();
        filledRanges = new ArrayDeque<>(state.filledRanges());
    }

    /** The state to persist; after the end, the state as the stream ended (the caller keeps a marker instead). */
    public SequencerState state() {
        return new SequencerState(
                sampleRate,
                lastActivityMs,
                nextSequence,
                endSequence,
                List.copyOf(pending),
                gapOpenSinceMs,
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
                List.copyOf(filledRanges));
    }

    /** Whether the stream has ended: it takes no further step. */
    public boolean ended() {
        return ended;
    }

    /**
     * Takes the chunk {@code sequence} that arrived at wall-clock time {@code nowMs}.
     *
     * @param endOfStream whether it is the stream's last chunk
     * @throws IllegalArgumentException if {@code sequence} is outside 0 to {@code Long.MAX_VALUE - 1}
     * @throws IllegalStateException    if the stream has ended
     */
    public SequencingDecision accept(
            long sequence, ChunkHeader chunk, boolean endOfStream, long nowMs) {
        if (sequence < 0 || sequence == Long.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "sequence " + sequence + " is outside 0.." + (Long.MAX_VALUE - 1));
        }
        Objects.requireNonNull(chunk, "chunk");
        beginStep();
        arriving = chunk;
        arrivingSequence = sequence;
        try {
            return step.decision(take(sequence, chunk, endOfStream, nowMs));
        } finally {
            arriving = null;
            step = null;
        }
    }

    private Verdict take(long sequence, ChunkHeader chunk, boolean endOfStream, long nowMs) {
        lastActivityMs = nowMs;
        if (endSequence >= 0 && sequence > endSequence) {
            lateChunks++;
            return Verdict.LATE_AFTER_END;
        }
        if (sequence < nextSequence && wasFilled(sequence)) {
            lateChunks++;
            return Verdict.LATE_FOR_FILLED_SLOT;
        }
        if (sequence < nextSequence || pending.contains(sequence)) {
            duplicates++;
            return Verdict.DUPLICATE;
        }
        if (endOfStream) {
            endSequence = sequence;
            while (!pending.isEmpty() && pending.last() > endSequence) {
                step.discarded.add(0, pending.pollLast());
                lateChunks++;
            }
        }
        if (chunk.sampleCount() > 0) {
            lastChunkSamples = chunk.sampleCount();
        }
        Verdict verdict;
        if (sequence == nextSequence) {
            join(sequence + 1, chunk);
            drainPending();
            verdict = Verdict.JOINED;
        } else {
            if (pending.isEmpty()) {
                gapOpenSinceMs = nowMs;
            }
            pending.add(sequence);
            if (pending.size() > rules.reorderBufferMaxChunks()) {
                fillOldestGap(nowMs);
            }
            verdict = Verdict.BUFFERED;
        }
        advance(nowMs);
        return verdict;
    }

    /** What {@link #tick} would do at wall-clock time {@code nowMs}; {@link Due#NOTHING} once ended. */
    public Due due(long nowMs) {
        if (ended) {
            return Due.NOTHING;
        }
        if (!pending.isEmpty() && nowMs - gapOpenSinceMs >= rules.gapWait().toMillis()) {
            return Due.GAP_WAITED;
        }
        if (nowMs - lastActivityMs >= rules.inactivityTimeout().toMillis()) {
            return Due.INACTIVE;
        }
        return Due.NOTHING;
    }

    /**
     * The wall-clock check at {@code nowMs}: fills the gap that waited {@code gapWait} (which may complete windows
     * and the stream), or ends a stream inactive for {@code inactivityTimeout}, or does nothing ({@link #due}).
     *
     * @throws IllegalStateException if the stream has ended
     */
    public SequencingDecision tick(long nowMs) {
        beginStep();
        try {
            switch (due(nowMs)) {
                case GAP_WAITED -> {
                    fillOldestGap(nowMs);
                    advance(nowMs);
                }
                case INACTIVE -> end(EndCause.INACTIVITY, nowMs);
                case NOTHING -> {}
            }
            return step.decision(Verdict.NO_CHUNK);
        } finally {
            step = null;
        }
    }

    private void beginStep() {
        if (ended) {
            throw new IllegalStateException("the stream has ended");
        }
        step = new Step();
    }

    private boolean wasFilled(long sequence) {
        return filledRanges.stream().anyMatch(range -> range.contains(sequence));
    }

    private ChunkHeader header(long sequence) {
        return arriving != null && sequence == arrivingSequence
                ? arriving
                : buffered.header(sequence);
    }

    /** Appends audio to the contiguous audio; {@code next} is the sequence that follows it. */
    private void join(long next, ChunkHeader audio) {
        if (firstCaptureMs < 0) {
            firstCaptureMs = audio.captureTimeMs();
        }
        contiguousSamples += audio.sampleCount();
        nextSequence = next;
        nextCaptureMs = audio.captureTimeMs() + samplesToMs(audio.sampleCount());
    }

    private void drainPending() {
        while (!pending.isEmpty() && pending.first() == nextSequence) {
            long sequence = pending.pollFirst();
            join(sequence + 1, header(sequence));
        }
        if (pending.isEmpty()) {
            gapOpenSinceMs = -1;
        }
    }

    /** Fills the gap before the oldest buffered chunk with silence, then drains what became contiguous. */
    private void fillOldestGap(long nowMs) {
        long firstPending = pending.first();
        long missing = firstPending - nextSequence;
        long maxSilence = WindowPolicy.samplesOf(rules.inactivityTimeout(), sampleRate);
        long perChunk = lastChunkSamples;
        long silentSamples =
                perChunk == 0
                        ? 0
                        : missing > maxSilence / perChunk ? maxSilence : missing * perChunk;
        long captureTimeMs = nextCaptureMs;
        if (captureTimeMs < 0) {
            // Gap at the very start: the silence ends where the first buffered chunk begins.
            captureTimeMs = header(firstPending).captureTimeMs() - samplesToMs(silentSamples);
        }
        long durationMs = samplesToMs(silentSamples);
        step.gapFills.add(
                new GapFill(nextSequence, firstPending, silentSamples, captureTimeMs, durationMs));
        filledRanges.addLast(new FilledRange(nextSequence, firstPending));
        while (filledRanges.size() > MAX_FILLED_RANGES) {
            filledRanges.removeFirst();
        }
        gaps = saturatedAdd(gaps, missing);
        gapFillMs = saturatedAdd(gapFillMs, durationMs);
        join(firstPending, new ChunkHeader(silentSamples, captureTimeMs));
        drainPending();
        if (!pending.isEmpty()) {
            gapOpenSinceMs = nowMs; // the next gap starts waiting now
        }
    }

    /** Cuts every full window the audio covers, then ends the stream if its last chunk has joined. */
    private void advance(long nowMs) {
        cutFullWindows();
        if (endSequence >= 0 && nextSequence > endSequence) {
            end(EndCause.END_OF_STREAM, nowMs);
        }
    }

    private void cutFullWindows() {
        while (contiguousSamples >= windowIndex * hopSamples + windowSamples) {
            long start = windowIndex * hopSamples;
            cut(start, start + windowSamples, false);
        }
    }

    /** Fills the remaining gaps, cuts the full windows and the trailing one if it is due, and ends the stream. */
    private void end(EndCause cause, long nowMs) {
        while (!pending.isEmpty()) {
            fillOldestGap(nowMs);
        }
        cutFullWindows();
        long start = windowIndex * hopSamples;
        if (rules.windows()
                .lastWindowDue(contiguousSamples, start, lastWindowEndSample, sampleRate)) {
            cut(start, contiguousSamples, true);
        }
        ended = true;
        step.end = cause;
    }

    private void cut(long start, long end, boolean trailing) {
        step.windows.add(
                new WindowRange(windowIndex, start, end, (windowIndex + 1) * hopSamples, trailing));
        windowIndex++;
        lastWindowEndSample = end;
    }

    private long samplesToMs(long samples) {
        return SequencerState.samplesToMs(samples, sampleRate);
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
