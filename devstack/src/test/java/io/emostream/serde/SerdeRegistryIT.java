package io.emostream.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emostream.avro.AudioChunk;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import io.emostream.local.ApicurioRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The serde and registry client against a real Apicurio Registry child process. */
class SerdeRegistryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static ApicurioRegistry apicurio;
    private static Map<String, Object> serdeConfig;

    @BeforeAll
    static void startRegistry() {
        apicurio = ApicurioRegistry.start(0, Duration.ofMinutes(3));
        System.out.println(
                "Apicurio Registry answered after "
                        + apicurio.startupTime().toMillis()
                        + " ms on port "
                        + apicurio.port()
                        + " (log "
                        + apicurio.logFile()
                        + ")");
        serdeConfig = Map.of(AvroWireSerdeConfig.SCHEMA_REGISTRY_URL, apicurio.ccompatUrl());
    }

    @AfterAll
    static void stopRegistry() {
        if (apicurio != null) {
            apicurio.close();
            assertTrue(!apicurio.isAlive(), "registry process still alive after close");
        }
    }

    @Test
    void everyRecordTypeAutoRegistersAndRoundTrips() throws Exception {
        assertRoundTrip("call-audio", SampleRecords.audioChunk("call-it-1", 0), AudioChunk.class);
        assertRoundTrip(
                "call-emotions", SampleRecords.emotionEvent("call-it-1"), EmotionEvent.class);
        assertRoundTrip(
                "call-emotion-stats",
                SampleRecords.callEmotionStats("call-it-1"),
                CallEmotionStats.class);
        assertRoundTrip(
                "call-emotion-alerts",
                SampleRecords.alertEvent("call-it-1"),
                io.emostream.avro.AlertEvent.class);
    }

    private <T extends SpecificRecord> void assertRoundTrip(String topic, T record, Class<T> type)
            throws Exception {
        AvroWireSerializer<T> serializer = new AvroWireSerializer<>();
        serializer.configure(serdeConfig, false);
        byte[] bytes = serializer.serialize(topic, record);
        int id = AvroWireFormat.schemaId(bytes);

        // The id in the header is the one the registry itself reports for the subject and maps to
        // our schema.
        JsonNode latest = get("/subjects/" + topic + "-value/versions/latest");
        assertEquals(id, latest.get("id").asInt(), latest.toString());
        assertEquals(1, latest.get("version").asInt(), latest.toString());
        Schema registered =
                new Schema.Parser().parse(get("/schemas/ids/" + id).get("schema").asText());
        assertEquals(record.getSchema(), registered);

        // Serializing again reuses the id without registering a second version.
        assertEquals(id, AvroWireFormat.schemaId(serializer.serialize(topic, record)));
        assertEquals(1, get("/subjects/" + topic + "-value/versions").size());

        AvroWireDeserializer<T> deserializer = new AvroWireDeserializer<>();
        deserializer.configure(
                Map.of(
                        AvroWireSerdeConfig.SCHEMA_REGISTRY_URL,
                        apicurio.ccompatUrl(),
                        AvroWireSerdeConfig.READER_CLASS,
                        type.getName()),
                false);
        assertEquals(record, deserializer.deserialize(topic, bytes));
    }

    @Test
    void unknownSchemaIdIsReportedAsSuch() {
        AvroWireDeserializer<AudioChunk> deserializer =
                new AvroWireDeserializer<>(null, AudioChunk.class);
        deserializer.configure(serdeConfig, false);
        byte[] payload = AvroWireFormat.encode(987_654, SampleRecords.audioChunk("call-it-2", 0));
        WireFormatException e =
                assertThrows(
                        WireFormatException.class,
                        () -> deserializer.deserialize("call-audio", payload));
        assertEquals(WireFormatError.UNKNOWN_SCHEMA_ID, e.error(), e.getMessage());
        SchemaRegistryException cause = (SchemaRegistryException) e.getCause();
        assertEquals(404, cause.httpStatus());
    }

    @Test
    void compatibilityRuleRejectsAnIncompatibleSchema() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(apicurio.ccompatUrl());
        String subject = "compat-check-value";
        Schema current = AudioChunk.getClassSchema();
        int firstId = client.register(subject, current);
        client.setCompatibility(subject, CompatibilityLevel.BACKWARD);
        assertEquals(Optional.of(CompatibilityLevel.BACKWARD), client.compatibility(subject));

        // A new field without a default: the new schema cannot read old records, so BACKWARD
        // forbids it.
        Schema incompatible =
                withExtraField(current, "extra", SchemaBuilder.builder().stringType(), null);
        assertTrue(!client.isCompatibleWithLatest(subject, incompatible));
        SchemaRegistryException rejected =
                assertThrows(
                        SchemaRegistryException.class,
                        () -> client.register(subject, incompatible));
        assertTrue(rejected.isIncompatible(), rejected.getMessage());
        assertEquals(409, rejected.httpStatus());

        // The same field with a default is allowed, gets a new id, and today's reader still reads
        // its records.
        Schema compatible =
                withExtraField(current, "extra", SchemaBuilder.builder().stringType(), "none");
        assertTrue(client.isCompatibleWithLatest(subject, compatible));
        int secondId = client.register(subject, compatible);
        assertNotEquals(firstId, secondId);
        assertEquals(secondId, client.latest(subject).id());
        assertEquals(2, client.latest(subject).version());

        AudioChunk chunk = SampleRecords.audioChunk("call-it-3", 5);
        GenericRecord newer = SampleRecords.readAs(chunk, compatible);
        newer.put("extra", "something new");
        byte[] payload = AvroWireFormat.encode(secondId, compatible, newer);
        assertEquals(chunk, new AvroWireFormat(client).decode(payload, AudioChunk.class));

        // The level schemas/README.md prescribes is accepted and enforced too.
        client.setCompatibility(subject, CompatibilityLevel.BACKWARD_TRANSITIVE);
        assertEquals(
                Optional.of(CompatibilityLevel.BACKWARD_TRANSITIVE), client.compatibility(subject));
        Schema stillIncompatible =
                withExtraField(
                        compatible, "extraRequired", SchemaBuilder.builder().longType(), null);
        assertTrue(
                assertThrows(
                                SchemaRegistryException.class,
                                () -> client.register(subject, stillIncompatible))
                        .isIncompatible());
    }

    @Test
    void withoutAutoRegistrationTheSerializerLooksTheSchemaUp() {
        AvroWireSerializer<EmotionEvent> serializer = new AvroWireSerializer<>();
        serializer.configure(
                Map.of(
                        AvroWireSerdeConfig.SCHEMA_REGISTRY_URL,
                        apicurio.ccompatUrl(),
                        AvroWireSerdeConfig.AUTO_REGISTER_SCHEMAS,
                        "false"),
                false);
        SerializationException missing =
                assertThrows(
                        SerializationException.class,
                        () ->
                                serializer.serialize(
                                        "unregistered-topic", SampleRecords.emotionEvent("c")));
        assertTrue(missing.getMessage().contains("unregistered-topic-value"), missing.getMessage());

        int id =
                new HttpSchemaRegistryClient(apicurio.ccompatUrl())
                        .register("preregistered-value", EmotionEvent.getClassSchema());
        assertEquals(
                id,
                AvroWireFormat.schemaId(
                        serializer.serialize("preregistered", SampleRecords.emotionEvent("c"))));

        AvroWireSerializer<EmotionEvent> latest = new AvroWireSerializer<>();
        latest.configure(
                Map.of(
                        AvroWireSerdeConfig.SCHEMA_REGISTRY_URL,
                        apicurio.ccompatUrl(),
                        AvroWireSerdeConfig.AUTO_REGISTER_SCHEMAS,
                        false,
                        AvroWireSerdeConfig.USE_LATEST_VERSION,
                        true),
                false);
        assertEquals(
                id,
                AvroWireFormat.schemaId(
                        latest.serialize("preregistered", SampleRecords.emotionEvent("c"))));
    }

    @Test
    void withoutJavaPropertiesTheRegisteredSchemaIsTheContractFile() throws Exception {
        AvroWireSerializer<AudioChunk> serializer = new AvroWireSerializer<>();
        serializer.configure(
                Map.of(
                        AvroWireSerdeConfig.SCHEMA_REGISTRY_URL,
                        apicurio.ccompatUrl(),
                        AvroWireSerdeConfig.REMOVE_JAVA_PROPERTIES,
                        true),
                false);
        AudioChunk chunk = SampleRecords.audioChunk("call-it-4", 0);
        byte[] bytes = serializer.serialize("contract-audio", chunk);

        Schema.Parser parser = new Schema.Parser();
        parser.parse(java.nio.file.Paths.get("schemas", "SpeakerRole.avsc").toFile());
        parser.parse(java.nio.file.Paths.get("schemas", "AudioEncoding.avsc").toFile());
        Schema contract =
                parser.parse(java.nio.file.Paths.get("schemas", "AudioChunk.avsc").toFile());
        Schema registered =
                new Schema.Parser()
                        .parse(
                                get("/schemas/ids/" + AvroWireFormat.schemaId(bytes))
                                        .get("schema")
                                        .asText());
        assertEquals(contract, registered);
        assertEquals(
                chunk,
                new AvroWireFormat(new HttpSchemaRegistryClient(apicurio.ccompatUrl()))
                        .decode(bytes, AudioChunk.class));
    }

    private static Schema withExtraField(
            Schema base, String name, Schema type, Object defaultValue) {
        Schema copy =
                Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false);
        java.util.List<Schema.Field> fields = new java.util.ArrayList<>();
        for (Schema.Field field : base.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        fields.add(
                defaultValue == null
                        ? new Schema.Field(name, type, "test field")
                        : new Schema.Field(name, type, "test field", defaultValue));
        copy.setFields(fields);
        return copy;
    }

    private static JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(apicurio.ccompatUrl() + path))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return JSON.readTree(response.body());
    }
}
