package io.emostream.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.analysis.WindowPolicy;
import io.emostream.sequence.SequencingDecision.EndCause;
import io.emostream.sequence.SequencingDecision.GapFill;
import io.emostream.sequence.SequencingDecision.Verdict;
import io.emostream.sequence.SequencingDecision.WindowRange;
import io.emostream.sequence.SpeakerStreamSequencer.Due;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each decision of the sequencer, by example. At 1000 Hz a sample is a millisecond: chunks of 100 samples, windows
 * of 300 with a hop of 300, a trailing window needs 100 new samples, 4 chunks may wait, a gap waits 2 s, a stream
 * ends after 30 s without a chunk.
 */
class SpeakerStreamSequencerTest {

    private static final int RATE = 1000;
    private static final int CHUNK = 100;

    /** Capture time of chunk 0; chunk n was captured n * 100 ms later. */
    private static final long T0 = 1_000_000;

    private static final SequencingRules RULES =
            rules(Duration.ofMillis(300), 4, Duration.ofSeconds(2));

    private SequencerDriver stream = new SequencerDriver(RULES, RATE, 0);

    private static SequencingRules rules(
            Duration hop, int reorderBufferMaxChunks, Duration gapWait) {
        return new SequencingRules(
                new WindowPolicy(Duration.ofMillis(300), hop, Duration.ofMillis(100)),
                reorderBufferMaxChunks,
                gapWait,
                Duration.ofSeconds(30));
    }

    /** Chunks that all arrive at time 0, in this order. */
    private void arrive(long... sequences) {
        for (long sequence : sequences) {
            send(sequence, 0);
        }
    }

    private SequencingDecision send(long sequence, long nowMs) {
        return send(sequence, CHUNK, false, nowMs);
    }

    private SequencingDecision send(long sequence, long samples, boolean end, long nowMs) {
        return stream.accept(sequence, new ChunkHeader(samples, T0 + sequence * CHUNK), end, nowMs);
    }

    /** Checks that {@code due} comes at {@code atMs} and not a millisecond earlier, then runs that check. */
    private SequencingDecision tickWhenDue(Due due, long atMs) {
        assertEquals(Due.NOTHING, stream.due(atMs - 1));
        assertEquals(due, stream.due(atMs));
        return stream.tick(atMs);
    }

    private static WindowRange full(long index) {
        return new WindowRange(index, index * 300, index * 300 + 300, index * 300 + 300, false);
    }

    @Test
    void chunksInOrderJoinAndEveryThirdCompletesAWindow() {
        assertEquals(Verdict.JOINED, send(0, 0).verdict());
        assertEquals(List.of(), send(1, 0).windows());
        SequencingDecision third = send(2, 0);
        assertEquals(Verdict.JOINED, third.verdict());
        assertEquals(List.of(full(0)), third.windows());
        assertFalse(third.ended());
        assertEquals(3, stream.state.nextSequence());
        assertEquals(300, stream.state.contiguousSamples());
        assertEquals(T0, stream.state.firstCaptureMs());
        assertEquals(T0 + 300, stream.state.nextCaptureMs());
    }

    @Test
    void aChunkAheadIsBufferedUntilTheGapBeforeItCloses() {
        arrive(0);
        SequencingDecision ahead = send(2, 5);
        assertEquals(Verdict.BUFFERED, ahead.verdict());
        assertEquals(List.of(2L), stream.state.pending());
        assertEquals(5, stream.state.gapOpenSinceMs());
        assertEquals(1, stream.state.nextSequence());

        SequencingDecision missing = send(1, 6);
        assertEquals(Verdict.JOINED, missing.verdict());
        assertEquals(
                List.of(full(0)), missing.windows(), "chunk 2 followed chunk 1 into the window");
        assertEquals(List.of(), stream.state.pending());
        assertEquals(-1, stream.state.gapOpenSinceMs());
        assertEquals(3, stream.state.nextSequence());
    }

    @Test
    void aSequenceThatJoinedOrIsBufferedIsADuplicate() {
        arrive(0, 2);
        assertEquals(Verdict.DUPLICATE, send(0, 7).verdict());
        assertEquals(Verdict.DUPLICATE, send(2, 8).verdict());
        assertEquals(2, stream.state.duplicates());
        assertEquals(
                8, stream.state.lastActivityMs(), "a duplicate still shows the stream is alive");
        assertEquals(List.of(2L), stream.state.pending());
    }

