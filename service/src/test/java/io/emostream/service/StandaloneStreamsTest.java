package io.emostream.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.emostream.stream.TopologySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The service's configuration as the standalone runner (bench, tests) reads it from application.properties. */
class StandaloneStreamsTest {

    @Test
    void readsApplicationPropertiesWithDefaultsAndOverrides() {
        StandaloneStreams app =
                new StandaloneStreams(
                        Map.of(
                                "quarkus.kafka-streams.bootstrap-servers", "broker-1:9093",
                                "emostream.window.gap-wait", "750ms",
                                "emostream.escalation.consecutive-windows", "4",
                                "kafka-streams.state.dir", "/var/tmp/emostream-test"));

        EmostreamConfig config = app.config();
        assertEquals(Path.of("models/emotion-cnn.onnx"), config.model().path());
        assertEquals(Duration.ofSeconds(3), config.window().size());
        assertEquals(Duration.ofMillis(750), config.window().gapWait());
        assertEquals("io.emostream.serde.AvroWireSerializer", config.serde().serializer());

        TopologySettings settings = ServiceWiring.topologySettings(config);
        assertEquals("call-audio", settings.inputTopic());
        assertEquals("call-audio-dlq", settings.deadLetterTopic());
        assertEquals(Duration.ofMillis(750), settings.gapWait());
        assertEquals(4, settings.escalation().minConsecutiveSpeechWindows());
        assertEquals("angry", settings.escalation().label());
        assertEquals(TopologySettings.defaults().callStatsStore(), settings.callStatsStore());
        // Input and output limits: the configuration's defaults are TopologySettings' (one source).
        TopologySettings defaults = TopologySettings.defaults();
        assertEquals(defaults.maxChunkBytes(), settings.maxChunkBytes());
        assertEquals(524_288, settings.maxChunkBytes());
        assertEquals(defaults.maxChunkDuration(), settings.maxChunkDuration());
        assertEquals(Duration.ofSeconds(2), settings.maxChunkDuration());
        assertEquals(defaults.maxRecordBytes(), settings.maxRecordBytes());
        assertEquals(1_000_000, settings.maxRecordBytes());

        Properties streams = app.streamsProperties();
        assertEquals("emostream", streams.get("application.id"));
        assertEquals("broker-1:9093", streams.get("bootstrap.servers"));
        assertEquals("exactly_once_v2", streams.get("processing.guarantee"));
        assertEquals(
                BoundedMemoryRocksDbConfig.class.getName(), streams.get("rocksdb.config.setter"));
        assertEquals("/var/tmp/emostream-test", streams.get("state.dir"));
        assertEquals("20", streams.get("consumer.max.poll.records"));
        assertEquals("localhost:8080", streams.get("application.server"));
        assertFalse(streams.containsKey("kafka-streams.state.dir"), "prefix stripped");
    }
}
