package io.emostream.stream;

import static io.emostream.stream.TopologyHarness.mono;
import static io.emostream.stream.TopologyHarness.tone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.avro.SpeakerRole;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not timed: counts the bytes each chunk writes to the state stores, via their changelog topics (the bytes that
 * also go over the network to Kafka). Until a window completes, a chunk must write its own samples once plus a
 * state record of constant size, whatever has been buffered before it.
 */
class StateWriteCostTest {

    @TempDir Path stateDir;

    private static final String CALL = "cost-call";

    private static long bytes(List<TestRecord<byte[], byte[]>> records) {
        long n = 0;
        for (TestRecord<byte[], byte[]> r : records) {
            n += r.key().length + (r.value() == null ? 0 : r.value().length);
        }
        return n;
    }

    @Test
    void eachChunkWritesItsOwnSizePlusAConstantStateRecord() {
        TopologySettings settings = TopologySettings.defaults();
        try (TopologyHarness h =
                new TopologyHarness(settings, new LoudnessTestClassifier(), stateDir)) {
            TestOutputTopic<byte[], byte[]> chunkLog = changelog(h, settings.chunkStore());
            TestOutputTopic<byte[], byte[]> stateLog = changelog(h, settings.streamStateStore());
            TestOutputTopic<byte[], byte[]> statsLog = changelog(h, settings.callStatsStore());
            int keyBytes =
                    new SpeakerStreamKey(CALL, SpeakerRole.CUSTOMER).chunkKey(0).get().length;

            int[] chunkSamples = {
                1600, 3200, 6400, 800, 1600, 3200, 6400, 800, 1600, 3200, 6400, 800, 1600, 3200
            };
            long sample = 0;
            Long firstStateBytes = null;
            for (int seq = 0; seq < chunkSamples.length; seq++) {
                int n = chunkSamples[seq];
                h.send(
                        mono(CALL, SpeakerRole.CUSTOMER, seq, 16000, tone(n, 0.3f, 16000), sample)
                                .build());
                sample += n;
                assertTrue(sample < 48000, "test stays inside the first window");

                List<TestRecord<byte[], byte[]>> chunkWrites = chunkLog.readRecordsToList();
                assertEquals(1, chunkWrites.size(), "one chunk-store write per chunk");
                assertEquals(
                        keyBytes + BufferedChunk.HEADER_BYTES + 4L * n,
                        bytes(chunkWrites),
                        "chunk "
                                + seq
                                + ": its own samples and a fixed header, nothing of earlier chunks");

                List<TestRecord<byte[], byte[]>> stateWrites = stateLog.readRecordsToList();
                assertEquals(1, stateWrites.size());
                long stateBytes = bytes(stateWrites);
                if (firstStateBytes == null) {
                    firstStateBytes = stateBytes;
                }
                assertEquals(
                        firstStateBytes,
                        stateBytes,
                        "state record does not grow with buffered audio");
                assertTrue(statsLog.isEmpty(), "no stats write before a window completes");
            }
            assertTrue(
                    firstStateBytes < 512, "state record is small: " + firstStateBytes + " bytes");
            assertEquals(chunkSamples.length, TopologyHarness.entries(h.chunkStore()).size());
        }
    }

    @Test
    void outOfOrderChunksGrowTheStateRecordBySequenceNumbersOnly() {
        TopologySettings settings = TopologySettings.defaults();
        try (TopologyHarness h =
                new TopologyHarness(settings, new LoudnessTestClassifier(), stateDir)) {
            TestOutputTopic<byte[], byte[]> stateLog = changelog(h, settings.streamStateStore());
            h.send(mono(CALL, SpeakerRole.CUSTOMER, 0, 16000, tone(1600, 0.3f, 16000), 0).build());
            long inOrder = bytes(stateLog.readRecordsToList());
            // Sequence 1 is missing: 2..6 wait in the reorder buffer, each adding one 8-byte
            // sequence number.
            for (int seq = 2; seq <= 6; seq++) {
                h.send(
                        mono(
                                        CALL,
                                        SpeakerRole.CUSTOMER,
                                        seq,
                                        16000,
                                        tone(1600, 0.3f, 16000),
                                        seq * 1600L)
                                .build());
                assertEquals(
                        inOrder + 8L * (seq - 1),
                        bytes(stateLog.readRecordsToList()),
                        "pending " + (seq - 1));
            }
        }
    }

    private static TestOutputTopic<byte[], byte[]> changelog(TopologyHarness h, String store) {
        return h.driver.createOutputTopic(
                TopologyHarness.APP_ID + "-" + store + "-changelog",
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }
}