    @Test
    void aGapOpenForGapWaitIsFilledWithSilenceOfTheLatestChunksLength() {
        arrive(0, 2);
        SequencingDecision filled = tickWhenDue(Due.GAP_WAITED, 2000);
        assertEquals(Verdict.NO_CHUNK, filled.verdict());
        assertEquals(List.of(new GapFill(1, 2, CHUNK, T0 + 100, 100)), filled.gapFills());
        assertEquals(List.of(full(0)), filled.windows());
        assertEquals(1, stream.state.gaps());
        assertEquals(100, stream.state.gapFillMs());
        assertTrue(stream.state.wasFilled(1));

        SequencingDecision late = send(1, 2010);
        assertEquals(Verdict.LATE_FOR_FILLED_SLOT, late.verdict());
        assertTrue(late.verdict().late());
        assertEquals(1, stream.state.lateChunks());
    }

    @Test
    void aFullReorderBufferFillsTheOldestGapAtOnce() {
        arrive(0);
        for (long sequence = 2; sequence <= 5; sequence++) {
            assertEquals(List.of(), send(sequence, 0).gapFills(), "4 chunks may wait");
        }
        SequencingDecision overflow = send(6, 0);
        assertEquals(Verdict.BUFFERED, overflow.verdict());
        assertEquals(List.of(new GapFill(1, 2, CHUNK, T0 + 100, 100)), overflow.gapFills());
        assertEquals(List.of(full(0), full(1)), overflow.windows());
        assertEquals(7, stream.state.nextSequence());
        assertEquals(List.of(), stream.state.pending());
    }

    @Test
    void aGapAtTheVeryStartEndsWhereTheFirstBufferedChunkBegins() {
        arrive(3);
        SequencingDecision filled = stream.tick(2000);
        assertEquals(List.of(new GapFill(0, 3, 300, T0, 300)), filled.gapFills());
        assertEquals(List.of(full(0)), filled.windows());
        assertEquals(T0, stream.state.firstCaptureMs());
    }

    @Test
    void aHugeJumpIsFilledWithAtMostTheInactivityTimeoutOfSilence() {
        arrive(0, 1_000_000);
        SequencingDecision filled = stream.tick(2000);
        assertEquals(
                List.of(new GapFill(1, 1_000_000, 30_000, T0 + 100, 30_000)), filled.gapFills());
        assertEquals(999_999, filled.gapFills().get(0).missingChunks());
        assertEquals(999_999, stream.state.gaps(), "every missing chunk is counted");
        assertEquals(30_000, stream.state.gapFillMs());
        assertEquals(100, filled.windows().size(), "30.2 s of audio: 100 windows of 0.3 s");
        assertEquals(1_000_001, stream.state.nextSequence());
    }

    @Test
    void theEndOfStreamChunkEndsTheStreamWithATrailingWindowIfThatHoldsMinLastWindowOfNewAudio() {
        for (long lastSamples : new long[] {99, 100}) {
            stream = new SequencerDriver(RULES, RATE, 0);
            arrive(0, 1, 2);
            SequencingDecision last = send(3, lastSamples, true, 0);
            assertEquals(Verdict.JOINED, last.verdict());
            assertEquals(
                    lastSamples < 100
                            ? List.of()
                            : List.of(new WindowRange(1, 300, 300 + lastSamples, 600, true)),
                    last.windows(),
                    lastSamples + " samples after the full window");
            assertEquals(EndCause.END_OF_STREAM, last.end());
            assertTrue(stream.ended);
        }
    }

    @Test
    void theEndWaitsForTheChunksBeforeItAndLaterOnesAreLate() {
        assertEquals(Verdict.BUFFERED, send(2, CHUNK, true, 0).verdict());
        assertEquals(2, stream.state.endSequence());
        SequencingDecision beyond = send(5, 0);
        assertEquals(Verdict.LATE_AFTER_END, beyond.verdict());
        assertNull(send(0, 0).end());
        SequencingDecision closing = send(1, 0);
        assertEquals(
                List.of(full(0)),
                closing.windows(),
                "exactly one window: no new audio for a trailing one");
        assertEquals(EndCause.END_OF_STREAM, closing.end());
        assertEquals(1, stream.state.lateChunks());
    }

