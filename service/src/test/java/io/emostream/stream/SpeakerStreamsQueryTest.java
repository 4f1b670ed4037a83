package io.emostream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.avro.SpeakerRole;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call is in progress from its first accepted chunk, before any window gives it statistics, until its stream
 * ends ({@code GET /calls} lists it from then on).
 */
class SpeakerStreamsQueryTest {

    @TempDir Path stateDir;

    @Test
    void aCallIsInProgressFromItsFirstChunkUntilItsEnd() {
        int rate = 16000;
        try (TopologyHarness h =
                new TopologyHarness(
                        TopologySettings.defaults(), new LoudnessTestClassifier(), stateDir)) {
            KeyValueStore<Bytes, byte[]> streams =
                    h.driver.getKeyValueStore(TopologySettings.STREAM_STATE_STORE);
            SpeakerStreamsQuery query = new SpeakerStreamsQuery(streams);
            assertEquals(Map.of(), query.inProgress());

            List<io.emostream.avro.AudioChunk> chunks =
                    TopologyHarness.split(
                            "early",
                            SpeakerRole.CUSTOMER,
                            rate,
                            TopologyHarness.tone(rate / 2, 0.3f, rate),
                            rate / 10,
                            true);
            h.send(chunks.get(0));
            assertEquals(Map.of("early", List.of(SpeakerRole.CUSTOMER)), query.inProgress());
            assertTrue(
                    new CallStatsQuery(h.driver.getKeyValueStore(TopologySettings.CALL_STATS_STORE))
                            .callIds()
                            .isEmpty(),
                    "no window yet, so no statistics");

            for (io.emostream.avro.AudioChunk chunk : chunks.subList(1, chunks.size())) {
                h.send(chunk);
            }
            assertEquals(Map.of(), query.inProgress(), "the stream ended with its last chunk");
        }
    }
}
