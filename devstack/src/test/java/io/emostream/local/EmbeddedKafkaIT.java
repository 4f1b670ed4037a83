package io.emostream.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.avro.AudioChunk;
import io.emostream.serde.AvroWireSerde;
import io.emostream.serde.AvroWireSerdeConfig;
import io.emostream.serde.SampleRecords;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The in-process KRaft broker with the real registry: Avro round trip and transactions on one node. */
class EmbeddedKafkaIT {

    private static EmbeddedKafka kafka;
    private static ApicurioRegistry registry;
    private static int fixedPort;

    @BeforeAll
    static void startInfrastructure() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            fixedPort = socket.getLocalPort();
        }
        Instant started = Instant.now();
        kafka = EmbeddedKafka.start(fixedPort);
        System.out.println(
                "Embedded Kafka ready after "
                        + Duration.between(started, Instant.now()).toMillis()
                        + " ms at "
                        + kafka.bootstrapServers());
        registry = ApicurioRegistry.start();
        System.out.println(
                "Apicurio Registry answered after " + registry.startupTime().toMillis() + " ms");
        kafka.createTopics(Map.of("call-audio", 3, "eos-check", 1));
    }

    /** The CLI prints JSON on stdout (bench, evaluate), so starting a broker must not write there. */
    @Test
    void startingABrokerWritesNothingToStdout() {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (EmbeddedKafka second = EmbeddedKafka.start()) {
            assertFalse(second.bootstrapServers().isEmpty());
        } finally {
            System.setOut(out);
        }
        assertEquals("", captured.toString(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stopInfrastructure() {
        Path dataDirectory = kafka == null ? null : kafka.dataDirectory();
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
            assertFalse(
                    Files.exists(dataDirectory),
                    "Kafka data directory not deleted: " + dataDirectory);
        }
    }

    @Test
    void brokerListensOnTheRequestedPortAndHasTheTopics() throws Exception {
        assertEquals("localhost:" + fixedPort, kafka.bootstrapServers());
        try (Admin admin = Admin.create(kafka.adminProperties())) {
            Set<String> topics = admin.listTopics().names().get();
            assertTrue(topics.containsAll(Set.of("call-audio", "eos-check")), topics.toString());
            assertEquals(
                    3,
                    admin.describeTopics(Set.of("call-audio"))
                            .allTopicNames()
                            .get()
                            .get("call-audio")
                            .partitions()
                            .size());
        }
    }

    @Test
    void audioChunksRoundTripThroughTheBrokerWithTheSerde() {
        Map<String, Object> serdeConfig =
                Map.of(AvroWireSerdeConfig.SCHEMA_REGISTRY_URL, registry.ccompatUrl());
        AvroWireSerde<AudioChunk> serde = new AvroWireSerde<>(AudioChunk.class);
        serde.configure(serdeConfig, false);

        List<AudioChunk> sent = new ArrayList<>();
        try (KafkaProducer<String, AudioChunk> producer =
                new KafkaProducer<>(
                        producerProperties(), new StringSerializer(), serde.serializer())) {
            for (int i = 0; i < 10; i++) {
                AudioChunk chunk = SampleRecords.audioChunk("call-kafka-1", i);
                sent.add(chunk);
                producer.send(new ProducerRecord<>("call-audio", chunk.getCallId(), chunk));
            }
            producer.flush();
        }

        List<ConsumerRecord<String, AudioChunk>> received =
                consume("call-audio", serde.deserializer(), records -> records.size() >= 10);
        assertEquals(10, received.size());
        // One key, so one partition, so the order is preserved.
        List<AudioChunk> values = received.stream().map(ConsumerRecord::value).toList();
        assertEquals(sent, values);
        assertTrue(received.stream().allMatch(r -> r.key().equals("call-kafka-1")));
    }

    @Test
    void transactionsCommitAndAbortOnASingleNode() {
        Properties properties = producerProperties();
        properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "emostream-eos-check");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("eos-check", "k", "committed-1"));
            producer.send(new ProducerRecord<>("eos-check", "k", "committed-2"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>("eos-check", "k", "aborted"));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>("eos-check", "k", "committed-3"));
            producer.commitTransaction();
        }

        List<String> values =
                consume(
                                "eos-check",
                                new StringDeserializer(),
                                records ->
                                        records.stream()
                                                .anyMatch(r -> r.value().equals("committed-3")))
                        .stream()
                        .map(ConsumerRecord::value)
                        .toList();
        assertEquals(List.of("committed-1", "committed-2", "committed-3"), values);
    }

    private static Properties producerProperties() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return properties;
    }

    private static <V> List<ConsumerRecord<String, V>> consume(
            String topic,
            Deserializer<V> valueDeserializer,
            Predicate<List<ConsumerRecord<String, V>>> done) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + topic);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        Instant deadline = Instant.now().plusSeconds(60);
        try (KafkaConsumer<String, V> consumer =
                new KafkaConsumer<>(properties, new StringDeserializer(), valueDeserializer)) {
            consumer.subscribe(List.of(topic));
            while (!done.test(records)) {
                assertTrue(
                        Instant.now().isBefore(deadline),
                        "timed out consuming " + topic + "; got " + records.size());
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }
}
