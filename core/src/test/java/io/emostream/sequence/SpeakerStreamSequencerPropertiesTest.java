package io.emostream.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.analysis.WindowPolicy;
import io.emostream.sequence.SequencingDecision.EndCause;
import io.emostream.sequence.SequencingDecision.GapFill;
import io.emostream.sequence.SequencingDecision.Verdict;
import io.emostream.sequence.SequencingDecision.WindowRange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of the sequencer over generated speaker streams: chunks of varied length, each delivered zero to three
 * times, in any order, with wall-clock pauses between arrivals (the service's wall-clock check runs at every
 * arrival), under generated window, reorder, gap-wait and inactivity settings. Whatever the disorder, duplication
 * and loss, the windows come once each and in order, and every sequence below the cursor either joined once or is
 * part of a counted gap.
 */
class SpeakerStreamSequencerPropertiesTest {

    /** One sample per millisecond: durations and sample counts read alike. */
    private static final int RATE = 1000;

    private static final long T0 = 1_000_000;

    /**
     * A speaker stream to replay.
     *
     * @param samples    length of chunk n, the stream's chunks being 0 to samples.size() - 1
     * @param endFlag    whether the last chunk carries the end-of-stream flag
     * @param arrivals   the sequences in the order they arrive, each 0 to 3 times; {@link #NONE} for a moment
     *                   when only the wall-clock check runs
     * @param pausesMs   wall-clock time before each arrival
     */
    record Scenario(
            SequencingRules rules,
            List<Integer> samples,
            boolean endFlag,
            List<Long> arrivals,
            List<Integer> pausesMs) {

        static final long NONE = -1;

        ChunkHeader header(long sequence) {
            long capture = T0;
            for (int i = 0; i < sequence; i++) {
                capture += samples.get(i);
            }
            return new ChunkHeader(samples.get((int) sequence), capture);
        }

        boolean last(long sequence) {
            return endFlag && sequence == samples.size() - 1;
        }
    }

    /** The replay of a scenario, and how the arrivals that came after the end fared (the service rejects them). */
    record Run(Scenario scenario, SequencerDriver driver, int arrivalsAfterEnd) {}

    // ---- generators

    private static Arbitrary<SequencingRules> rules(
            Arbitrary<Integer> reorderBufferMaxChunks, Arbitrary<Integer> inactivityMs) {
        Arbitrary<WindowPolicy> policies =
                Arbitraries.integers()
                        .between(20, 400)
                        .flatMap(
                                window ->
                                        Combinators.combine(
                                                        Arbitraries.integers().between(1, window),
                                                        Arbitraries.integers().between(0, window))
                                                .as(
                                                        (hop, minLast) ->
                                                                new WindowPolicy(
                                                                        Duration.ofMillis(window),
                                                                        Duration.ofMillis(hop),
                                                                        Duration.ofMillis(
                                                                                minLast))));
        return Combinators.combine(
                        policies,
                        reorderBufferMaxChunks,
                        Arbitraries.integers().between(1, 500),
                        inactivityMs)
                .as(
                        (policy, reorder, gapWait, inactivity) ->
                                new SequencingRules(
                                        policy,
                                        reorder,
                                        Duration.ofMillis(gapWait),
                                        Duration.ofMillis(inactivity)));
    }

    private static Arbitrary<Scenario> scenarios(
            Arbitrary<SequencingRules> rules,
            int minCopies,
            Arbitrary<Integer> pauses,
            Arbitrary<Boolean> endFlag) {
        Arbitrary<List<Integer>> samples =
                Arbitraries.frequencyOf(
                                Tuple.of(1, Arbitraries.just(0)),
                                Tuple.of(12, Arbitraries.integers().between(1, 120)))
                        .list()
                        .ofMinSize(1)
                        .ofMaxSize(40);
        Arbitrary<List<Integer>> copies =
                Arbitraries.integers().between(minCopies, 3).list().ofSize(40);
        return Combinators.combine(rules, samples, copies, endFlag)
                .flatAs(
                        (r, lengths, times, end) -> {
                            List<Long> arrivals = new ArrayList<>();
                            for (int sequence = 0; sequence < lengths.size(); sequence++) {
                                for (int i = 0; i < times.get(sequence); i++) {
                                    arrivals.add((long) sequence);
                                }
                            }
                            return Combinators.combine(
                                            Arbitraries.shuffle(arrivals),
                                            pauses.list().ofSize(arrivals.size()))
                                    .as(
                                            (order, waits) ->
                                                    new Scenario(r, lengths, end, order, waits));
                        });
    }

    @Provide
    Arbitrary<Scenario> anyDisorder() {
        return scenarios(
                rules(
                        Arbitraries.integers().between(1, 10),
                        Arbitraries.integers().between(1, 3000)),
                0,
                Arbitraries.frequencyOf(
                        Tuple.of(3, Arbitraries.just(0)),
                        Tuple.of(2, Arbitraries.integers().between(1, 600))),
                Arbitraries.of(true, false));
    }

