package io.emostream.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.sequence.SequencingDecision.GapFill;
import io.emostream.sequence.SequencingDecision.WindowRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Drives a sequencer as the service does: a new {@link SpeakerStreamSequencer} for every step, built from the
 * state the previous step left (or, to compare, one sequencer kept for all steps), over a map that stands in for
 * the chunk store (it holds what the decisions said to store). Records every decision and checks the state's
 * invariants after each step.
 */
final class SequencerDriver {

    final SequencingRules rules;
    SequencerState state;

    /** The buffered and joined chunks by sequence, as the chunk store would hold them. */
    final Map<Long, ChunkHeader> store = new TreeMap<>();

    final List<SequencingDecision> decisions = new ArrayList<>();
    boolean ended;

    /** The one sequencer of all steps, or null to resume one from {@link #state} at every step. */
    private final SpeakerStreamSequencer kept;

    SequencerDriver(SequencingRules rules, int sampleRate, long startMs) {
        this(rules, sampleRate, startMs, true);
    }

    SequencerDriver(SequencingRules rules, int sampleRate, long startMs, boolean resumeEveryStep) {
        this.rules = rules;
        this.state = SequencerState.start(sampleRate, startMs);
        this.kept = resumeEveryStep ? null : newSequencer();
    }

    SequencingDecision accept(long sequence, ChunkHeader chunk, boolean endOfStream, long nowMs) {
        SpeakerStreamSequencer sequencer = sequencer();
        SequencingDecision decision = sequencer.accept(sequence, chunk, endOfStream, nowMs);
        if (decision.verdict().stored()) {
            store.put(sequence, chunk);
        }
        return record(sequencer, decision);
    }

    SequencingDecision tick(long nowMs) {
        SpeakerStreamSequencer sequencer = sequencer();
        return record(sequencer, sequencer.tick(nowMs));
    }

    SpeakerStreamSequencer.Due due(long nowMs) {
        return sequencer().due(nowMs);
    }

    private SpeakerStreamSequencer sequencer() {
        return kept != null ? kept : newSequencer();
    }

    private SpeakerStreamSequencer newSequencer() {
        return new SpeakerStreamSequencer(
                rules,
                state,
                sequence ->
                        Objects.requireNonNull(
                                store.get(sequence), "asked for unbuffered chunk " + sequence));
    }

    private SequencingDecision record(
            SpeakerStreamSequencer sequencer, SequencingDecision decision) {
        decision.discarded().forEach(store::remove);
        decisions.add(decision);
        state = sequencer.state();
        ended = sequencer.ended();
        assertEquals(decision.ended(), ended);
        checkInvariants();
        return decision;
    }

    private void checkInvariants() {
        List<Long> pending = state.pending();
        for (int i = 0; i < pending.size(); i++) {
            assertTrue(
                    pending.get(i) > state.nextSequence(), "pending lie beyond the gap: " + state);
            assertTrue(
                    i == 0 || pending.get(i - 1) < pending.get(i), "pending ascending: " + pending);
        }
        if (!ended) {
            assertTrue(
                    pending.size() <= rules.reorderBufferMaxChunks(),
                    "reorder buffer bounded: " + pending);
        }
        assertEquals(
                pending.isEmpty(),
                state.gapOpenSinceMs() < 0,
                "a gap is open while chunks wait: " + state);
        assertTrue(state.filledRanges().size() <= SpeakerStreamSequencer.MAX_FILLED_RANGES);
    }

    List<WindowRange> windows() {
        return decisions.stream().flatMap(d -> d.windows().stream()).toList();
    }

    List<GapFill> gapFills() {
        return decisions.stream().flatMap(d -> d.gapFills().stream()).toList();
    }

    long count(SequencingDecision.Verdict verdict) {
        return decisions.stream().filter(d -> d.verdict() == verdict).count();
    }
}
