package io.emostream.stream;

import static io.emostream.stream.TopologyHarness.mono;
import static io.emostream.stream.TopologyHarness.tone;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.audio.SampleEncoder;
import io.emostream.audio.SampleEncoding;
import io.emostream.avro.AudioChunk;
import io.emostream.avro.AudioEncoding;
import io.emostream.avro.EmotionEvent;
import io.emostream.avro.SpeakerRole;
import io.emostream.sequence.SequencerState;
import io.emostream.serde.AvroWireFormat;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The records of the "hostile input" issue that used to stop the service: each is dead-lettered with a reason of its
 * own, and the next valid record is processed.
 */
class HostileInputTest {

    private static final String CALL = "call-h";

    /** The producer's default max.request.size: what a record must stay below. */
    private static final int PRODUCER_LIMIT = 1_048_576;

    @TempDir Path stateDir;

    private static String header(TestRecord<byte[], byte[]> record, String key) {
        Header h = record.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Kafka's own upper bound of a record's size, the figure the producer compares with max.request.size. */
    private static int producerSize(byte[] key, byte[] value, Header[] headers) {
        return AbstractRecords.estimateSizeInBytesUpperBound(
                RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE, key, value, headers);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static AudioChunk.Builder valid(long sequence) {
        return mono(CALL, SpeakerRole.AGENT, sequence, 8000, tone(800, 0.5f, 8000), sequence * 800);
    }

    private static TestRecord<byte[], byte[]> onlyDeadLetter(
            TopologyHarness h, DeadLetterReason reason) {
        List<TestRecord<byte[], byte[]>> dead = h.deadLetters.readRecordsToList();
        assertEquals(1, dead.size(), "one dead letter");
        assertEquals(
                reason.name(),
                header(dead.get(0), DeadLetters.REASON_HEADER),
                header(dead.get(0), DeadLetters.MESSAGE_HEADER));
        assertEquals(1, h.count(StreamMetrics.DEAD_LETTERS, "reason", reason.name()));
        return dead.get(0);
    }

    /** Thirty valid 0.1 s chunks after the hostile record still make a window: the service goes on. */
    private static void stillProcesses(TopologyHarness h) {
        for (int seq = 0; seq < 30; seq++) {
            h.send(valid(seq).build());
        }
        assertEquals(1, h.events.readValuesToList().size());
    }

    // ---- record 1: an old captureTimestamp

    @Test
    void captureTimestampBeforeTheEpochIsRejectedAtIntake() {
        try (TopologyHarness h =
                new TopologyHarness(
                        TopologySettings.defaults(), new LoudnessTestClassifier(), stateDir)) {
            h.send(
                    valid(0).setCaptureTimestamp(Instant.ofEpochMilli(-1_000_000_000_000_000L))
                            .build());
            TestRecord<byte[], byte[]> dead =
                    onlyDeadLetter(h, DeadLetterReason.BAD_CAPTURE_TIMESTAMP);
            assertTrue(header(dead, DeadLetters.MESSAGE_HEADER).contains("-1000000000000000 ms"));
            h.send(valid(0).setCaptureTimestamp(Instant.parse("2200-01-01T00:00:00Z")).build());
            assertEquals(
                    1, h.deadLetters.readRecordsToList().size(), "the upper bound is exclusive");
            assertNull(h.streamState(CALL, SpeakerRole.AGENT), "no stream was started");
            stillProcesses(h);
        }
    }

    @Test
    void storedStateWithAnAncientCaptureTimeIsEndedByInactivityWithoutOverflow() {
        // State written before the intake check existed: the inactivity punctuation used to re-emit
        // its window and
        // fail in Timer.record (long overflow in Duration.toNanos) after every restart.
        try (TopologyHarness h =
                new TopologyHarness(
                        TopologySettings.defaults(), new LoudnessTestClassifier(), stateDir)) {
            for (int seq = 0; seq < 20; seq++) {
                h.send(valid(seq).build());
            }
            long ancient = -1_000_000_000_000_000L;
            SpeakerStreamKey key = new SpeakerStreamKey(CALL, SpeakerRole.AGENT);
            SpeakerStreamState state = h.streamState(CALL, SpeakerRole.AGENT);
            SequencerState s = state.sequencing;
            state.sequencing =
                    new SequencerState(
                            s.sampleRate(),
                            s.lastActivityMs(),
                            s.nextSequence(),
                            s.endSequence(),
                            s.pending(),
                            s.gapOpenSinceMs(),
                            s.contiguousSamples(),
                            s.windowIndex(),
                            s.lastWindowEndSample(),
                            s.lastChunkSamples(),
                            ancient,
                            ancient + 2000,
                            s.gaps(),
                            s.gapFillMs(),
                            s.duplicates(),
                            s.lateChunks(),
                            s.filledRanges());
            h.streamStore().put(key.toBytes(), state.encode());
            for (long seq = 0; seq < 20; seq++) {
                BufferedChunk chunk = BufferedChunk.decode(h.chunkStore().get(key.chunkKey(seq)));
                h.chunkStore()
                        .put(
                                key.chunkKey(seq),
                                BufferedChunk.audio(chunk.samples(), ancient + seq * 100).encode());
            }
            h.advance(TopologySettings.defaults().inactivityTimeout().plusSeconds(1));
            List<EmotionEvent> events = h.events.readValuesToList();
            assertEquals(1, events.size(), "the 2 s partial window was classified");
            assertEquals(1, h.count(StreamMetrics.STREAMS_ENDED, "cause", "inactivity"));
            assertEquals(1, h.meters.find(StreamMetrics.END_TO_END).timer().count());
            assertEquals(
                    StreamMetrics.MAX_RECORDED_LATENCY.toMillis(),
                    h.meters
                            .find(StreamMetrics.END_TO_END)
                            .timer()
                            .max(java.util.concurrent.TimeUnit.MILLISECONDS),
                    1e-6);
        }
    }

    // ---- record 2: a schema id that names a JSON Schema

    @Test
    void schemaIdOfANonAvroSchemaIsDeadLetteredNotRetried() {
        try (TopologyHarness h =
                new TopologyHarness(
                        TopologySettings.defaults(), new LoudnessTestClassifier(), stateDir)) {
            h.registry.putNonAvroSchema(41);
            byte[] value = {0, 0, 0, 0, 41, '{', '"', 'c', '"', ':', '1', '}'};
            h.sendRaw(utf8(CALL), value, new RecordHeaders());
            TestRecord<byte[], byte[]> dead = onlyDeadLetter(h, DeadLetterReason.NOT_AVRO_SCHEMA);
            assertArrayEquals(value, dead.value());
            stillProcesses(h);
        }
    }

    // ---- record 3: a 300,031-byte mu-law chunk (37.5 s)

    @Test
    void chunkLongerThanMaxChunkDurationIsRejectedBeforeDecoding() {
        try (TopologyHarness h =
                new TopologyHarness(
                        TopologySettings.defaults(), new LoudnessTestClassifier(), stateDir)) {
            byte[] mulaw = new byte[300_031];
            new Random(3).nextBytes(mulaw);
            h.send(
                    valid(0).setEncoding(AudioEncoding.MULAW)
                            .setAudio(ByteBuffer.wrap(mulaw))
                            .build());
            TestRecord<byte[], byte[]> dead = onlyDeadLetter(h, DeadLetterReason.OVERSIZE_CHUNK);
            assertTrue(
                    header(dead, DeadLetters.MESSAGE_HEADER)
                            .contains("300031 samples per channel (37504 ms"),
                    header(dead, DeadLetters.MESSAGE_HEADER));
            assertTrue(h.entries(h.chunkStore()).isEmpty(), "nothing was stored");
            stillProcesses(h);
        }
    }

    @Test
    void theLargestAcceptedChunkFitsIntoOneChangelogRecord() {
        TopologySettings settings = TopologySettings.defaults();
        try (TopologyHarness h =
                new TopologyHarness(settings, new LoudnessTestClassifier(), stateDir)) {
            int rate = settings.maxSampleRate();
            int samples = (int) settings.maxChunkSamples(rate); // 2 s at 96 kHz
            assertEquals(192_000, samples);
            float[] signal = tone(samples, 0.5f, rate);
            String longId = "c".repeat(TopologySettings.MAX_CALL_ID_BYTES);
            byte[] pcm = SampleEncoder.encode(new float[][] {signal}, SampleEncoding.PCM16LE);
            AudioChunk chunk =
                    mono(longId, SpeakerRole.AGENT, 0, rate, signal, 0)
                            .setEncoding(AudioEncoding.PCM16LE)
                            .setAudio(ByteBuffer.wrap(pcm))
                            .build();
            h.send(chunk);
            assertTrue(h.deadLetters.isEmpty());
            // One sample more is refused.
            float[] more = tone(samples + 1, 0.5f, rate);
            h.send(
                    mono(longId, SpeakerRole.AGENT, 1, rate, more, samples)
                            .setEncoding(AudioEncoding.PCM16LE)
                            .setAudio(
                                    ByteBuffer.wrap(
                                            SampleEncoder.encode(
                                                    new float[][] {more}, SampleEncoding.PCM16LE)))
                            .build());
            onlyDeadLetter(h, DeadLetterReason.OVERSIZE_CHUNK);

            String changelog = TopologyHarness.APP_ID + "-" + settings.chunkStore() + "-changelog";
            TestOutputTopic<byte[], byte[]> writes =
                    h.driver.createOutputTopic(
                            changelog, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TestRecord<byte[], byte[]>> records = writes.readRecordsToList();
            assertEquals(1, records.size());
            TestRecord<byte[], byte[]> write = records.get(0);
            int size = producerSize(write.key(), write.value(), write.headers().toArray());
            // PCM16 input is stored as int16 (BufferedChunk kind 2)
            assertTrue(write.value().length > 2 * samples, "int16 samples");
            assertTrue(size <= settings.maxRecordBytes(), size + " bytes");
            assertTrue(size < PRODUCER_LIMIT);
            // the same number of samples as float32 (float32 input), the largest entry the store
            // can hold,
            // fits too
            byte[] asFloat32 = BufferedChunk.audio(signal, 0).encode();
            assertTrue(asFloat32.length > 4 * samples, "float32 samples");
            int float32Size = producerSize(write.key(), asFloat32, write.headers().toArray());
            assertTrue(float32Size <= settings.maxRecordBytes(), float32Size + " bytes");
            assertTrue(float32Size < PRODUCER_LIMIT);
        }
    }

    // ---- record 4: a 1,048,301-byte record that is not the wire format

    @Test
    void hugeRecordIsDeadLetteredTruncatedUnderTheProducerLimit() {
        TopologySettings settings = TopologySettings.defaults();
        try (TopologyHarness h =
                new TopologyHarness(settings, new LoudnessTestClassifier(), stateDir)) {
            byte[] value = new byte[1_048_301];
            new Random(4).nextBytes(value);
            value[0] = 'X';
            RecordHeaders headers = new RecordHeaders();
            headers.add("trace-id", utf8("t-4"));
            h.sendRaw(utf8(CALL), value, headers);
            // The service's own limit (512 KiB) comes before the broker's (1 MiB).
            TestRecord<byte[], byte[]> dead = onlyDeadLetter(h, DeadLetterReason.OVERSIZE_CHUNK);
            assertEquals("1048301", header(dead, DeadLetters.TRUNCATED_HEADER));
            assertEquals("t-4", header(dead, "trace-id"));
            assertArrayEquals(
                    Arrays.copyOf(value, dead.value().length),
                    dead.value(),
                    "a prefix of the original");
            int size = producerSize(dead.key(), dead.value(), dead.headers().toArray());
            assertTrue(size <= settings.maxRecordBytes(), size + " bytes");
            assertTrue(
                    dead.value().length > settings.maxRecordBytes() - 4096,
                    "as much as fits is kept");

            // A record of accepted size is dead-lettered whole.
            byte[] notWire = Arrays.copyOf(value, settings.maxChunkBytes());
            h.sendRaw(utf8(CALL), notWire, headers);
            TestRecord<byte[], byte[]> whole = h.deadLetters.readRecord();
            assertEquals("BAD_MAGIC_BYTE", header(whole, DeadLetters.REASON_HEADER));
            assertNull(header(whole, DeadLetters.TRUNCATED_HEADER));
            assertArrayEquals(notWire, whole.value());
            stillProcesses(h);
        }
    }

    @Test
    void hugeHeadersAndKeysAreCutToo() {
        TopologySettings settings = TopologySettings.defaults();
        try (TopologyHarness h =
                new TopologyHarness(settings, new LoudnessTestClassifier(), stateDir)) {
            RecordHeaders headers = new RecordHeaders();
            headers.add("small", utf8("kept"));
            headers.add("huge-1", new byte[400_000]);
            headers.add("huge-2", new byte[400_000]);
            h.sendRaw(new byte[700_000], new byte[] {1, 2, 3}, headers);
            TestRecord<byte[], byte[]> dead = onlyDeadLetter(h, DeadLetterReason.BAD_MAGIC_BYTE);
            assertEquals("3", header(dead, DeadLetters.TRUNCATED_HEADER), "the value went first");
            assertEquals(0, dead.value().length);
            assertEquals(
                    "2", header(dead, DeadLetters.HEADERS_DROPPED_HEADER), "then the last headers");
            assertEquals("kept", header(dead, "small"));
            assertNull(header(dead, DeadLetters.KEY_TRUNCATED_HEADER));
            assertEquals(700_000, dead.key().length);
            assertTrue(
                    producerSize(dead.key(), dead.value(), dead.headers().toArray())
                            <= settings.maxRecordBytes());

            h.sendRaw(new byte[1_100_000], new byte[] {1, 2, 3}, headers);
            TestRecord<byte[], byte[]> cut = h.deadLetters.readRecord();
            assertEquals("3", header(cut, DeadLetters.HEADERS_DROPPED_HEADER));
            assertEquals(
                    "1100000", header(cut, DeadLetters.KEY_TRUNCATED_HEADER), "the key goes last");
            assertTrue(
                    producerSize(cut.key(), cut.value(), cut.headers().toArray())
                            <= settings.maxRecordBytes());
        }
    }

    // ---- record 5: 16 bytes declaring a 2,000,000,000-byte callId

    @Test
    void declaredLengthBeyondTheRecordIsDeadLetteredWithoutAllocating() {
        try (TopologyHarness h =
                new TopologyHarness(
                        TopologySettings.defaults(), new LoudnessTestClassifier(), stateDir)) {
            ByteArrayOutputStream record = new ByteArrayOutputStream();
            record.write(0);
            record.writeBytes(ByteBuffer.allocate(4).putInt(h.chunkSchemaId).array());
            long zigzag = 2_000_000_000L << 1;
            while ((zigzag & ~0x7fL) != 0) {
                record.write((int) ((zigzag & 0x7f) | 0x80));
                zigzag >>>= 7;
            }
            record.write((int) zigzag);
            record.writeBytes(utf8("call-5"));
            byte[] value = record.toByteArray();
            assertEquals(16, value.length);
            h.sendRaw(utf8(CALL), value, new RecordHeaders());
            TestRecord<byte[], byte[]> dead = onlyDeadLetter(h, DeadLetterReason.TRUNCATED);
            assertTrue(
                    header(dead, DeadLetters.MESSAGE_HEADER).contains("string of 2000000000 bytes"),
                    header(dead, DeadLetters.MESSAGE_HEADER));
            stillProcesses(h);
        }
    }

    // ---- record 6: distinct legal sample rates coprime with 16 kHz

    @Test
    void sampleRatesWhoseFilterWouldBeHugeAreRejectedWithAClearReason() {
        try (TopologyHarness h =
                new TopologyHarness(
                        TopologySettings.defaults(), new LoudnessTestClassifier(), stateDir)) {
            for (int i = 0; i < 20; i++) {
                int rate = 95_999 - 2 * i;
                byte[] mulaw = new byte[rate / 10];
                h.send(
                        mono("call-r" + i, SpeakerRole.AGENT, 0, rate, new float[0], 0)
                                .setEncoding(AudioEncoding.MULAW)
                                .setAudio(ByteBuffer.wrap(mulaw))
                                .setEndOfStream(true)
                                .build());
            }
            List<TestRecord<byte[], byte[]>> dead = h.deadLetters.readRecordsToList();
            assertEquals(20, dead.size());
            for (TestRecord<byte[], byte[]> d : dead) {
                assertEquals("UNSUPPORTED_SAMPLE_RATE", header(d, DeadLetters.REASON_HEADER));
                assertTrue(
                        header(d, DeadLetters.MESSAGE_HEADER)
                                .contains("cannot be resampled to 16000 Hz"));
            }
            assertTrue(
                    header(dead.get(0), DeadLetters.MESSAGE_HEADER).contains("52416000 bytes"),
                    header(dead.get(0), DeadLetters.MESSAGE_HEADER));
            // A common odd rate is still fine.
            float[] signal = tone(4410, 0.5f, 44_100);
            h.send(mono(CALL, SpeakerRole.AGENT, 0, 44_100, signal, 0).build());
            assertTrue(h.deadLetters.isEmpty());
        }
    }

    // ---- defects: NaN samples

    @Test
    void nonFiniteFloatSamplesHaveAReasonOfTheirOwn() {
        try (TopologyHarness h =
                new TopologyHarness(
                        TopologySettings.defaults(), new LoudnessTestClassifier(), stateDir)) {
            float[] samples = tone(800, 0.5f, 8000);
            samples[17] = Float.NaN;
            h.send(mono(CALL, SpeakerRole.AGENT, 0, 8000, samples, 0).build());
            samples[17] = Float.POSITIVE_INFINITY;
            h.send(mono(CALL, SpeakerRole.AGENT, 0, 8000, samples, 0).build());
            List<TestRecord<byte[], byte[]>> dead = h.deadLetters.readRecordsToList();
            assertEquals(2, dead.size());
            for (TestRecord<byte[], byte[]> d : dead) {
                assertEquals("NON_FINITE_SAMPLE", header(d, DeadLetters.REASON_HEADER));
                assertTrue(header(d, DeadLetters.MESSAGE_HEADER).contains("at byte 68"));
            }
            assertEquals(0, h.count(StreamMetrics.DEAD_LETTERS, "reason", "PARTIAL_FRAME"));
            stillProcesses(h);
        }
    }

    // ---- callId length: it is part of every key and output record

    @Test
    void overlongCallIdIsRejected() {
        try (TopologyHarness h =
                new TopologyHarness(
                        TopologySettings.defaults(), new LoudnessTestClassifier(), stateDir)) {
            String id = "x".repeat(TopologySettings.MAX_CALL_ID_BYTES + 1);
            AudioChunk chunk =
                    mono(id, SpeakerRole.AGENT, 0, 8000, tone(800, 0.5f, 8000), 0).build();
            h.sendRaw(utf8(id), AvroWireFormat.encode(h.chunkSchemaId, chunk), new RecordHeaders());
            onlyDeadLetter(h, DeadLetterReason.CALL_ID_TOO_LONG);
        }
    }
}