    /** Every chunk arrives, the last one flagged, all at the same instant, and the buffer holds the whole stream. */
    @Provide
    Arbitrary<Scenario> noLoss() {
        return scenarios(
                rules(Arbitraries.just(40), Arbitraries.integers().between(1, 3000)),
                1,
                Arbitraries.just(0),
                Arbitraries.just(true));
    }

    /** Any disorder, but the stream is never idle for its inactivity timeout before it is drained. */
    @Provide
    Arbitrary<Scenario> neverIdle() {
        return scenarios(
                rules(Arbitraries.integers().between(1, 10), Arbitraries.just(3_600_000)),
                0,
                Arbitraries.integers().between(0, 600),
                Arbitraries.of(true, false));
    }

    // ---- replay

    /**
     * Replays the arrivals (a wall-clock check before each, as the punctuation would), then lets time pass until
     * the stream has ended. Arrivals after the end do not reach the sequencer.
     */
    private static Run replay(Scenario scenario) {
        return replay(scenario, true);
    }

    private static Run replay(Scenario scenario, boolean resumeEveryStep) {
        SequencerDriver driver = new SequencerDriver(scenario.rules(), RATE, 0, resumeEveryStep);
        long now = 0;
        int afterEnd = 0;
        for (int i = 0; i < scenario.arrivals().size(); i++) {
            now += scenario.pausesMs().get(i);
            if (!driver.ended && driver.due(now) != SpeakerStreamSequencer.Due.NOTHING) {
                driver.tick(now);
            }
            long sequence = scenario.arrivals().get(i);
            if (sequence == Scenario.NONE) {
                continue;
            }
            if (driver.ended) {
                afterEnd++;
            } else {
                driver.accept(sequence, scenario.header(sequence), scenario.last(sequence), now);
            }
        }
        long wait =
                Math.max(
                        scenario.rules().gapWait().toMillis(),
                        scenario.rules().inactivityTimeout().toMillis());
        for (int ticks = 0; !driver.ended; ticks++) {
            assertTrue(
                    ticks <= scenario.samples().size() + 1,
                    "each check fills a gap or ends the stream");
            now += wait;
            driver.tick(now);
        }
        return new Run(scenario, driver, afterEnd);
    }

    // ---- properties

    @Property
    void windowsComeOnceEachInOrderWhereTheWindowPolicyPutsThem(
            @ForAll("anyDisorder") Scenario scenario) {
        SequencerDriver driver = replay(scenario).driver();
        List<WindowRange> windows = driver.windows();
        WindowPolicy policy = scenario.rules().windows();
        long length = driver.state.contiguousSamples();
        assertEquals(
                policy.starts(length, RATE),
                windows.stream().map(WindowRange::startSample).toList());
        long hop = policy.hopSamples(RATE);
        for (int i = 0; i < windows.size(); i++) {
            WindowRange window = windows.get(i);
            assertEquals(i, window.index());
            assertEquals(
                    i == windows.size() - 1
                            && window.endSample() - window.startSample()
                                    < policy.windowSamples(RATE),
                    window.trailing(),
                    "only the last window may be partial");
            assertEquals(
                    window.trailing() ? length : window.startSample() + policy.windowSamples(RATE),
                    window.endSample());
            assertEquals((i + 1) * hop, window.retainFrom());
        }
    }

    @Property
    void everySequenceBelowTheCursorJoinedOnceOrIsInACountedGap(
            @ForAll("anyDisorder") Scenario scenario) {
        SequencerDriver driver = replay(scenario).driver();
        SequencerState state = driver.state;
        // The stored chunks and the filled ranges tile [0, nextSequence): nothing twice, nothing
        // left out.
        TreeMap<Long, Long> tiles = new TreeMap<>();
        long samples = 0;
        for (var stored : driver.store.entrySet()) {
            assertTrue(
                    stored.getKey() < state.nextSequence(),
                    "nothing is left buffered once the stream ended");
            tiles.put(stored.getKey(), stored.getKey() + 1);
            samples += stored.getValue().sampleCount();
        }
        long gaps = 0;
        long gapFillMs = 0;
        for (GapFill fill : driver.gapFills()) {
            assertEquals(
                    null,
                    tiles.put(fill.fromSequence(), fill.toSequence()),
                    "a slot is used once: " + fill);
            assertTrue(fill.missingChunks() > 0);
            samples += fill.samples();
            gaps += fill.missingChunks();
            gapFillMs += fill.durationMs();
        }
        long next = 0;
        for (var tile : tiles.entrySet()) {
            assertEquals(next, tile.getKey(), "contiguous from 0");
            next = tile.getValue();
        }
        assertEquals(state.nextSequence(), next);
        assertEquals(state.contiguousSamples(), samples);
        assertEquals(state.gaps(), gaps);
        assertEquals(state.gapFillMs(), gapFillMs);
        assertEquals(
                state.nextSequence(),
                driver.store.size() + state.gaps(),
                "joined chunks plus counted gaps");
    }

