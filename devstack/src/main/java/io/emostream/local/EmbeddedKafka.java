package io.emostream.local;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A single-node Kafka 4.0 cluster (KRaft, broker and controller combined) running inside this JVM, for the
 * integration tests and {@code ./emostream demo}. Built on Kafka's own test kit ({@code KafkaClusterTestKit}),
 * configured so that one node suffices for everything the service uses: internal topics with replication
 * factor 1, and a transaction state log with replication factor 1 and min ISR 1 so that
 * {@code processing.guarantee=exactly_once_v2} works. Data lives in a temporary directory that is deleted on
 * {@link #close()}.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final String BROKER_LISTENER = "EXTERNAL";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final KafkaClusterTestKit cluster;
    private final Path baseDirectory;
    private final String bootstrapServers;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private EmbeddedKafka(KafkaClusterTestKit cluster, Path baseDirectory) {
        this.cluster = cluster;
        this.baseDirectory = baseDirectory;
        this.bootstrapServers = cluster.bootstrapServers();
        // The demo ends with Ctrl-C: still stop the broker and delete its data.
        this.shutdownHook = new Thread(this::stop, "embedded-kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a broker on a random free port. */
    public static EmbeddedKafka start() {
        return start(0);
    }

    /**
     * Starts a broker whose client listener is {@code localhost:port} ({@code 0} for a random free port; the
     * demo uses 9092 so that other processes can find it).
     */
    public static EmbeddedKafka start(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(
                    "Kafka port must be 0 (random) or 1-65535, got " + port);
        }
        LogLevels.applyDefaults(); // else the broker renders every request as JSON for a TRACE log
        // nobody sees
        Path baseDirectory;
        try {
            baseDirectory = Files.createTempDirectory("emostream-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Could not create a temporary log directory for the embedded Kafka", e);
        }
        KafkaClusterTestKit cluster = null;
        try {
            TestKitNodes nodes =
                    new TestKitNodes.Builder()
                            .setCombined(true)
                            .setNumBrokerNodes(1)
                            .setNumControllerNodes(1)
                            .setBaseDirectory(baseDirectory)
                            .build();
            KafkaClusterTestKit.Builder builder =
                    new KafkaClusterTestKit.Builder(nodes)
                            // One node: every internal topic must make do with one replica.
                            .setConfigProp("offsets.topic.replication.factor", "1")
                            .setConfigProp("offsets.topic.num.partitions", "5")
                            .setConfigProp("transaction.state.log.replication.factor", "1")
                            .setConfigProp("transaction.state.log.min.isr", "1")
                            .setConfigProp("transaction.state.log.num.partitions", "5")
                            .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                            .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                            .setConfigProp("default.replication.factor", "1")
                            .setConfigProp("min.insync.replicas", "1")
                            // No point waiting for more group members on a local broker.
                            .setConfigProp("group.initial.rebalance.delay.ms", "0");
            if (port != 0) {
                // The controller keeps the kit's pre-bound random port; only the client listener is
                // fixed.
                builder.setConfigProp(
                        "listeners",
                        BROKER_LISTENER
                                + "://localhost:"
                                + port
                                + ","
                                + CONTROLLER_LISTENER
                                + "://localhost:0");
            }
            cluster = builder.build();
            formatWithoutStdout(cluster);
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new EmbeddedKafka(cluster, baseDirectory);
        } catch (Exception e) {
            closeQuietly(cluster);
            deleteRecursively(baseDirectory);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String where =
                    port == 0 ? "a random port" : "port " + port + " (is it already in use?)";
            throw new IllegalStateException(
                    "Could not start the embedded Kafka broker on " + where + ": " + e, e);
        }
    }

    /**
     * The kit's storage formatter prints "Formatting metadata directory ..." to {@code System.out}, which is where
     * the CLI writes its JSON (bench, evaluate); it goes to stderr instead.
     */
    private static synchronized void formatWithoutStdout(KafkaClusterTestKit cluster)
            throws Exception {
        PrintStream out = System.out;
        System.setOut(System.err);
        try {
            cluster.format();
        } finally {
            System.setOut(out);
        }
    }

    /** {@code host:port} of the broker's client listener. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Directory holding the broker's metadata and log segments (deleted on close). */
    public Path dataDirectory() {
        return baseDirectory;
    }

    /**
     * Creates topics with the given partition counts and replication factor 1 and waits until they exist.
     * Topics that already exist are an error, so a caller never silently gets a wrong partition count.
     */
    public void createTopics(Map<String, Integer> partitionsByTopic) {
        createTopics(partitionsByTopic, Map.of());
    }

    /** As {@link #createTopics(Map)}, with topic configs (e.g. {@code cleanup.policy=compact}) for every topic. */
    public void createTopics(
            Map<String, Integer> partitionsByTopic, Map<String, String> topicConfigs) {
        List<NewTopic> topics =
                partitionsByTopic.entrySet().stream()
                        .map(
                                e ->
                                        new NewTopic(e.getKey(), e.getValue(), (short) 1)
                                                .configs(topicConfigs))
                        .toList();
        try (Admin admin = Admin.create(adminProperties())) {
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Could not create topics " + partitionsByTopic + ": " + e.getCause(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Creating topics " + partitionsByTopic + " took longer than 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(
                    "Interrupted while creating topics " + partitionsByTopic, e);
        }
    }

    /**
     * Stops the broker, as an outage would, and waits until it is down; the controller, the data and the
     * configured port stay, so {@link #startBroker()} brings back the same cluster. Clients see connection
     * failures meanwhile. For outage tests: start the broker on a fixed port ({@link #start(int)}), since a
     * random port is chosen again on restart.
     */
    public void stopBroker() {
        for (BrokerServer broker : cluster.brokers().values()) {
            broker.shutdown();
            broker.awaitShutdown();
        }
    }

    /** Starts the broker stopped by {@link #stopBroker()} again and waits until it is ready. */
    public void startBroker() {
        try {
            for (BrokerServer broker : cluster.brokers().values()) {
                broker.startup();
            }
            cluster.waitForReadyBrokers();
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "The embedded Kafka broker did not come back: " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(
                    "Interrupted while restarting the embedded Kafka broker", e);
        }
    }

    /** Properties for an {@link Admin} client of this broker. */
    public Properties adminProperties() {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) Duration.ofSeconds(30).toMillis());
        return properties;
    }

    /** Stops the broker and controller and deletes the data directory. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run
        }
    }

    private synchronized void stop() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(cluster);
        deleteRecursively(baseDirectory);
    }

    private static void closeQuietly(KafkaClusterTestKit cluster) {
        if (cluster == null) {
            return;
        }
        try {
            cluster.close();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            System.err.println("Embedded Kafka did not shut down cleanly: " + e);
        }
    }

    private static void deleteRecursively(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("Could not delete embedded Kafka directory " + directory + ": " + e);
        }
    }
}
