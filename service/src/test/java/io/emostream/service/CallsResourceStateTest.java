package io.emostream.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.core.Response;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /calls and /calls/{id}/stats answer 503 (not 500) while Kafka Streams is not RUNNING or REBALANCING. */
class CallsResourceStateTest {

    @TempDir Path stateDir;

    @Test
    void notRunningKafkaStreamsIsServiceUnavailable() {
        EmostreamConfig config = new StandaloneStreams(Map.of()).config();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "calls-resource-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        try {
            CallsResource resource = new CallsResource(streams, config);
            assertEquals(KafkaStreams.State.CREATED, streams.state());
            assertUnavailable(resource.localCalls(), "CREATED");
            assertUnavailable(resource.callStats("c1", null, null), "CREATED");
            assertUnavailable(resource.callStats("c1", "other:8080", null), "CREATED");
        } finally {
            streams.close();
        }
        // Closed (as after ERROR): the same code path as ERROR, where the query methods throw
        // IllegalStateException.
        CallsResource resource = new CallsResource(streams, config);
        assertUnavailable(resource.localCalls(), "NOT_RUNNING");
        assertUnavailable(resource.callStats("c1", null, null), "NOT_RUNNING");
    }

    private static void assertUnavailable(Response response, String state) {
        assertEquals(503, response.getStatus());
        assertEquals("1", response.getHeaderString("Retry-After"));
        assertTrue(
                String.valueOf(response.getEntity()).contains(state),
                String.valueOf(response.getEntity()));
    }
}
