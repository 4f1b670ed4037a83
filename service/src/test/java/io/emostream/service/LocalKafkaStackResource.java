package io.emostream.service;

import io.emostream.local.ApicurioRegistry;
import io.emostream.local.EmbeddedKafka;
import io.emostream.local.ServiceProcess;
import io.emostream.model.TestModels;
import io.emostream.stream.TopologySettings;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Starts what the service needs before Quarkus boots it for a {@code @QuarkusTest}: an in-process KRaft broker with
 * the four topics, the Apicurio registry as a child process, a temporary Kafka Streams state directory and a free
 * HTTP port (advertised for interactive queries). The test model of core/src/test/resources/model stands in for the
 * trained one.
 */
public class LocalKafkaStackResource implements QuarkusTestResourceLifecycleManager {

    static final String TEST_MODEL = TestModels.path(TestModels.VALID).toString();

    private EmbeddedKafka kafka;
    private ApicurioRegistry registry;
    private Path stateDir;

    /** The service's input and output topics with {@code partitions} partitions each; the dead-letter topic has one. */
    static void createServiceTopics(EmbeddedKafka kafka, int partitions) {
        kafka.createTopics(
                Map.of(
                        "call-audio",
                        partitions,
                        "call-emotions",
                        partitions,
                        "call-emotion-stats",
                        partitions,
                        "call-emotion-alerts",
                        partitions,
                        "call-audio-dlq",
                        1));
    }

    /** A real Apicurio registry (child process) on a free port, ready. */
    static ApicurioRegistry startRegistry() {
        return ApicurioRegistry.start(
                ApicurioRegistry.defaultHome(), freePort(), Duration.ofMinutes(2));
    }

    @Override
    public Map<String, String> start() {
        kafka = EmbeddedKafka.start();
        createServiceTopics(kafka, 2);
        registry = startRegistry();
        int httpPort = freePort();
        try {
            stateDir = Files.createTempDirectory("emostream-quarkus-test-state");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "quarkus.kafka-streams.bootstrap-servers",
                kafka.bootstrapServers(),
                "emostream.serde.schema-registry-url",
                registry.ccompatUrl(),
                "kafka-streams.state.dir",
                stateDir.toString(),
                "emostream.model.path",
                TEST_MODEL,
                "quarkus.http.test-port",
                Integer.toString(httpPort),
                "emostream.interactive-queries.advertised-endpoint",
                "localhost:" + httpPort,
                // short timers so the test sees a stream end quickly
                "emostream.window.inactivity-timeout",
                "20s",
                "emostream.window.gap-wait",
                "500ms");
    }

    @Override
    public void stop() {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (stateDir != null) {
            try (Stream<Path> files = Files.walk(stateDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // temporary directory: best effort
            }
        }
    }

    /**
     * The environment of a packaged service ({@code ServiceProcess}) against {@code kafka} and {@code registry}: the
     * test model and a state directory of its own (a state directory left from another broker corrupts tasks).
     */
    static Map<String, String> serviceEnvironment(
            EmbeddedKafka kafka, ApicurioRegistry registry, Path stateDir) {
        return Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", registry.ccompatUrl(),
                "EMOSTREAM_MODEL_PATH", Path.of(TEST_MODEL).toAbsolutePath().toString(),
                "EMOSTREAM_STATE_DIR", stateDir.toAbsolutePath().toString());
    }

    /**
     * The packaged service as a child process on {@code httpPort}, ready (readiness UP within 3 minutes), or closed
     * again and the failure thrown.
     */
    static ServiceProcess startReadyService(
            Map<String, String> environment, Map<String, String> properties, int httpPort, Path log)
            throws Exception {
        ServiceProcess service =
                ServiceProcess.start(
                        ServiceProcess.defaultJar(), environment, properties, httpPort, log);
        try {
            service.awaitReady(Duration.ofMinutes(3));
            return service;
        } catch (Exception | Error e) {
            service.close();
            throw e;
        }
    }

    /** Closes each part in the order given (services first, then the registry, then the broker); nulls are skipped. */
    static void closeAll(AutoCloseable... parts) throws Exception {
        for (AutoCloseable part : parts) {
            if (part != null) {
                part.close();
            }
        }
    }

    /**
     * Committed records on the dead-letter topic, read from the beginning for 8 s by a consumer of group {@code
     * group} (with the broker's client security, if any).
     */
    static int committedDeadLetters(EmbeddedKafka kafka, String group) {
        Properties config = new Properties();
        config.putAll(kafka.clientProperties());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        int count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(TopologySettings.DEFAULT_DLQ_TOPIC));
            Instant end = Instant.now().plusSeconds(8);
            while (Instant.now().isBefore(end)) {
                count += consumer.poll(Duration.ofMillis(500)).count();
            }
        }
        return count;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
