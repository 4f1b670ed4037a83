package io.emostream.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.avro.AudioChunk;
import io.emostream.avro.AudioEncoding;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import io.emostream.avro.SpeakerRole;
import io.emostream.local.ApicurioRegistry;
import io.emostream.local.CallAudioSender;
import io.emostream.local.CallAudioSender.CallStream;
import io.emostream.local.EmbeddedKafka;
import io.emostream.local.LocalCertificates;
import io.emostream.local.OutputReader;
import io.emostream.local.ServiceProcess;
import io.emostream.local.SyntheticSpeech;
import io.emostream.local.SyntheticSpeech.Profile;
import io.emostream.serde.AvroWireSerdeConfig;
import io.emostream.serde.AvroWireSerializer;
import io.emostream.serde.SchemaRegistryClient;
import io.emostream.serde.SchemaRegistryException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The service on a secured stack, end to end, with one stack start for three checks:
 *
 * <ul>
 *   <li>the in-process broker's only client listener is {@code SASL_SSL} (TLS with a certificate made by
 *       {@code keytool} for this run, SASL {@code SCRAM-SHA-512}); the registry serves HTTPS only, with HTTP basic
 *       authentication and its schemas in an H2 file. The packaged service reaches both through its ordinary
 *       settings ({@code kafka-streams.security.protocol} and friends, {@code emostream.serde.basic-auth-user-info},
 *       {@code emostream.serde.truststore.*}), analyses a call, and its windows arrive;</li>
 *   <li>a wrong Kafka password, a wrong registry password and a missing truststore each fail at once with an
 *       error that says so, not after a wait;</li>
 *   <li>a registry outage mid-call (the registry process stopped for 20 s, then started again on the same port and
 *       storage): a call in progress goes on from the service's schema cache, a call that starts during the outage
 *       with a schema id the service has not seen waits (the stream thread retries the lookup) and is analysed once
 *       the registry is back; every window arrives exactly once ({@code read_committed}), nothing is
 *       dead-lettered.</li>
 * </ul>
 *
 * <p>The methods run in order: the outage comes last. The passwords are throwaway values made per run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecureStackIT {

    private static final Duration CHUNK = Duration.ofMillis(100);
    private static final Duration OUTAGE = Duration.ofSeconds(20);
    private static final String USER = "emostream";

    private static final String KAFKA_PASSWORD = "kafka-" + UUID.randomUUID();
    private static final String REGISTRY_PASSWORD = "registry-" + UUID.randomUUID();

    private static LocalCertificates certificates;
    private static EmbeddedKafka kafka;
    private static ApicurioRegistry registry;
    private static ServiceProcess service;

    @BeforeAll
    static void startStack() throws Exception {
        Path workDir = Files.createDirectories(Path.of("target", "it-secure-stack"));
        certificates =
                LocalCertificates.generate(
                        Files.createTempDirectory(workDir, "certs-"), "store-" + UUID.randomUUID());
        kafka =
                EmbeddedKafka.start(
                        LocalKafkaStackResource.freePort(),
                        new EmbeddedKafka.SaslSsl(certificates, USER, KAFKA_PASSWORD));
        LocalKafkaStackResource.createServiceTopics(kafka, 4);
        registry =
                ApicurioRegistry.start(
                        ApicurioRegistry.defaultHome(),
                        ApicurioRegistry.Options.plain(
                                        LocalKafkaStackResource.freePort(), Duration.ofMinutes(2))
                                .withStorage(Files.createTempDirectory(workDir, "registry-"))
                                .withTls(certificates)
                                .withUser(USER, REGISTRY_PASSWORD));

        Map<String, String> properties = new LinkedHashMap<>();
        // Kafka security through the kafka-streams.* passthrough, as docs/operations.md shows
        kafka.clientProperties()
                .forEach((key, value) -> properties.put("kafka-streams." + key, value.toString()));
        properties.put("emostream.serde.basic-auth-user-info", USER + ":" + REGISTRY_PASSWORD);
        properties.put("emostream.serde.truststore.location", certificates.truststore().toString());
        properties.put("emostream.serde.truststore.password", certificates.password());
        // above the outage plus the registry's start-up, as for a broker outage
        // (docs/operations.md)
        properties.put("emostream.window.inactivity-timeout", "120s");
        int httpPort = LocalKafkaStackResource.freePort();
        service =
                ServiceProcess.start(
                        ServiceProcess.defaultJar(),
                        Map.of(
                                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                                "SCHEMA_REGISTRY_URL", registry.ccompatUrl(),
                                "EMOSTREAM_MODEL_PATH",
                                        Path.of(LocalKafkaStackResource.TEST_MODEL)
                                                .toAbsolutePath()
                                                .toString(),
                                "EMOSTREAM_STATE_DIR",
                                        Files.createTempDirectory(workDir, "state-")
                                                .toAbsolutePath()
                                                .toString()),
                        properties,
                        httpPort,
                        workDir.resolve("service.log"));
        service.awaitReady(Duration.ofMinutes(3));
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (service != null) {
            service.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Order(1)
    void aCallOverSaslSslAndAnHttpsRegistryWithBasicAuthIsAnalysed() throws Exception {
        assertTrue(registry.ccompatUrl().startsWith("https://"), registry.ccompatUrl());
        CallStream call = mono("secure-a", Profile.AGITATED, 9.5);
        Collected output = new Collected();
        try (OutputReader reader = reader(false);
                Producer<String, AudioChunk> producer = producer(Map.of())) {
            new CallAudioSender(producer, "call-audio", CHUNK, true).send(call);
            output.readUntilFinal(reader, List.of("secure-a/CUSTOMER"), Duration.ofSeconds(90));
        }
        output.assertExactlyOnce("secure-a/CUSTOMER", 3);

        // The dashboard's feed is a consumer of its own: it must get the same SASL_SSL settings and
        // registry credentials. It starts on this first request and reads the look-back.
        Instant deadline = Instant.now().plusSeconds(60);
        java.net.http.HttpResponse<String> dashboard = get("/dashboard/api/calls/secure-a");
        while (!(dashboard.statusCode() == 200
                        && dashboard.body().contains("\"ended\":true")
                        && dashboard.body().contains("\"windowsTotal\":3,"))
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            dashboard = get("/dashboard/api/calls/secure-a");
        }
        assertEquals(200, dashboard.statusCode(), dashboard.body());
        assertTrue(dashboard.body().contains("\"ended\":true"), dashboard.body());
        assertTrue(dashboard.body().contains("\"windowsTotal\":3,"), dashboard.body());
    }

    @Test
    @Order(2)
    void wrongPasswordsAndAMissingTruststoreFailAtOnceAndSaySo() throws Exception {
        // Kafka: SCRAM with a wrong password
        Map<String, Object> wrongKafka =
                new HashMap<>(kafka.saslSsl().orElseThrow().clientProperties(USER, "wrong"));
        wrongKafka.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        wrongKafka.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        Instant started = Instant.now();
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(wrongKafka, new StringSerializer(), new StringSerializer())) {
            AuthenticationException refused =
                    assertThrows(
                            AuthenticationException.class,
                            () -> producer.partitionsFor("call-audio"));
            assertTrue(refused.getMessage().contains("invalid credentials"), refused.getMessage());
        }
        assertFast(started, "the wrong Kafka password");

        // The registry: a wrong password, even with a long retry timeout, is a 401 at once
        started = Instant.now();
        Map<String, Object> wrongRegistry = new HashMap<>(registry.clientProperties(USER, "wrong"));
        wrongRegistry.put(AvroWireSerdeConfig.SCHEMA_REGISTRY_URL, registry.ccompatUrl());
        wrongRegistry.put(AvroWireSerdeConfig.RETRY_TIMEOUT_MS, 60_000);
        SchemaRegistryClient wrong = new AvroWireSerdeConfig(wrongRegistry).newRegistryClient();
        SchemaRegistryException refused =
                assertThrows(SchemaRegistryException.class, wrong::subjects);
        assertEquals(401, refused.httpStatus(), refused.getMessage());
        assertTrue(refused.getMessage().contains("answered HTTP 401"), refused.getMessage());
        assertFast(started, "the wrong registry password");

        // ... and a producer with it (as ./emostream produce --client-config would be) fails its
        // send, saying why
        started = Instant.now();
        try (Producer<String, AudioChunk> producer =
                producer(Map.of(AvroWireSerdeConfig.BASIC_AUTH_USER_INFO, USER + ":wrong"))) {
            SerializationException e =
                    assertThrows(
                            SerializationException.class,
                            () ->
                                    producer.send(
                                            new org.apache.kafka.clients.producer.ProducerRecord<>(
                                                    "call-audio",
                                                    "never-sent",
                                                    chunk("never-sent"))));
            assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
        }
        assertFast(started, "a producer with the wrong registry password");

        // The registry without its certificate in the truststore: a TLS failure, at once
        started = Instant.now();
        Map<String, Object> untrusted = new HashMap<>(registry.clientProperties());
        untrusted.remove(AvroWireSerdeConfig.SSL_TRUSTSTORE_LOCATION);
        untrusted.put(AvroWireSerdeConfig.SCHEMA_REGISTRY_URL, registry.ccompatUrl());
        untrusted.put(AvroWireSerdeConfig.RETRY_TIMEOUT_MS, 60_000);
        SchemaRegistryException tls =
                assertThrows(
                        SchemaRegistryException.class,
                        () -> new AvroWireSerdeConfig(untrusted).newRegistryClient().subjects());
        assertTrue(tls.isTlsFailure(), tls.getMessage());
        assertTrue(tls.getMessage().contains("TLS handshake"), tls.getMessage());
        assertFast(started, "an untrusted registry certificate");
    }

    @Test
    @Order(3)
    void aRegistryOutageMidCallDelaysButDropsAndDeadLettersNothing() throws Exception {
        CallStream inProgress = mono("outage-known-id", Profile.CALM, 60.5);
        CallStream newcomer = mono("outage-new-id", Profile.CHEERFUL, 30.5);
        Map<String, Object> patient =
                Map.of(
                        ProducerConfig.MAX_BLOCK_MS_CONFIG, 180_000,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 180_000);

        // The newcomer's producer writes the schema without the generator's Java properties:
        // another schema id,
        // registered now (its serializer is warmed with a chunk that is not sent), that the service
        // has not seen.
        Map<String, Object> stripped = new HashMap<>(serdeProperties());
        stripped.put(AvroWireSerdeConfig.REMOVE_JAVA_PROPERTIES, true);
        AvroWireSerializer<AudioChunk> newcomerSerializer = new AvroWireSerializer<>();
        newcomerSerializer.configure(stripped, false);
        int newcomerId = schemaId(newcomerSerializer.serialize("call-audio", chunk("warm-up")));
        AvroWireSerializer<AudioChunk> usual = new AvroWireSerializer<>();
        usual.configure(serdeProperties(), false);
        int usualId = schemaId(usual.serialize("call-audio", chunk("warm-up")));
        assertNotEquals(usualId, newcomerId, "the newcomer's schema needs a registry lookup");

        Instant[] registryRelaunched = {null};
        Instant[] registryStopped = {null};
        int[] readiness = {0, 0}; // answers 200, others, while the registry was away
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Producer<String, AudioChunk> known = producer(patient);
                Producer<String, AudioChunk> fresh =
                        new KafkaProducer<>(
                                producerConfig(patient),
                                new StringSerializer(),
                                newcomerSerializer)) {
            List<Future<?>> tasks = new ArrayList<>();
            tasks.add(
                    pool.submit(
                            () ->
                                    new CallAudioSender(known, "call-audio", CHUNK, false)
                                            .send(inProgress)));
            tasks.add(
                    pool.submit(
                            () -> {
                                Thread.sleep(8_000);
                                registry.stop();
                                registryStopped[0] = Instant.now();
                                Thread.sleep(2_000);
                                return new CallAudioSender(fresh, "call-audio", CHUNK, false)
                                        .send(newcomer);
                            }));
            tasks.add(
                    pool.submit(
                            () -> {
                                Thread.sleep(8_000 + OUTAGE.toMillis());
                                registryRelaunched[0] = Instant.now();
                                registry.restart(); // same port, same H2 file
                                return null;
                            }));
            tasks.add(
                    pool.submit(
                            () -> {
                                Thread.sleep(8_000);
                                while (!registry.isAlive() || registryRelaunched[0] == null) {
                                    readiness[readyStatus() == 200 ? 0 : 1]++;
                                    Thread.sleep(1_000);
                                }
                                return null;
                            }));
            for (Future<?> task : tasks) {
                task.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(registry.isAlive(), "the registry came back");

        Collected output = new Collected();
        try (OutputReader reader = reader(true)) {
            output.readUntilFinal(
                    reader,
                    List.of("outage-known-id/CUSTOMER", "outage-new-id/CUSTOMER"),
                    Duration.ofSeconds(120));
        }
        assertTrue(service.isAlive(), "the service process exited");
        output.assertExactlyOnce("outage-known-id/CUSTOMER", 20);
        output.assertExactlyOnce("outage-new-id/CUSTOMER", 10);
        Instant firstNewcomerWindow =
                output.events.stream()
                        .filter(e -> e.getCallId().equals("outage-new-id"))
                        .map(EmotionEvent::getProcessedAt)
                        .min(Instant::compareTo)
                        .orElseThrow();
        assertTrue(
                firstNewcomerWindow.isAfter(registryRelaunched[0]),
                "the newcomer's first window ("
                        + firstNewcomerWindow
                        + ") came before the registry was started again ("
                        + registryRelaunched[0]
                        + "): its schema id did not need the registry");
        assertEquals(
                0,
                LocalKafkaStackResource.committedDeadLetters(kafka, "secure-stack-it-dlq"),
                "records dead-lettered because of the outage");
        ServiceProcess.awaitReady(service.url(), Duration.ofSeconds(60), null);
        long knownWindowsWhileAway =
                output.events.stream()
                        .filter(e -> e.getCallId().equals("outage-known-id"))
                        .map(EmotionEvent::getProcessedAt)
                        .filter(
                                t ->
                                        t.isAfter(registryStopped[0])
                                                && t.isBefore(
                                                        registryRelaunched[0].plus(
                                                                registry.startupTime())))
                        .count();
        System.out.printf(
                "SecureStackIT: registry away %d ms (%d s stopped, then %d ms start-up);"
                        + " newcomer's first window %d ms after the relaunch; windows of the call in"
                        + " progress while the registry was away: %d; readiness while away: %d ready,"
                        + " %d not ready%n",
                Duration.between(registryStopped[0], registryRelaunched[0])
                        .plus(registry.startupTime())
                        .toMillis(),
                OUTAGE.toSeconds(),
                registry.startupTime().toMillis(),
                Duration.between(registryRelaunched[0], firstNewcomerWindow).toMillis(),
                knownWindowsWhileAway,
                readiness[0],
                readiness[1]);
    }

    /** Events and final statistics read so far. */
    private static final class Collected {
        final List<EmotionEvent> events = new CopyOnWriteArrayList<>();
        final Map<String, CallEmotionStats> finals = new ConcurrentHashMap<>();
        final List<String> duplicateFinals = new CopyOnWriteArrayList<>();

        void readUntilFinal(OutputReader reader, List<String> streams, Duration timeout) {
            Instant deadline = Instant.now().plus(timeout);
            while (!finals.keySet().containsAll(streams) && Instant.now().isBefore(deadline)) {
                poll(reader);
            }
            Instant settle = Instant.now().plusSeconds(3); // a duplicate would come after the final
            while (Instant.now().isBefore(settle)) {
                poll(reader);
            }
        }

        private void poll(OutputReader reader) {
            reader.poll(
                    Duration.ofMillis(500),
                    events::add,
                    stats -> {
                        String stream = stats.getCallId() + "/" + stats.getSpeaker();
                        if (stats.getFinal$() && finals.put(stream, stats) != null) {
                            duplicateFinals.add(stream);
                        }
                    });
        }

        void assertExactlyOnce(String stream, int windows) {
            assertTrue(finals.containsKey(stream), stream + ": no final statistics");
            assertTrue(!duplicateFinals.contains(stream), stream + ": two final statistics");
            List<Long> indices =
                    events.stream()
                            .filter(e -> (e.getCallId() + "/" + e.getSpeaker()).equals(stream))
                            .map(EmotionEvent::getWindowIndex)
                            .sorted()
                            .toList();
            assertEquals(
                    LongStream.range(0, windows).boxed().toList(),
                    indices,
                    stream + ": window indices (a repeat is a duplicate, a hole a loss)");
            CallEmotionStats last = finals.get(stream);
            assertEquals((long) windows, last.getWindowsTotal(), stream);
            assertEquals(0L, last.getGaps(), stream + ": gaps");
            assertEquals(0L, last.getLateChunks(), stream + ": late chunks");
        }
    }

    private static java.net.http.HttpResponse<String> get(String path) throws Exception {
        return java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create(service.url() + path))
                                .timeout(Duration.ofSeconds(5))
                                .GET()
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    private static int readyStatus() {
        try {
            return get("/q/health/ready").statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static void assertFast(Instant started, String what) {
        Duration took = Duration.between(started, Instant.now());
        assertTrue(
                took.compareTo(Duration.ofSeconds(15)) < 0,
                what + " took " + took + " to be reported");
    }

    private static Map<String, Object> serdeProperties() {
        Map<String, Object> serde = new HashMap<>(registry.clientProperties());
        serde.put(AvroWireSerdeConfig.SCHEMA_REGISTRY_URL, registry.ccompatUrl());
        serde.put(AvroWireSerdeConfig.AUTO_REGISTER_SCHEMAS, true);
        return serde;
    }

    private static Map<String, Object> producerConfig(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(kafka.clientProperties());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.putAll(extra);
        return config;
    }

    /** An AudioChunk producer with the stack's Kafka and registry settings, {@code extra} on top. */
    private static Producer<String, AudioChunk> producer(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(kafka.clientProperties());
        config.putAll(registry.clientProperties());
        config.putAll(extra);
        return CallAudioSender.newProducer(kafka.bootstrapServers(), registry.ccompatUrl(), config);
    }

    private static OutputReader reader(boolean fromBeginning) {
        Map<String, Object> extra = new HashMap<>(kafka.clientProperties());
        extra.putAll(registry.clientProperties());
        return new OutputReader(
                kafka.bootstrapServers(),
                registry.ccompatUrl(),
                List.of("call-emotions", "call-emotion-stats"),
                fromBeginning,
                extra);
    }

    private static int schemaId(byte[] wire) {
        return ByteBuffer.wrap(wire, 1, 4).getInt();
    }

    private static AudioChunk chunk(String callId) {
        return AudioChunk.newBuilder()
                .setCallId(callId)
                .setSpeaker(SpeakerRole.CUSTOMER)
                .setChannelLayout(null)
                .setSequence(0)
                .setCaptureTimestamp(Instant.now())
                .setSampleRate(16000)
                .setEncoding(AudioEncoding.PCM16LE)
                .setChannelCount(1)
                .setAudio(ByteBuffer.wrap(new byte[320]))
                .setEndOfStream(true)
                .build();
    }

    private static CallStream mono(String callId, Profile profile, double seconds) {
        return new CallStream(
                callId,
                List.of(SpeakerRole.CUSTOMER),
                16000,
                AudioEncoding.PCM16LE,
                new float[][] {
                    SyntheticSpeech.generate(profile, seconds, 16000, callId.hashCode())
                });
    }
}
