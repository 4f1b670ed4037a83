package io.emostream.service;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.avro.AudioChunk;
import io.emostream.avro.AudioEncoding;
import io.emostream.avro.SpeakerRole;
import io.emostream.local.CallAudioSender;
import io.emostream.stream.AlertSettings;
import io.emostream.stream.TopologySettings;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /stores} on the running service: every store of the topology is listed with an exact count, a call in
 * progress holds exactly one stream-state entry and one chunk-store entry per buffered chunk, and once it has
 * ended only its ended marker and final statistics are left (both go after one inactivity timeout, which
 * {@code BenchMemoryIT} checks at scale).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalKafkaStackResource.class, restrictToAnnotatedClass = true)
class StoresResourceQuarkusTest {

    @ConfigProperty(name = "quarkus.kafka-streams.bootstrap-servers")
    String bootstrap;

    @ConfigProperty(name = "emostream.serde.schema-registry-url")
    String registryUrl;

    private static final String CHUNKS = TopologySettings.CHUNK_STORE;
    private static final String STREAMS = TopologySettings.STREAM_STATE_STORE;
    private static final String STATS = TopologySettings.CALL_STATS_STORE;
    private static final String CONVERSATION = TopologySettings.CONVERSATION_STORE;
    private static final String ALERTS = AlertSettings.DEFAULT_STATE_STORE;

    @Test
    void countsTheEntriesOfEveryStoreExactly() throws Exception {
        Map<String, Long> empty =
                awaitCounts(c -> c.size() == 5 && c.values().stream().allMatch(n -> n == 0));
        assertEquals(
                Map.of(CHUNKS, 0L, STREAMS, 0L, STATS, 0L, CONVERSATION, 0L, ALERTS, 0L), empty);

        // 2 s of a call in 100-ms chunks: no 3-s window complete yet, so every chunk is buffered
        String callId = "stores-test-" + System.nanoTime();
        Instant start = Instant.now();
        try (Producer<String, AudioChunk> producer =
                CallAudioSender.newProducer(bootstrap, registryUrl)) {
            for (int sequence = 0; sequence < 20; sequence++) {
                producer.send(chunk(callId, sequence, start, false)).get();
            }
            Map<String, Long> inProgress = awaitCounts(c -> c.getOrDefault(CHUNKS, 0L) == 20);
            assertEquals(1, inProgress.get(STREAMS), "one stream state " + inProgress);
            assertEquals(0, inProgress.get(STATS), "no window yet " + inProgress);

            // 2 s more, the last chunk ends the stream: its window is emitted and its chunks
            // deleted
            for (int sequence = 20; sequence < 40; sequence++) {
                producer.send(chunk(callId, sequence, start, sequence == 39)).get();
            }
        }
        // once the last chunk is processed: the ended marker and the final statistics are left, for
        // one inactivity timeout; chunks, conversation and alert state are gone
        Map<String, Long> ended =
                Map.of(CHUNKS, 0L, STREAMS, 1L, STATS, 1L, CONVERSATION, 0L, ALERTS, 0L);
        assertEquals(ended, awaitCounts(ended::equals));
    }

    /** 100 ms of 16 kHz PCM16 silence, chunk {@code sequence} of the call. */
    private static ProducerRecord<String, AudioChunk> chunk(
            String callId, int sequence, Instant start, boolean last) {
        return new ProducerRecord<>(
                "call-audio",
                callId,
                AudioChunk.newBuilder()
                        .setCallId(callId)
                        .setSpeaker(SpeakerRole.CUSTOMER)
                        .setSequence(sequence)
                        .setCaptureTimestamp(start.plusMillis(100L * sequence))
                        .setSampleRate(16000)
                        .setEncoding(AudioEncoding.PCM16LE)
                        .setChannelCount(1)
                        .setAudio(ByteBuffer.wrap(new byte[3200]))
                        .setEndOfStream(last)
                        .build());
    }

    /**
     * Polls {@code GET /stores} until its complete counts satisfy {@code until} (60 s at most), and returns them.
     */
    private static Map<String, Long> awaitCounts(Predicate<Map<String, Long>> until)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        String last = "no answer";
        while (Instant.now().isBefore(deadline)) {
            io.restassured.response.Response response = given().get("/stores");
            last = response.statusCode() + " " + response.asString();
            if (response.statusCode() == 200) {
                JsonPath json = response.jsonPath();
                assertTrue(json.getBoolean("complete"), last);
                assertEquals("RUNNING", json.getString("state"), last);
                Map<String, Map<String, Object>> stores = json.getMap("stores");
                Map<String, Long> counts = new TreeMap<>();
                stores.forEach(
                        (name, count) ->
                                counts.put(name, ((Number) count.get("entries")).longValue()));
                if (until.test(counts)) {
                    return counts;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("store counts never reached the expected values: " + last);
    }
}