    @Test
    void anEndOfStreamChunkDiscardsTheBufferedChunksBeyondIt() {
        arrive(0, 3, 4);
        SequencingDecision end = send(2, CHUNK, true, 0);
        assertEquals(Verdict.BUFFERED, end.verdict());
        assertEquals(List.of(3L, 4L), end.discarded());
        assertEquals(List.of(2L), stream.state.pending());
        assertEquals(2, stream.state.lateChunks(), "discarded chunks count as late");
    }

    @Test
    void aStreamWithoutChunksForTheInactivityTimeoutEnds() {
        arrive(0, 1);
        SequencingDecision idle = tickWhenDue(Due.INACTIVE, 30_000);
        assertEquals(EndCause.INACTIVITY, idle.end());
        assertEquals(List.of(new WindowRange(0, 0, 200, 300, true)), idle.windows());
    }

    @Test
    void anInactiveStreamFillsItsRemainingGapsBeforeItEnds() {
        stream =
                new SequencerDriver(
                        rules(Duration.ofMillis(300), 4, Duration.ofMinutes(1)), RATE, 0);
        arrive(0, 2);
        SequencingDecision idle = stream.tick(30_000);
        assertEquals(List.of(new GapFill(1, 2, CHUNK, T0 + 100, 100)), idle.gapFills());
        assertEquals(List.of(full(0)), idle.windows());
        assertEquals(EndCause.INACTIVITY, idle.end());
    }

    @Test
    void anEndedStreamTakesNoFurtherStep() {
        SpeakerStreamSequencer ended =
                new SpeakerStreamSequencer(RULES, SequencerState.start(RATE, 0), s -> null);
        ended.accept(0, new ChunkHeader(CHUNK, T0), true, 0);
        assertTrue(ended.ended());
        assertEquals(Due.NOTHING, ended.due(Long.MAX_VALUE));
        assertThrows(
                IllegalStateException.class,
                () -> ended.accept(1, new ChunkHeader(CHUNK, T0), false, 0));
        assertThrows(IllegalStateException.class, () -> ended.tick(60_000));
    }

    @Test
    void sequencesOutsideTheirRangeAreRefused() {
        SpeakerStreamSequencer sequencer =
                new SpeakerStreamSequencer(RULES, SequencerState.start(RATE, 0), s -> null);
        ChunkHeader chunk = new ChunkHeader(CHUNK, T0);
        assertThrows(IllegalArgumentException.class, () -> sequencer.accept(-1, chunk, false, 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> sequencer.accept(Long.MAX_VALUE, chunk, false, 0));
        assertEquals(
                SequencerState.start(RATE, 0),
                sequencer.state(),
                "a refused chunk changes nothing");
    }

    @Test
    void overlappingWindowsRetainTheAudioTheNextWindowNeeds() {
        stream =
                new SequencerDriver(
                        rules(Duration.ofMillis(100), 4, Duration.ofSeconds(2)), RATE, 0);
        for (long sequence = 0; sequence < 5; sequence++) {
            send(sequence, 0);
        }
        assertEquals(
                List.of(
                        new WindowRange(0, 0, 300, 100, false),
                        new WindowRange(1, 100, 400, 200, false),
                        new WindowRange(2, 200, 500, 300, false)),
                stream.windows());
    }

    @Test
    void onlyTheLatestFilledRangesAreRememberedSoOlderLateChunksCountAsDuplicates() {
        int fills = SpeakerStreamSequencer.MAX_FILLED_RANGES + 10;
        arrive(0);
        long now = 0;
        for (int i = 1; i <= fills; i++) {
            send(2L * i, now);
            now += 2000;
            assertEquals(
                    List.of(new GapFill(2L * i - 1, 2L * i, CHUNK, T0 + (2L * i - 1) * CHUNK, 100)),
                    stream.tick(now).gapFills());
        }
        assertEquals(SpeakerStreamSequencer.MAX_FILLED_RANGES, stream.state.filledRanges().size());
        assertEquals(
                Verdict.DUPLICATE, send(1, now).verdict(), "the oldest filled slot is forgotten");
        assertEquals(Verdict.LATE_FOR_FILLED_SLOT, send(2L * fills - 1, now).verdict());
    }

    @Test
    void aSequencerResumedFromItsStateIsTheSameSequencer() {
        arrive(0);
        send(2, 3);
        send(5, 4);
        SpeakerStreamSequencer resumed =
                new SpeakerStreamSequencer(RULES, stream.state, stream.store::get);
        assertEquals(stream.state, resumed.state());
    }
}
