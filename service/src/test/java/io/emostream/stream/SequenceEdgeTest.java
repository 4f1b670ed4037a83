package io.emostream.stream;

import static io.emostream.stream.TopologyHarness.mono;
import static io.emostream.stream.TopologyHarness.tone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.avro.AudioChunk;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.SpeakerRole;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sequence numbers at the edges: Long.MAX_VALUE, huge jumps. */
class SequenceEdgeTest {

    private static final String CALL = "call-s";

    @TempDir Path stateDir;

    private static AudioChunk.Builder chunk(long sequence, long index) {
        return mono(CALL, SpeakerRole.AGENT, sequence, 8000, tone(800, 0.5f, 8000), index * 800);
    }

    private static String reason(TestRecord<byte[], byte[]> r) {
        return new String(
                r.headers().lastHeader(DeadLetters.REASON_HEADER).value(), StandardCharsets.UTF_8);
    }

    @Test
    void sequenceLongMaxValueIsRejectedSoNoArithmeticWraps() {
        try (TopologyHarness h =
                new TopologyHarness(
                        TopologySettings.defaults(), new LoudnessTestClassifier(), stateDir)) {
            h.send(chunk(Long.MAX_VALUE, 0).setEndOfStream(true).build());
            List<TestRecord<byte[], byte[]>> dead = h.deadLetters.readRecordsToList();
            assertEquals(1, dead.size());
            assertEquals("SEQUENCE_OUT_OF_RANGE", reason(dead.get(0)));
            for (int seq = 0; seq < 30; seq++) {
                h.send(chunk(seq, seq).setEndOfStream(seq == 29).build());
            }
            List<CallEmotionStats> stats = h.stats.readValuesToList();
            CallEmotionStats last = stats.get(stats.size() - 1);
            assertTrue(last.getFinal$());
            assertEquals(0, last.getGaps());
            assertEquals(0, last.getGapFillMs());
        }
    }

    @Test
    void aHugeJumpIsCappedAndTheRestOfTheCallIsStillProcessed() {
        try (TopologyHarness h =
                new TopologyHarness(
                        TopologySettings.defaults(), new LoudnessTestClassifier(), stateDir)) {
            for (int seq = 0; seq < 10; seq++) {
                h.send(chunk(seq, seq).build());
            }
            long jump = 1_000_000_000L;
            for (int i = 0; i < 30; i++) {
                h.send(chunk(jump + i, 10 + i).setEndOfStream(i == 29).build());
                if (i == 0) {
                    h.advance(
                            Duration.ofSeconds(
                                    3)); // gap wait: the gap is filled with (capped) silence
                }
            }
            assertTrue(h.deadLetters.isEmpty(), "no chunk after the jump is late");
            List<CallEmotionStats> stats = h.stats.readValuesToList();
            CallEmotionStats last = stats.get(stats.size() - 1);
            assertTrue(last.getFinal$(), "the end-of-stream after the jump was honoured");
            assertEquals(jump - 10, last.getGaps());
            assertEquals(30_000, last.getGapFillMs(), "silence capped at the inactivity timeout");
            assertEquals(0, last.getLateChunks());
        }
    }

    @Test
    void aCallIdReusedSoonAfterItsEndIsDeadLetteredAsStreamEndedThenStartsANewCall() {
        try (TopologyHarness h =
                new TopologyHarness(
                        TopologySettings.defaults(), new LoudnessTestClassifier(), stateDir)) {
            for (int seq = 0; seq < 30; seq++) {
                h.send(chunk(seq, seq).setEndOfStream(seq == 29).build());
            }
            h.stats.readValuesToList();
            h.events.readValuesToList();
            h.send(chunk(0, 0).build()); // the id reused at once
            List<TestRecord<byte[], byte[]>> dead = h.deadLetters.readRecordsToList();
            assertEquals(1, dead.size());
            assertEquals("STREAM_ENDED", reason(dead.get(0)));
            assertEquals(1, h.count(StreamMetrics.DEAD_LETTERS, "reason", "STREAM_ENDED"));
            assertEquals(0, h.count(StreamMetrics.DEAD_LETTERS, "reason", "LATE_CHUNK"));

            h.advance(
                    TopologySettings.defaults()
                            .inactivityTimeout()
                            .plusSeconds(1)); // the ended marker expires
            for (int seq = 0; seq < 30; seq++) {
                h.send(chunk(seq, seq).setEndOfStream(seq == 29).build());
            }
            assertTrue(h.deadLetters.isEmpty());
            assertEquals(
                    1,
                    h.events.readValuesToList().size(),
                    "the second call under the same id was analysed");
        }
    }
}
