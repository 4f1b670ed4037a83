package io.emostream.local;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A single-node Kafka 4.0 cluster (KRaft, broker and controller combined) running inside this JVM, for the
 * integration tests and {@code ./emostream demo}. Built on Kafka's own test kit ({@code KafkaClusterTestKit}),
 * configured so that one node suffices for everything the service uses: internal topics with replication
 * factor 1, and a transaction state log with replication factor 1 and min ISR 1 so that
 * {@code processing.guarantee=exactly_once_v2} works. Data lives in a temporary directory that is deleted on
 * {@link #close()}.
 *
 * <p>By default the client listener is {@code PLAINTEXT}. {@link #start(int, SaslSsl)} makes it {@code SASL_SSL}
 * instead: TLS with the given certificate, and SASL with {@code SCRAM-SHA-512} for the one client user (its
 * credential is created once the broker is up) and {@code PLAIN} for the broker's own inter-broker user (a random
 * password; the broker also talks to itself, e.g. to write transaction markers). The controller listener stays
 * {@code PLAINTEXT} inside this JVM. No authorizer is configured: an authenticated user may do anything.
 * {@link #clientProperties()} gives the settings a client needs.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final String BROKER_LISTENER = "EXTERNAL";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    /** SASL mechanism of the client user of a {@link SaslSsl} listener. */
    public static final String CLIENT_SASL_MECHANISM = "SCRAM-SHA-512";

    private static final String BROKER_USER = "broker";

    /**
     * A {@code SASL_SSL} client listener.
     *
     * @param certificates the broker's key and certificate, and the truststore its clients use
     * @param user         the client user (SCRAM-SHA-512)
     * @param password     its password
     */
    public record SaslSsl(LocalCertificates certificates, String user, String password) {
        /** The client settings for {@code user} with {@code password} (right or wrong). */
        public Map<String, Object> clientProperties(String user, String password) {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
            properties.put(SaslConfigs.SASL_MECHANISM, CLIENT_SASL_MECHANISM);
            properties.put(
                    SaslConfigs.SASL_JAAS_CONFIG,
                    "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                            + user
                            + "\" password=\""
                            + password
                            + "\";");
            properties.put(
                    SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
                    certificates.truststore().toString());
            properties.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, certificates.password());
            properties.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, LocalCertificates.STORE_TYPE);
            return properties;
        }
    }

    private final KafkaClusterTestKit cluster;
    private final Path baseDirectory;
    private final String bootstrapServers;
    private final Optional<SaslSsl> security;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private EmbeddedKafka(
            KafkaClusterTestKit cluster, Path baseDirectory, Optional<SaslSsl> security) {
        this.cluster = cluster;
        this.baseDirectory = baseDirectory;
        this.security = security;
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
        return start(port, Optional.empty());
    }

    /**
     * As {@link #start(int)}, with a {@code SASL_SSL} client listener instead of {@code PLAINTEXT}; returns once the
     * client user can authenticate.
     */
    public static EmbeddedKafka start(int port, SaslSsl security) {
        return start(port, Optional.of(security));
    }

    private static EmbeddedKafka start(int port, Optional<SaslSsl> security) {
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
            security.ifPresent(sasl -> configureSaslSsl(builder, sasl));
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
            EmbeddedKafka kafka = new EmbeddedKafka(cluster, baseDirectory, security);
            if (security.isPresent()) {
                kafka.createClientUser(security.get());
            }
            return kafka;
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

    private static final String BROKER_PASSWORD = UUID.randomUUID().toString();

    private static void configureSaslSsl(KafkaClusterTestKit.Builder builder, SaslSsl sasl) {
        String listener = "listener.name." + BROKER_LISTENER.toLowerCase() + ".";
        LocalCertificates certificates = sasl.certificates();
        builder.setConfigProp(
                        "listener.security.protocol.map",
                        BROKER_LISTENER + ":SASL_SSL," + CONTROLLER_LISTENER + ":PLAINTEXT")
                .setConfigProp("sasl.enabled.mechanisms", "PLAIN," + CLIENT_SASL_MECHANISM)
                .setConfigProp("sasl.mechanism.inter.broker.protocol", "PLAIN")
                .setConfigProp(
                        listener + "plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required"
                                + " username=\""
                                + BROKER_USER
                                + "\" password=\""
                                + BROKER_PASSWORD
                                + "\" user_"
                                + BROKER_USER
                                + "=\""
                                + BROKER_PASSWORD
                                + "\";")
                .setConfigProp(
                        listener + CLIENT_SASL_MECHANISM.toLowerCase() + ".sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;")
                .setConfigProp("ssl.keystore.location", certificates.keystore().toString())
                .setConfigProp("ssl.keystore.password", certificates.password())
                .setConfigProp("ssl.key.password", certificates.password())
                .setConfigProp("ssl.keystore.type", LocalCertificates.STORE_TYPE)
                .setConfigProp("ssl.truststore.location", certificates.truststore().toString())
                .setConfigProp("ssl.truststore.password", certificates.password())
                .setConfigProp("ssl.truststore.type", LocalCertificates.STORE_TYPE);
    }

    /** Creates the SCRAM credential of the client user and waits until that user can authenticate. */
    private void createClientUser(SaslSsl sasl) throws Exception {
        Properties asBroker = new Properties();
        asBroker.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        asBroker.putAll(sasl.clientProperties(BROKER_USER, BROKER_PASSWORD));
        asBroker.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        asBroker.put(
                SaslConfigs.SASL_JAAS_CONFIG,
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + BROKER_USER
                        + "\" password=\""
                        + BROKER_PASSWORD
                        + "\";");
        try (Admin admin = Admin.create(asBroker)) {
            admin.alterUserScramCredentials(
                            List.of(
                                    new UserScramCredentialUpsertion(
                                            sasl.user(),
                                            new ScramCredentialInfo(
                                                    ScramMechanism.SCRAM_SHA_512, 4096),
                                            sasl.password())))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        Instant deadline = Instant.now().plusSeconds(30);
        try (Admin admin = Admin.create(adminProperties())) {
            while (true) {
                try {
                    admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException notYet) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException(
                                "SCRAM user "
                                        + sasl.user()
                                        + " cannot authenticate: "
                                        + notYet.getCause(),
                                notYet.getCause());
                    }
                    Thread.sleep(200);
                }
            }
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

    /** Properties for an {@link Admin} client of this broker (with {@link #clientProperties()}). */
    public Properties adminProperties() {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) Duration.ofSeconds(30).toMillis());
        properties.putAll(clientProperties());
        return properties;
    }

    /**
     * The security settings every client of the client listener needs, besides {@code bootstrap.servers}: none for
     * {@code PLAINTEXT}; for {@code SASL_SSL} the protocol, the client user's SCRAM login and the truststore.
     */
    public Map<String, Object> clientProperties() {
        return security.map(s -> s.clientProperties(s.user(), s.password())).orElse(Map.of());
    }

    /** The {@code SASL_SSL} settings this broker was started with, if any. */
    public Optional<SaslSsl> saslSsl() {
        return security;
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
