package io.emostream.stream;

import static io.emostream.stream.TopologyHarness.START;
import static io.emostream.stream.TopologyHarness.mono;
import static io.emostream.stream.TopologyHarness.tone;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.avro.AudioChunk;
import io.emostream.avro.AudioEncoding;
import io.emostream.avro.SpeakerRole;
import io.emostream.serde.AvroWireFormat;
import io.emostream.serde.WireFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every dead-letter reason of the intake, with header and original-bytes checks, and processing continuing. */
class DeadLetterTest {

    private static final String CALL = "call-7";

    @TempDir Path stateDir;

    private record Case(DeadLetterReason reason, byte[] key, byte[] value) {}

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static AudioChunk.Builder valid(long sequence) {
        return mono(CALL, SpeakerRole.AGENT, sequence, 8000, tone(800, 0.5f, 8000), sequence * 800);
    }

    private static String header(TestRecord<byte[], byte[]> record, String key) {
        Header h = record.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void everyKindOfBadRecordIsDeadLetteredWithItsOriginalBytesAndProcessingContinues() {
        TopologySettings settings =
                TopologySettings.defaults().toBuilder().maxChunkBytes(4000).build();
        try (TopologyHarness h =
                new TopologyHarness(settings, new LoudnessTestClassifier(), stateDir)) {
            byte[] key = utf8(CALL);
            byte[] good = h.encode(valid(0).build());
            byte[] undecodable = Arrays.copyOf(good, 9);
            undecodable[5] = 0x03; // callId length -2 (zig-zag): not a valid Avro string
            undecodable[6] = (byte) 0xff;
            List<Case> cases =
                    List.of(
                            new Case(DeadLetterReason.EMPTY, key, new byte[0]),
                            new Case(
                                    DeadLetterReason.BAD_MAGIC_BYTE,
                                    key,
                                    new byte[] {1, 0, 0, 0, 1, 2, 3}),
                            new Case(DeadLetterReason.TRUNCATED, key, new byte[] {0, 0, 0}),
                            new Case(
                                    DeadLetterReason.UNKNOWN_SCHEMA_ID,
                                    key,
                                    AvroWireFormat.encode(999, valid(0).build())),
                            new Case(DeadLetterReason.UNDECODABLE, key, undecodable),
                            new Case(
                                    DeadLetterReason.OVERSIZE_CHUNK,
                                    key,
                                    h.encode(
                                            mono(
                                                            CALL,
                                                            SpeakerRole.AGENT,
                                                            0,
                                                            8000,
                                                            new float[1200],
                                                            0)
                                                    .build())),
                            new Case(
                                    DeadLetterReason.NEGATIVE_SEQUENCE,
                                    key,
                                    h.encode(valid(-1).build())),
                            new Case(
                                    DeadLetterReason.MISSING_CALL_ID,
                                    utf8(" "),
                                    h.encode(valid(0).setCallId(" ").build())),
                            new Case(DeadLetterReason.KEY_MISMATCH, utf8("call-8"), good),
                            new Case(DeadLetterReason.KEY_MISMATCH, null, good),
                            new Case(
                                    DeadLetterReason.UNSUPPORTED_SAMPLE_RATE,
                                    key,
                                    h.encode(valid(0).setSampleRate(4000).build())),
                            new Case(
                                    DeadLetterReason.UNSUPPORTED_SAMPLE_RATE,
                                    key,
                                    h.encode(valid(0).setSampleRate(192000).build())),
                            new Case(
                                    DeadLetterReason.PARTIAL_FRAME,
                                    key,
                                    h.encode(
                                            valid(0).setEncoding(AudioEncoding.PCM16LE)
                                                    .setAudio(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                                                    .build())),
                            new Case(
                                    DeadLetterReason.PARTIAL_FRAME,
                                    key,
                                    h.encode(
                                            valid(0).setEncoding(AudioEncoding.MULAW)
                                                    .setChannelCount(2)
                                                    .setAudio(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                                                    .build())),
                            new Case(
                                    DeadLetterReason.BAD_CHANNEL_LAYOUT,
                                    key,
                                    h.encode(valid(0).setChannelCount(3).build())),
                            new Case(
                                    DeadLetterReason.BAD_CHANNEL_LAYOUT,
                                    key,
                                    h.encode(
                                            valid(0).setChannelCount(2)
                                                    .setChannelLayout(List.of(SpeakerRole.AGENT))
                                                    .build())),
                            new Case(
                                    DeadLetterReason.BAD_CHANNEL_LAYOUT,
                                    key,
                                    h.encode(
                                            valid(0).setChannelCount(2)
                                                    .setChannelLayout(
                                                            List.of(
                                                                    SpeakerRole.AGENT,
                                                                    SpeakerRole.AGENT))
                                                    .build())));

            List<Long> offsets = new ArrayList<>();
            long offset = 0;
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                RecordHeaders headers = new RecordHeaders();
                headers.add("trace-id", utf8("trace-" + i));
                headers.add(
                        DeadLetters.REASON_HEADER,
                        utf8("STALE")); // from an earlier pass: must be replaced
                h.input.pipeInput(
                        new TestRecord<>(c.key(), c.value(), headers, START.plusMillis(i)));
                offsets.add(offset++);
                // A good chunk after every bad one: processing goes on.
                h.send(valid(i).build());
                offset++;
            }

            List<TestRecord<byte[], byte[]>> dead = h.deadLetters.readRecordsToList();
            assertEquals(cases.size(), dead.size());
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                TestRecord<byte[], byte[]> d = dead.get(i);
                String what = "case " + i + " " + c.reason();
                assertEquals(c.reason().name(), header(d, DeadLetters.REASON_HEADER), what);
                assertEquals(1, countHeaders(d, DeadLetters.REASON_HEADER), what);
                assertFalse(header(d, DeadLetters.MESSAGE_HEADER).isBlank(), what);
                assertEquals("call-audio", header(d, DeadLetters.TOPIC_HEADER), what);
                assertEquals("0", header(d, DeadLetters.PARTITION_HEADER), what);
                assertEquals(
                        String.valueOf(offsets.get(i)), header(d, DeadLetters.OFFSET_HEADER), what);
                assertEquals(
                        String.valueOf(START.plusMillis(i).toEpochMilli()),
                        header(d, DeadLetters.TIMESTAMP_HEADER),
                        what);
                assertEquals("trace-" + i, header(d, "trace-id"), what);
                assertArrayEquals(c.key(), d.key(), what);
                assertArrayEquals(c.value(), d.value(), what);
                assertEquals(START.plusMillis(i), d.getRecordTime(), what);
            }
            assertEquals(2, h.count(StreamMetrics.DEAD_LETTERS, "reason", "KEY_MISMATCH"));
            assertEquals(3, h.count(StreamMetrics.DEAD_LETTERS, "reason", "BAD_CHANNEL_LAYOUT"));
            assertEquals(1, h.count(StreamMetrics.DEAD_LETTERS, "reason", "UNKNOWN_SCHEMA_ID"));
            assertTrue(
                    header(dead.get(8), DeadLetters.MESSAGE_HEADER).contains("call-8"),
                    "message names the key");

            // The good chunks in between (17 x 0.1 s at 8 kHz, then more) still make windows.
            for (int seq = cases.size(); seq < 30; seq++) {
                h.send(valid(seq).build());
            }
            assertEquals(1, h.events.readValuesToList().size());
            assertEquals(30, h.count(StreamMetrics.CHUNKS));
        }
    }

    private static int countHeaders(TestRecord<byte[], byte[]> record, String key) {
        int n = 0;
        for (Header h : record.headers().headers(key)) {
            n++;
        }
        return n;
    }

    @Test
    void unreachableRegistryFailsTheTaskInsteadOfDeadLetteringEverything() {
        try (TopologyHarness h =
                new TopologyHarness(
                        TopologySettings.defaults(), new LoudnessTestClassifier(), stateDir)) {
            h.registry.setUnavailable(true);
            StreamsException e =
                    assertThrows(StreamsException.class, () -> h.send(valid(0).build()));
            Throwable cause = e;
            while (cause != null && !(cause instanceof WireFormatException)) {
                cause = cause.getCause();
            }
            assertTrue(
                    cause instanceof WireFormatException, "caused by the registry failure: " + e);
            assertTrue(h.deadLetters.isEmpty());
        }
    }
}
