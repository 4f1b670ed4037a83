package io.emostream.stream;

import static io.emostream.stream.TopologyHarness.mono;
import static io.emostream.stream.TopologyHarness.tone;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.analysis.WindowClassifier;
import io.emostream.analysis.WindowResult;
import io.emostream.avro.AudioChunk;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import io.emostream.avro.SpeakerRole;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Processing failures of valid records are contained (docs/adr/0008-processing-failures.md): a classifier that
 * throws on one window, and stream-state entries this release cannot decode. The failing record is dead-lettered
 * with its bytes and the exception, counted, and every other window and stream goes on.
 */
class ProcessingFailureTest {

    private static final int RATE = 8000;
    private static final int CHUNK = 800; // 100 ms

    /** A sample value no test signal contains: a window that holds it makes the classifier throw. */
    private static final float POISON = 0.123456f;

    @TempDir Path stateDir;

    /** The loudness classifier, except that a window holding {@link #POISON} throws as a broken model would. */
    private static final class PoisonedClassifier implements WindowClassifier {
        final LoudnessTestClassifier delegate = new LoudnessTestClassifier();
        int calls;

        @Override
        public WindowResult classify(float[] samples, int sampleRate) {
            calls++;
            for (float s : samples) {
                if (s == POISON) {
                    throw new IllegalStateException("ONNX Runtime: invalid input (test)");
                }
            }
            return delegate.classify(samples, sampleRate);
        }

        @Override
        public List<String> labels() {
            return delegate.labels();
        }

        @Override
        public String modelId() {
            return delegate.modelId();
        }

        @Override
        public String modelVersion() {
            return delegate.modelVersion();
        }
    }

    private static AudioChunk chunk(String call, long sequence, boolean poisoned, boolean end) {
        float[] samples = tone(CHUNK, 0.5f, RATE);
        if (poisoned) {
            samples[100] = POISON;
        }
        return mono(call, SpeakerRole.CUSTOMER, sequence, RATE, samples, sequence * CHUNK)
                .setEndOfStream(end)
                .build();
    }

