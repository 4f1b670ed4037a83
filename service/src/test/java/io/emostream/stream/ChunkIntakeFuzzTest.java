package io.emostream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.emostream.avro.AudioChunk;
import io.emostream.avro.AudioEncoding;
import io.emostream.avro.SpeakerRole;
import io.emostream.serde.AvroWireFormat;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzz target for everything an outside producer's record meets before it becomes audio: the Confluent wire header,
 * the schema id, the Avro body and the chunk's field checks, through the real topology ({@code TopologyTestDriver},
 * state kept across inputs so sequencing is exercised too). Half the inputs are well-formed chunks with fuzzed
 * fields, the rest fuzzed bytes behind a valid or a fuzzed header.
 *
 * <p>Whatever the record: the topology does not throw; it is accepted, counted as a duplicate, or dead-lettered,
 * and every dead letter is counted in the metric; no record costs the stream thread a second of CPU (thread CPU
 * time, not wall time: a fuzzing run beside a loaded CI build once saw 1.03 s of wall time for a record that takes
 * milliseconds alone, so wall time bounds the machine, not the input). Seeds in
 * {@code ChunkIntakeFuzzTestInputs/}.
 */
class ChunkIntakeFuzzTest {

    private static final TopologyHarness HARNESS = harness();
    private static final Duration MAX_PER_RECORD = Duration.ofSeconds(1);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static TopologyHarness harness() {
        try {
            return new TopologyHarness(
                    TopologySettings.defaults(),
                    new LoudnessTestClassifier(),
                    Files.createTempDirectory("emostream-fuzz-state"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void closeTheDriver() {
        HARNESS.close(); // RocksDB's native side must not be left to the JVM's exit
    }

    @FuzzTest(maxDuration = "30s")
    void chunkRecord(FuzzedDataProvider data) {
        TopologyHarness h = HARNESS;
        byte[] key;
        byte[] value;
        if (data.consumeBoolean()) {
            String callId = data.consumeString(8);
            AudioChunk chunk =
                    AudioChunk.newBuilder()
                            .setCallId(callId)
                            .setSpeaker(data.pickValue(SpeakerRole.values()))
                            .setChannelLayout(
                                    data.consumeBoolean()
                                            ? null
                                            : List.of(
                                                    data.pickValue(SpeakerRole.values()),
                                                    data.pickValue(SpeakerRole.values())))
                            .setSequence(
                                    data.consumeBoolean()
                                            ? data.consumeLong(-2, 40)
                                            : data.consumeLong())
                            .setCaptureTimestamp(
                                    java.time.Instant.ofEpochMilli(
                                            data.consumeBoolean()
                                                    ? TopologyHarness.START.toEpochMilli()
                                                            + data.consumeInt(0, 100_000)
                                                    : data.consumeLong(
                                                            -10_000_000_000_000L,
                                                            10_000_000_000_000L)))
                            .setSampleRate(
                                    data.consumeBoolean()
                                            ? data.pickValue(new int[] {8000, 16000, 44100, 48000})
                                            : data.consumeInt())
                            .setEncoding(data.pickValue(AudioEncoding.values()))
                            .setChannelCount(data.consumeInt(-1, 3))
                            .setEndOfStream(data.consumeBoolean())
                            .setAudio(ByteBuffer.wrap(data.consumeBytes(4096)))
                            .build();
            key =
                    (data.consumeBoolean() ? callId : data.consumeString(8))
                            .getBytes(StandardCharsets.UTF_8);
            value = h.encode(chunk);
        } else {
            key = data.consumeBytes(16);
            byte[] body = data.consumeRemainingAsBytes();
            if (body.length > 0
                    && body[0] % 2 == 0) { // behind a valid header: the Avro decoder sees the bytes
                value =
                        ByteBuffer.allocate(AvroWireFormat.HEADER_LENGTH + body.length - 1)
                                .put(AvroWireFormat.MAGIC_BYTE)
                                .putInt(h.chunkSchemaId)
                                .put(body, 1, body.length - 1)
                                .array();
            } else {
                value = body;
            }
        }
        double before = handled(h);
        double deadLettersBefore = deadLetters(h);
        long started =
                THREADS.getCurrentThreadCpuTime(); // the test driver processes on this thread
        h.sendRaw(key, value, new RecordHeaders());
        Duration took = Duration.ofNanos(THREADS.getCurrentThreadCpuTime() - started);
        assertTrue(
                took.compareTo(MAX_PER_RECORD) < 0,
                "one record cost the stream thread " + took + " of CPU");
        assertTrue(handled(h) > before, "accepted, counted as a duplicate, or dead-lettered");
        assertEquals(
                deadLetters(h) - deadLettersBefore,
                h.deadLetters.readRecordsToList().size(),
                "every dead letter is counted in the metric");
        h.events.readRecordsToList();
        h.stats.readRecordsToList();
    }

    private static double handled(TopologyHarness h) {
        return h.count(StreamMetrics.CHUNKS) + h.count(StreamMetrics.DUPLICATES) + deadLetters(h);
    }

    private static double deadLetters(TopologyHarness h) {
        return h.meters.find(StreamMetrics.DEAD_LETTERS).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }
}
