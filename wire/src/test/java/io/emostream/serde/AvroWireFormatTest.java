package io.emostream.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.avro.AudioChunk;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class AvroWireFormatTest {

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroWireFormat wireFormat = new AvroWireFormat(registry);

    @Test
    void headerIsMagicByteThenBigEndianIdThenPlainAvroBinary() throws IOException {
        AudioChunk chunk = SampleRecords.audioChunk("call-1", 7);
        byte[] payload = AvroWireFormat.encode(0x01020304, chunk);

        assertEquals(0x00, payload[0]);
        assertArrayEquals(new byte[] {0x01, 0x02, 0x03, 0x04}, Arrays.copyOfRange(payload, 1, 5));
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(plain, null);
        new SpecificDatumWriter<AudioChunk>(AudioChunk.class).write(chunk, encoder);
        encoder.flush();
        assertArrayEquals(plain.toByteArray(), Arrays.copyOfRange(payload, 5, payload.length));
        assertEquals(0x01020304, AvroWireFormat.schemaId(payload));
    }

    @Test
    void largestIdSurvivesTheHeader() {
        byte[] payload = AvroWireFormat.encode(Integer.MAX_VALUE, SampleRecords.emotionEvent("c"));
        assertArrayEquals(
                new byte[] {0x00, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff},
                Arrays.copyOf(payload, 5));
        assertEquals(Integer.MAX_VALUE, AvroWireFormat.schemaId(payload));
    }

    @Test
    void everyRecordTypeRoundTrips() {
        AudioChunk chunk = SampleRecords.audioChunk("call-2", 0);
        EmotionEvent event = SampleRecords.emotionEvent("call-2");
        CallEmotionStats stats = SampleRecords.callEmotionStats("call-2");

        assertEquals(
                chunk,
                wireFormat.decode(encodeRegistered("call-audio-value", chunk), AudioChunk.class));
        assertEquals(
                event,
                wireFormat.decode(
                        encodeRegistered("call-emotions-value", event), EmotionEvent.class));
        assertEquals(
                stats,
                wireFormat.decode(
                        encodeRegistered("call-emotion-stats-value", stats),
                        CallEmotionStats.class));
    }

    @Test
    void genericDecodingUsesTheWriterSchema() {
        byte[] payload =
                encodeRegistered("call-emotions-value", SampleRecords.emotionEvent("call-3"));
        GenericRecord record =
                assertInstanceOf(GenericRecord.class, wireFormat.decodeGeneric(payload));
        assertEquals("call-3", record.get("callId").toString());
        assertEquals(EmotionEvent.getClassSchema(), record.getSchema());
    }

    @Test
    void recordThatBreaksItsSchemaFailsToEncode() {
        AudioChunk chunk = SampleRecords.audioChunk("c", 0);
        chunk.setCallId(null);
        org.apache.kafka.common.errors.SerializationException e =
                assertThrows(
                        org.apache.kafka.common.errors.SerializationException.class,
                        () -> AvroWireFormat.encode(3, chunk));
        assertTrue(e.getMessage().contains("callId"), e.getMessage());
    }

    @Test
    void emptyPayload() {
        assertError(WireFormatError.EMPTY, new byte[0]);
        assertError(WireFormatError.EMPTY, null);
    }

    @Test
    void badMagicByte() {
        byte[] payload = encodeRegistered("call-audio-value", SampleRecords.audioChunk("c", 1));
        payload[0] = 0x01;
        WireFormatException e = assertError(WireFormatError.BAD_MAGIC_BYTE, payload);
        assertTrue(e.getMessage().contains("0x01"), e.getMessage());
        // plain JSON or a string is the usual culprit
        assertError(WireFormatError.BAD_MAGIC_BYTE, "{\"callId\":\"x\"}".getBytes());
    }

    @Test
    void truncatedHeaderAndTruncatedBody() {
        assertError(WireFormatError.TRUNCATED, new byte[] {0x00});
        assertError(WireFormatError.TRUNCATED, new byte[] {0x00, 0x00, 0x00, 0x01});
        byte[] payload = encodeRegistered("call-audio-value", SampleRecords.audioChunk("c", 1));
        WireFormatException body =
                assertError(WireFormatError.TRUNCATED, Arrays.copyOf(payload, payload.length - 1));
        assertEquals(OptionalInt.of(AvroWireFormat.schemaId(payload)), body.schemaId());
        assertError(
                WireFormatError.TRUNCATED, Arrays.copyOf(payload, AvroWireFormat.HEADER_LENGTH));
    }

    @Test
    void unknownSchemaId() {
        WireFormatException e =
                assertError(
                        WireFormatError.UNKNOWN_SCHEMA_ID,
                        AvroWireFormat.encode(4242, SampleRecords.audioChunk("c", 1)));
        assertEquals(OptionalInt.of(4242), e.schemaId());
    }

    @Test
    void undecodableBodies() {
        int id = registry.register("call-audio-value", AudioChunk.getClassSchema());
        // callId length as zig-zag varint 0x01 = -1: negative string length
        assertError(
                WireFormatError.UNDECODABLE,
                new byte[] {0x00, 0, 0, 0, (byte) id, 0x01, 0x41, 0x41});
        // a complete record followed by garbage
        byte[] valid = AvroWireFormat.encode(id, SampleRecords.audioChunk("c", 1));
        byte[] trailing = Arrays.copyOf(valid, valid.length + 3);
        assertError(WireFormatError.UNDECODABLE, trailing);
        // enum index 9 for speaker: SpeakerRole has 3 symbols
        byte[] badEnum = {0x00, 0, 0, 0, (byte) id, 0x02, 'c', 0x12};
        assertError(WireFormatError.UNDECODABLE, badEnum);
    }

    @Test
    void writerSchemaThatCannotBeResolvedIsUndecodable() {
        // Same record name, but callId is an int: the generated class cannot read it.
        Schema clash =
                SchemaBuilder.record("AudioChunk")
                        .namespace("io.emostream.avro")
                        .fields()
                        .requiredInt("callId")
                        .endRecord();
        int id = registry.register("call-audio-value", clash);
        GenericRecord record = new org.apache.avro.generic.GenericData.Record(clash);
        record.put("callId", 5);
        byte[] payload = AvroWireFormat.encode(id, clash, record);
        WireFormatException e =
                assertThrows(
                        WireFormatException.class,
                        () -> wireFormat.decode(payload, AudioChunk.class));
        assertEquals(WireFormatError.UNDECODABLE, e.error());
    }

    @Test
    void unreachableRegistryIsRegistryUnavailable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        SchemaRegistryClient unreachable =
                new HttpSchemaRegistryClient(
                        "http://127.0.0.1:" + closedPort, Optional.empty(), Duration.ofSeconds(2));
        byte[] payload = AvroWireFormat.encode(1, SampleRecords.audioChunk("c", 1));
        WireFormatException e =
                assertThrows(
                        WireFormatException.class,
                        () -> new AvroWireFormat(unreachable).decode(payload, AudioChunk.class));
        assertEquals(WireFormatError.REGISTRY_UNAVAILABLE, e.error());
        assertTrue(e.isRetriable());
        SchemaRegistryException cause =
                assertInstanceOf(SchemaRegistryException.class, e.getCause());
        assertEquals(SchemaRegistryException.NO_RESPONSE, cause.httpStatus());
    }

    @Test
    void serializerUsesTopicNameSubjectsAndDeserializerReadsBack() {
        Map<String, Object> config =
                Map.of(AvroWireSerdeConfig.SCHEMA_REGISTRY_URL, "http://unused.invalid");
        AvroWireSerde<AudioChunk> serde =
                AvroWireSerde.configured(AudioChunk.class, registry, config, false);
        AudioChunk chunk = SampleRecords.audioChunk("call-4", 3);
        byte[] bytes = serde.serializer().serialize("call-audio", chunk);

        assertEquals(registry.latest("call-audio-value").id(), AvroWireFormat.schemaId(bytes));
        assertEquals(chunk, serde.deserializer().deserialize("call-audio", bytes));
        assertNull(serde.serializer().serialize("call-audio", null));
        assertNull(serde.deserializer().deserialize("call-audio", null));

        AvroWireSerde<AudioChunk> keySerde =
                AvroWireSerde.configured(AudioChunk.class, registry, config, true);
        keySerde.serializer().serialize("call-audio", chunk);
        assertTrue(registry.subjects().contains("call-audio-key"));
    }

    @Test
    void deserializerFromConfigOnly() {
        int id = registry.register("call-emotions-value", EmotionEvent.getClassSchema());
        EmotionEvent event = SampleRecords.emotionEvent("call-5");
        byte[] bytes = AvroWireFormat.encode(id, event);

        AvroWireDeserializer<Object> byClassName = new AvroWireDeserializer<>(registry, null);
        byClassName.configure(
                Map.of(
                        AvroWireSerdeConfig.READER_CLASS,
                        EmotionEvent.class.getName(),
                        AvroWireSerdeConfig.SCHEMA_REGISTRY_URL,
                        "http://unused.invalid"),
                false);
        assertEquals(event, byClassName.deserialize("call-emotions", bytes));

        AvroWireDeserializer<Object> byWriterName = new AvroWireDeserializer<>(registry, null);
        byWriterName.configure(
                Map.of(
                        AvroWireSerdeConfig.SPECIFIC_AVRO_READER,
                        "true",
                        AvroWireSerdeConfig.SCHEMA_REGISTRY_URL,
                        "http://unused.invalid"),
                false);
        assertEquals(event, byWriterName.deserialize("call-emotions", bytes));

        AvroWireDeserializer<Object> generic = new AvroWireDeserializer<>(registry, null);
        generic.configure(
                Map.of(AvroWireSerdeConfig.SCHEMA_REGISTRY_URL, "http://unused.invalid"), false);
        assertInstanceOf(GenericRecord.class, generic.deserialize("call-emotions", bytes));

        WireFormatException empty =
                assertThrows(
                        WireFormatException.class,
                        () -> generic.deserialize("call-emotions", new byte[0]));
        assertEquals(WireFormatError.EMPTY, empty.error());
    }

    @Test
    void withoutAutoRegistrationAnUnregisteredSchemaFails() {
        AvroWireSerializer<AudioChunk> serializer = new AvroWireSerializer<>(registry);
        serializer.configure(
                Map.of(
                        AvroWireSerdeConfig.SCHEMA_REGISTRY_URL,
                        "http://unused.invalid",
                        AvroWireSerdeConfig.AUTO_REGISTER_SCHEMAS,
                        false),
                false);
        org.apache.kafka.common.errors.SerializationException e =
                assertThrows(
                        org.apache.kafka.common.errors.SerializationException.class,
                        () -> serializer.serialize("call-audio", SampleRecords.audioChunk("c", 0)));
        assertTrue(e.getMessage().contains("call-audio-value"), e.getMessage());

        int id = registry.register("call-audio-value", AudioChunk.getClassSchema());
        assertEquals(
                id,
                AvroWireFormat.schemaId(
                        serializer.serialize("call-audio", SampleRecords.audioChunk("c", 0))));
    }

    @Test
    void javaPropertiesAreKeptByDefaultAndRemovedOnRequest() {
        AvroWireSerializer<EmotionEvent> keeping = new AvroWireSerializer<>(registry);
        keeping.configure(
                Map.of(AvroWireSerdeConfig.SCHEMA_REGISTRY_URL, "http://unused.invalid"), false);
        int keptId =
                AvroWireFormat.schemaId(keeping.serialize("kept", SampleRecords.emotionEvent("c")));
        assertTrue(
                registry.schemaById(keptId).toString().contains(JavaSchemaProperties.JAVA_STRING));

        AvroWireSerializer<EmotionEvent> removing = new AvroWireSerializer<>(registry);
        removing.configure(
                Map.of(
                        AvroWireSerdeConfig.SCHEMA_REGISTRY_URL,
                        "http://unused.invalid",
                        AvroWireSerdeConfig.REMOVE_JAVA_PROPERTIES,
                        "true"),
                false);
        EmotionEvent event = SampleRecords.emotionEvent("c");
        byte[] bytes = removing.serialize("removed", event);
        Schema registered = registry.schemaById(AvroWireFormat.schemaId(bytes));
        assertTrue(
                !registered.toString().contains(JavaSchemaProperties.JAVA_STRING),
                registered.toString());
        assertEquals(JavaSchemaProperties.strip(EmotionEvent.getClassSchema()), registered);
        assertEquals(event, wireFormat.decode(bytes, EmotionEvent.class));
    }

    @Test
    void onlyTopicNameStrategyIsAccepted() {
        AvroWireSerializer<AudioChunk> serializer = new AvroWireSerializer<>(registry);
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () ->
                                serializer.configure(
                                        Map.of(
                                                AvroWireSerdeConfig.SCHEMA_REGISTRY_URL,
                                                "http://unused.invalid",
                                                AvroWireSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
                                                "io.confluent.kafka.serializers.subject.RecordNameStrategy"),
                                        false));
        assertTrue(e.getMessage().contains("RecordNameStrategy"), e.getMessage());
        serializer.configure(
                Map.of(
                        AvroWireSerdeConfig.SCHEMA_REGISTRY_URL,
                        "http://unused.invalid",
                        AvroWireSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
                        "io.confluent.kafka.serializers.subject.TopicNameStrategy"),
                false);
        assertThrows(
                ConfigException.class,
                () -> new AvroWireSerializer<AudioChunk>().configure(Map.of(), false));
    }

    private byte[] encodeRegistered(
            String subject, org.apache.avro.specific.SpecificRecord record) {
        return AvroWireFormat.encode(registry.register(subject, record.getSchema()), record);
    }

    private WireFormatException assertError(WireFormatError expected, byte[] payload) {
        WireFormatException e =
                assertThrows(
                        WireFormatException.class,
                        () -> wireFormat.decode(payload, AudioChunk.class));
        assertEquals(expected, e.error(), e.getMessage());
        assertTrue(e.getMessage().startsWith(expected.name()), e.getMessage());
        return e;
    }
}