    private static String header(TestRecord<byte[], byte[]> record, String key) {
        Header h = record.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Map<String, List<Long>> windowsByCall(List<EmotionEvent> events) {
        return events.stream()
                .collect(
                        Collectors.groupingBy(
                                EmotionEvent::getCallId,
                                Collectors.mapping(
                                        EmotionEvent::getWindowIndex, Collectors.toList())));
    }

    @Test
    void
            aWindowWhoseClassificationThrowsIsSkippedDeadLetteredAndCountedWhileEverythingElseGoesOn() {
        PoisonedClassifier classifier = new PoisonedClassifier();
        try (TopologyHarness h =
                new TopologyHarness(TopologySettings.defaults(), classifier, stateDir)) {
            // Call "bad": 12 s (windows 0..3), chunk 45 (window 1, [3, 6) s) is poisoned; call
            // "good": 6 s alongside.
            List<byte[]> badValues = new ArrayList<>();
            for (int seq = 0; seq < 120; seq++) {
                AudioChunk bad = chunk("bad", seq, seq == 45, seq == 119);
                badValues.add(h.encode(bad));
                h.send(bad);
                if (seq < 60) {
                    h.send(chunk("good", seq, false, seq == 59));
                }
            }

            Map<String, List<Long>> windows = windowsByCall(h.events.readValuesToList());
            assertEquals(
                    List.of(0L, 2L, 3L),
                    windows.get("bad"),
                    "window 1 skipped once, the rest emitted in order");
            assertEquals(List.of(0L, 1L), windows.get("good"));
            assertEquals(
                    4 + 2, classifier.calls, "the failing window was tried once, not replayed");

            List<TestRecord<byte[], byte[]>> dead = h.deadLetters.readRecordsToList();
            assertEquals(1, dead.size());
            TestRecord<byte[], byte[]> d = dead.get(0);
            assertEquals("PROCESSING_FAILED", header(d, DeadLetters.REASON_HEADER));
            assertEquals(
                    IllegalStateException.class.getName(), header(d, DeadLetters.EXCEPTION_HEADER));
            String message = header(d, DeadLetters.MESSAGE_HEADER);
            assertTrue(
                    message.contains("window 1 [3000, 6000) ms of stream bad/CUSTOMER"), message);
            assertTrue(message.contains("ONNX Runtime: invalid input (test)"), message);
            // The record that completed window 1 is chunk 59, dead-lettered with its exact bytes
            // and its offset.
            assertArrayEquals("bad".getBytes(StandardCharsets.UTF_8), d.key());
            assertArrayEquals(badValues.get(59), d.value());
            assertEquals(String.valueOf(59 * 2), header(d, DeadLetters.OFFSET_HEADER));

            assertEquals(1, h.count(StreamMetrics.DEAD_LETTERS, "reason", "PROCESSING_FAILED"));
            assertEquals(1, h.count(StreamMetrics.FAILED_WINDOWS));
            assertEquals(5, h.count(StreamMetrics.WINDOWS, "speech", "true"));

            // Statistics count the classified windows only, and the stream ended normally.
            List<CallEmotionStats> stats = h.stats.readValuesToList();
            CallEmotionStats badFinal =
                    stats.stream()
                            .filter(s -> s.getCallId().equals("bad") && s.getFinal$())
                            .findFirst()
                            .orElseThrow();
            assertEquals(3, badFinal.getWindowsTotal());
            assertEquals(2, stats.stream().filter(CallEmotionStats::getFinal$).count());
            assertEquals(2, h.count(StreamMetrics.STREAMS_ENDED, "cause", "end_of_stream"));
            assertEquals(0, TopologyHarness.entries(h.chunkStore()).size());
        }
    }

    @Test
    void aWindowCompletedByTheGapTimerThatFailsIsDeadLetteredWithoutAnInputRecord() {
        PoisonedClassifier classifier = new PoisonedClassifier();
        try (TopologyHarness h =
                new TopologyHarness(TopologySettings.defaults(), classifier, stateDir)) {
            for (int seq = 0; seq < 30; seq++) {
                if (seq != 5) { // missing: window 0 completes only when the gap is filled
                    h.send(chunk("timer", seq, seq == 10, false));
                }
            }
            assertTrue(h.events.isEmpty());
            h.advance(Duration.ofSeconds(3));

            assertTrue(h.events.isEmpty(), "the failed window made no event");
            List<TestRecord<byte[], byte[]>> dead = h.deadLetters.readRecordsToList();
            assertEquals(1, dead.size());
            assertEquals("PROCESSING_FAILED", header(dead.get(0), DeadLetters.REASON_HEADER));
            assertArrayEquals("timer".getBytes(StandardCharsets.UTF_8), dead.get(0).key());
            assertNull(dead.get(0).value(), "no input record completed the window");
            assertEquals("-1", header(dead.get(0), DeadLetters.OFFSET_HEADER));

            // The stream goes on with window 1.
            for (int seq = 30; seq < 60; seq++) {
                h.send(chunk("timer", seq, false, false));
            }
            assertEquals(List.of(1L), windowsByCall(h.events.readValuesToList()).get("timer"));
            assertEquals(1, h.streamState("timer", SpeakerRole.CUSTOMER).sequencing.gaps());
        }
    }

    @Test
    void aStateEntryOfAnUnknownVersionIsDeadLetteredAndItsStreamEndedWhenAChunkMeetsIt() {
        try (TopologyHarness h =
                new TopologyHarness(
                        TopologySettings.defaults(), new LoudnessTestClassifier(), stateDir)) {
            SpeakerStreamKey key = new SpeakerStreamKey("future", SpeakerRole.CUSTOMER);
            byte[] newer = StateCodecTest.sampleState().encode();
            newer[0] = 9; // as a later release might write it
            h.streamStore().put(key.toBytes(), newer);

            AudioChunk first = chunk("future", 40, false, false);
            h.send(first);
            for (int seq = 0; seq < 30; seq++) {
                h.send(chunk("other", seq, false, false));
            }

            List<TestRecord<byte[], byte[]>> dead = h.deadLetters.readRecordsToList();
            assertEquals(2, dead.size(), "the state entry and the chunk that met it");
            TestRecord<byte[], byte[]> state = dead.get(0);
            assertEquals("STATE_UNREADABLE", header(state, DeadLetters.REASON_HEADER));
            assertEquals(
                    UnreadableStateException.class.getName(),
                    header(state, DeadLetters.EXCEPTION_HEADER));
            assertEquals(h.settings.streamStateStore(), header(state, DeadLetters.STORE_HEADER));
            assertTrue(
                    header(state, DeadLetters.MESSAGE_HEADER).contains("unknown format version 9"));
            assertArrayEquals(newer, state.value());
            assertArrayEquals("future".getBytes(StandardCharsets.UTF_8), state.key());
            TestRecord<byte[], byte[]> record = dead.get(1);
            assertEquals("PROCESSING_FAILED", header(record, DeadLetters.REASON_HEADER));
            assertArrayEquals(h.encode(first), record.value());

            // The stream is ended (its later chunks are STREAM_ENDED dead letters), with final
            // statistics.
            assertTrue(h.streamState("future", SpeakerRole.CUSTOMER).ended);
            CallEmotionStats last =
                    h.stats.readValuesToList().stream()
                            .filter(s -> s.getCallId().equals("future"))
                            .reduce((a, b) -> b)
                            .orElseThrow();
            assertTrue(last.getFinal$());
            assertEquals(0, last.getWindowsTotal());
            h.send(chunk("future", 41, false, false));
            assertEquals(
                    "STREAM_ENDED", header(h.deadLetters.readRecord(), DeadLetters.REASON_HEADER));

            // The other call was not affected.
            assertEquals(List.of(0L), windowsByCall(h.events.readValuesToList()).get("other"));
            assertEquals(1, h.count(StreamMetrics.DEAD_LETTERS, "reason", "STATE_UNREADABLE"));
            assertEquals(1, h.count(StreamMetrics.DEAD_LETTERS, "reason", "PROCESSING_FAILED"));
            assertEquals(1, h.count(StreamMetrics.STREAMS_ENDED, "cause", "processing_failed"));
        }
    }

    @Test
    void
            anUnreadableStateEntryFoundByTheWallClockCheckIsDeadLetteredOnceAndReplacedByAnEndedMarker() {
        try (TopologyHarness h =
                new TopologyHarness(
                        TopologySettings.defaults(), new LoudnessTestClassifier(), stateDir)) {
            SpeakerStreamKey key = new SpeakerStreamKey("corrupt", SpeakerRole.AGENT);
            byte[] truncated = java.util.Arrays.copyOf(StateCodecTest.sampleState().encode(), 20);
            h.streamStore().put(key.toBytes(), truncated);
            h.streamStore()
                    .put(
                            new SpeakerStreamKey("corrupt", SpeakerRole.CUSTOMER).toBytes(),
                            SpeakerStreamState.start(
                                            RATE, LoudnessTestClassifier.LABELS, h.clock.millis())
                                    .encode());

            h.advance(Duration.ofSeconds(1));
            h.advance(Duration.ofSeconds(1));

            List<TestRecord<byte[], byte[]>> dead = h.deadLetters.readRecordsToList();
            assertEquals(1, dead.size(), "once, not at every punctuation");
            assertEquals("STATE_UNREADABLE", header(dead.get(0), DeadLetters.REASON_HEADER));
            assertArrayEquals(truncated, dead.get(0).value());
            assertTrue(h.streamState("corrupt", SpeakerRole.AGENT).ended);
            assertTrue(
                    !h.streamState("corrupt", SpeakerRole.CUSTOMER).ended,
                    "the other speaker's stream is untouched");
        }
    }

    @Test
    void anUnreadableConversationEntryIsDeadLetteredOnceAndTheCallGoesOn() {
        try (TopologyHarness h =
                new TopologyHarness(
                        TopologySettings.defaults(), new LoudnessTestClassifier(), stateDir)) {
            byte[] garbage = {0x7f, 1, 2, 3};
            h.conversationStore().put("talk", garbage);
            for (long seq = 0; seq < 61; seq++) { // two windows of 3 s
                h.send(chunk("talk", seq, false, false));
            }

            assertEquals(List.of(0L, 1L), windowsByCall(h.events.readValuesToList()).get("talk"));
            List<TestRecord<byte[], byte[]>> dead = h.deadLetters.readRecordsToList();
            assertEquals(1, dead.size(), "once: the entry is rewritten after the first window");
            assertEquals("STATE_UNREADABLE", header(dead.get(0), DeadLetters.REASON_HEADER));
            assertEquals(
                    h.settings.conversationStore(), header(dead.get(0), DeadLetters.STORE_HEADER));
            assertArrayEquals(garbage, dead.get(0).value());
            assertArrayEquals("talk".getBytes(StandardCharsets.UTF_8), dead.get(0).key());
            assertEquals(1, h.count(StreamMetrics.DEAD_LETTERS, "reason", "STATE_UNREADABLE"));
            assertTrue(
                    h.conversationStore().get("talk").length > garbage.length,
                    "a new conversation");
        }
    }
}