    @Property
    void everyArrivalGetsOneVerdictAndTheCountersAddUp(@ForAll("anyDisorder") Scenario scenario) {
        Run run = replay(scenario);
        SequencerDriver driver = run.driver();
        long verdicts =
                driver.decisions.stream().filter(d -> d.verdict() != Verdict.NO_CHUNK).count();
        assertEquals(scenario.arrivals().size() - run.arrivalsAfterEnd(), verdicts);
        assertEquals(driver.count(Verdict.DUPLICATE), driver.state.duplicates());
        long discarded = driver.decisions.stream().mapToLong(d -> d.discarded().size()).sum();
        assertEquals(
                driver.count(Verdict.LATE_AFTER_END)
                        + driver.count(Verdict.LATE_FOR_FILLED_SLOT)
                        + discarded,
                driver.state.lateChunks());
        Set<Long> stored = new HashSet<>();
        for (int i = 0, decision = 0;
                i < scenario.arrivals().size() - run.arrivalsAfterEnd();
                decision++) {
            SequencingDecision d = driver.decisions.get(decision);
            if (d.verdict() == Verdict.NO_CHUNK) {
                continue;
            }
            long sequence = scenario.arrivals().get(i++);
            if (d.verdict().stored()) {
                assertTrue(stored.add(sequence), "chunk " + sequence + " is stored once");
            }
        }
        long ends = driver.decisions.stream().filter(SequencingDecision::ended).count();
        assertEquals(1, ends, "the stream ends once");
    }

    @Property
    void withoutLossEveryChunkJoinsAndTheStreamEndsWithItsLastChunk(
            @ForAll("noLoss") Scenario scenario) {
        Run run = replay(scenario);
        SequencerDriver driver = run.driver();
        SequencerState state = driver.state;
        int chunks = scenario.samples().size();
        long total = scenario.samples().stream().mapToLong(Integer::longValue).sum();
        assertEquals(List.of(), driver.gapFills());
        assertEquals(0, state.gaps());
        assertEquals(0, state.lateChunks());
        assertEquals(chunks, state.nextSequence());
        assertEquals(total, state.contiguousSamples());
        assertEquals(T0, state.firstCaptureMs());
        assertEquals(T0 + total, state.nextCaptureMs());
        assertEquals(
                scenario.arrivals().size() - run.arrivalsAfterEnd() - chunks, state.duplicates());
        SequencingDecision last = driver.decisions.get(driver.decisions.size() - 1);
        assertEquals(EndCause.END_OF_STREAM, last.end());
        assertTrue(last.verdict().stored(), "the chunk that completed the stream ended it");
    }

    @Property
    void duplicatesChangeNothingButTheCounters(@ForAll("neverIdle") Scenario scenario) {
        // The same arrivals with every repeat replaced by a mere wall-clock check at its time.
        Set<Long> seen = new HashSet<>();
        List<Long> firsts =
                scenario.arrivals().stream().map(s -> seen.add(s) ? s : Scenario.NONE).toList();
        SequencerDriver all = replay(scenario).driver();
        SequencerDriver once =
                replay(
                                new Scenario(
                                        scenario.rules(),
                                        scenario.samples(),
                                        scenario.endFlag(),
                                        firsts,
                                        scenario.pausesMs()))
                        .driver();
        assertEquals(once.windows(), all.windows());
        assertEquals(once.gapFills(), all.gapFills());
        assertEquals(once.store, all.store);
        assertEquals(withoutCounters(once.state), withoutCounters(all.state));
    }

    private static SequencerState withoutCounters(SequencerState s) {
        return new SequencerState(
                s.sampleRate(),
                0,
                s.nextSequence(),
                s.endSequence(),
                s.pending(),
                s.gapOpenSinceMs(),
                s.contiguousSamples(),
                s.windowIndex(),
                s.lastWindowEndSample(),
                s.lastChunkSamples(),
                s.firstCaptureMs(),
                s.nextCaptureMs(),
                s.gaps(),
                s.gapFillMs(),
                0,
                0,
                s.filledRanges());
    }

    @Property
    void aSequencerKeptAliveDecidesAsOneResumedFromItsStateAtEveryStep(
            @ForAll("anyDisorder") Scenario scenario) {
        SequencerDriver resumed = replay(scenario, true).driver();
        SequencerDriver kept = replay(scenario, false).driver();
        assertEquals(kept.decisions, resumed.decisions);
        assertEquals(kept.state, resumed.state);
    }
}
