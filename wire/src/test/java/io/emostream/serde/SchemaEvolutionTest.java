package io.emostream.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.avro.AlertEvent;
import io.emostream.avro.AlertType;
import io.emostream.avro.AudioChunk;
import io.emostream.avro.AudioEncoding;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import io.emostream.avro.SpeakerRole;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaValidationException;
import org.apache.avro.SchemaValidator;
import org.apache.avro.SchemaValidatorBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The evolution rules of {@code schemas/README.md}, checked with Avro's own compatibility checker and with
 * real bytes in both directions: today's reader reads records of the previous version
 * ({@code wire/src/test/resources/schemas/v0}) and of a hypothetical next version ({@code schemas/future}), and a
 * v0 reader reads today's records.
 */
class SchemaEvolutionTest {

    private static final Map<String, Schema> CURRENT =
            Map.of(
                    "AudioChunk", AudioChunk.getClassSchema(),
                    "EmotionEvent", EmotionEvent.getClassSchema(),
                    "CallEmotionStats", CallEmotionStats.getClassSchema());

    /** Records first published after v0: no previous version yet, checked against their {@code future} version. */
    private static final Map<String, Schema> NEW_SINCE_V0 =
            Map.of("AlertEvent", AlertEvent.getClassSchema());

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroWireFormat wireFormat = new AvroWireFormat(registry);

    @Test
    void currentAndPreviousVersionReadEachOther() {
        for (Map.Entry<String, Schema> entry : CURRENT.entrySet()) {
            Schema current = entry.getValue();
            Schema v0 = testSchema("v0", entry.getKey());
            assertCompatible(
                    current, v0, entry.getKey() + ": current reader, v0 writer (BACKWARD)");
            assertCompatible(v0, current, entry.getKey() + ": v0 reader, current writer (FORWARD)");
        }
    }

    @Test
    void currentSchemasAreBackwardTransitive() throws SchemaValidationException {
        SchemaValidator backwardTransitive =
                new SchemaValidatorBuilder().canReadStrategy().validateAll();
        for (Map.Entry<String, Schema> entry : CURRENT.entrySet()) {
            // validateAll takes the existing versions newest first
            backwardTransitive.validate(
                    entry.getValue(), List.of(testSchema("v0", entry.getKey())));
        }
        backwardTransitive.validate(
                testSchema("future", "AudioChunk"),
                List.of(AudioChunk.getClassSchema(), testSchema("v0", "AudioChunk")));
    }

    @Test
    void todaysReaderReadsPreviousVersionBytesWithDefaults() {
        Schema v0 = testSchema("v0", "AudioChunk");
        AudioChunk expected = SampleRecords.audioChunk("call-evo-1", 4);
        GenericRecord old = SampleRecords.readAs(expected, v0);
        byte[] payload = AvroWireFormat.encode(registry.register("call-audio-value", v0), v0, old);

        AudioChunk read = wireFormat.decode(payload, AudioChunk.class);
        assertNull(read.getChannelLayout(), "field missing in v0 takes its default");
        expected.setChannelLayout(null);
        assertEquals(expected, read);

        Schema statsV0 = testSchema("v0", "CallEmotionStats");
        CallEmotionStats stats = SampleRecords.callEmotionStats("call-evo-1");
        byte[] statsPayload =
                AvroWireFormat.encode(
                        registry.register("call-emotion-stats-value", statsV0),
                        statsV0,
                        SampleRecords.readAs(stats, statsV0));
        CallEmotionStats readStats = wireFormat.decode(statsPayload, CallEmotionStats.class);
        assertEquals(0L, readStats.getLateChunks());
        assertEquals(0L, readStats.getTalkMs(), "conversation metrics missing in v0 take 0");
        assertEquals(0L, readStats.getSilenceMs());
        assertEquals(0L, readStats.getOverTalkMs());
        assertEquals(0L, readStats.getTurns());
        assertNull(readStats.getValenceTrend());
        assertEquals(stats.getLabelCounts(), readStats.getLabelCounts());
    }

    @Test
    void previousVersionReaderReadsTodaysBytes() throws IOException {
        Schema v0 = testSchema("v0", "EmotionEvent");
        EmotionEvent event = SampleRecords.emotionEvent("call-evo-2");
        byte[] current = avroBinary(event);

        GenericRecord old =
                new GenericDatumReader<GenericRecord>(EmotionEvent.getClassSchema(), v0)
                        .read(null, DecoderFactory.get().binaryDecoder(current, null));
        assertEquals(v0, old.getSchema());
        assertEquals("call-evo-2", old.get("callId").toString());
        assertEquals(event.getValence(), old.get("valence"));
        assertEquals(event.getProcessedAt().toEpochMilli(), old.get("processedAt"));
        assertFalse(old.hasField("arousal"), "v0 never knew arousal; it is skipped");
    }

    @Test
    void unknownSpeakerSymbolFromANewerProducerReadsAsUnknown() {
        Schema future = testSchema("future", "AudioChunk");
        GenericRecord newer =
                SampleRecords.readAs(SampleRecords.audioChunk("call-evo-3", 0), future);
        Schema speakerSchema = future.getField("speaker").schema();
        newer.put("speaker", new GenericData.EnumSymbol(speakerSchema, "SUPERVISOR"));
        newer.put("codecParameters", Map.of("ptime", "20"));
        byte[] payload =
                AvroWireFormat.encode(registry.register("call-audio-value", future), future, newer);

        AudioChunk read = wireFormat.decode(payload, AudioChunk.class);
        assertEquals(SpeakerRole.UNKNOWN, read.getSpeaker());
        assertEquals(List.of(SpeakerRole.AGENT, SpeakerRole.CUSTOMER), read.getChannelLayout());
        assertCompatible(AudioChunk.getClassSchema(), future, "current reader, future writer");
    }

    @Test
    void alertEventAndItsNextVersionReadEachOther() throws IOException, SchemaValidationException {
        Schema future = testSchema("future", "AlertEvent");
        assertCompatible(
                future,
                AlertEvent.getClassSchema(),
                "AlertEvent: future reader, current writer (BACKWARD)");
        assertCompatible(
                AlertEvent.getClassSchema(),
                future,
                "AlertEvent: current reader, future writer (FORWARD)");
        new SchemaValidatorBuilder()
                .canReadStrategy()
                .validateAll()
                .validate(future, List.of(AlertEvent.getClassSchema()));

        // A newer producer's alert type reads as UNKNOWN; its new field is skipped.
        AlertEvent alert = SampleRecords.alertEvent("call-evo-5");
        GenericRecord newer = SampleRecords.readAs(alert, future);
        assertEquals(
                1, newer.get("severity"), "field missing in today's records takes its default");
        newer.put(
                "type",
                new GenericData.EnumSymbol(future.getField("type").schema(), "LONG_SILENCE"));
        newer.put("severity", 3);
        byte[] payload =
                AvroWireFormat.encode(
                        registry.register("call-emotion-alerts-value", future), future, newer);
        AlertEvent read = wireFormat.decode(payload, AlertEvent.class);
        assertEquals(AlertType.UNKNOWN, read.getType());
        alert.setType(AlertType.UNKNOWN);
        assertEquals(alert, read);

        // ...and a future reader reads today's bytes with the new field's default.
        GenericRecord fromToday =
                new GenericDatumReader<GenericRecord>(AlertEvent.getClassSchema(), future)
                        .read(
                                null,
                                DecoderFactory.get()
                                        .binaryDecoder(
                                                avroBinary(SampleRecords.alertEvent("call-evo-6")),
                                                null));
        assertEquals("ESCALATION_STARTED", fromToday.get("type").toString());
        assertEquals(1, fromToday.get("severity"));
    }

    @Test
    void rulesCatchWhatWouldBreakReaders() {
        Schema current = AudioChunk.getClassSchema();

        // Adding a field without a default: the new reader cannot read old records.
        Schema addedRequired =
                withFields(
                        current,
                        List.of(new Schema.Field("site", Schema.create(Schema.Type.STRING))),
                        Set.of());
        assertIncompatible(addedRequired, current, "new field without default");

        // Removing a field that has no default: old readers cannot read new records.
        Schema removedRequired = withFields(current, List.of(), Set.of("sampleRate"));
        assertIncompatible(current, removedRequired, "removed field without default");

        // Renaming without an alias breaks old records; the alias makes the rename readable.
        Schema renamed = renameField(current, "sequence", "seq", false);
        assertIncompatible(renamed, current, "rename without alias");
        assertCompatible(
                renameField(current, "sequence", "seq", true), current, "rename with alias");

        // Changing a field's type other than by Avro promotion.
        Schema sampleRateAsString =
                withFields(
                        withFields(current, List.of(), Set.of("sampleRate")),
                        List.of(new Schema.Field("sampleRate", Schema.create(Schema.Type.STRING))),
                        Set.of());
        assertIncompatible(sampleRateAsString, current, "int to string");
    }

    @Test
    void enumSymbolsNeedTheDefaultForOldReaders() {
        Schema speakerV1 = SpeakerRole.getClassSchema();
        Schema speakerV2 =
                Schema.createEnum(
                        "SpeakerRole",
                        null,
                        "io.emostream.avro",
                        List.of("CUSTOMER", "AGENT", "UNKNOWN", "SUPERVISOR"),
                        "UNKNOWN");
        assertCompatible(
                speakerV1, speakerV2, "SpeakerRole: old reader, new symbol (default UNKNOWN)");

        // AudioEncoding has no default on purpose: a reader that does not know an encoding cannot
        // decode the
        // audio, so the record must fail (and be dead-lettered) rather than be read as some other
        // encoding.
        Schema encodingV1 = AudioEncoding.getClassSchema();
        assertNull(encodingV1.getEnumDefault());
        Schema encodingV2 =
                Schema.createEnum(
                        "AudioEncoding",
                        null,
                        "io.emostream.avro",
                        List.of("PCM16LE", "FLOAT32LE", "MULAW", "ALAW", "OPUS"));
        assertCompatible(
                encodingV2, encodingV1, "AudioEncoding: new reader, old writer (BACKWARD)");
        assertIncompatible(encodingV1, encodingV2, "AudioEncoding: old reader, new symbol");

        // ...and a real old reader fails on the new symbol, which the serde reports as UNDECODABLE.
        Schema chunkV2 = replaceFieldType(AudioChunk.getClassSchema(), "encoding", encodingV2);
        GenericRecord record =
                SampleRecords.readAs(SampleRecords.audioChunk("call-evo-4", 0), chunkV2);
        record.put("encoding", new GenericData.EnumSymbol(encodingV2, "OPUS"));
        byte[] payload =
                AvroWireFormat.encode(
                        registry.register("call-audio-value", chunkV2), chunkV2, record);
        WireFormatException e =
                assertThrows(
                        WireFormatException.class,
                        () -> wireFormat.decode(payload, AudioChunk.class));
        assertEquals(WireFormatError.UNDECODABLE, e.error());

        // Removing a symbol: records that carry it no longer read (default aside), so symbols are
        // never removed.
        Schema fewerSymbols =
                Schema.createEnum(
                        "AudioEncoding",
                        null,
                        "io.emostream.avro",
                        List.of("PCM16LE", "FLOAT32LE", "MULAW"));
        assertIncompatible(fewerSymbols, encodingV1, "AudioEncoding: symbol removed");
    }

    @Test
    void schemaFilesFollowTheRules() throws IOException {
        List<Schema> records = new ArrayList<>();
        Schema.Parser parser = new Schema.Parser();
        // Shared named types first, as the avro-maven-plugin imports them.
        parser.parse(Paths.get("schemas", "SpeakerRole.avsc").toFile());
        parser.parse(Paths.get("schemas", "AudioEncoding.avsc").toFile());
        parser.parse(Paths.get("schemas", "AlertType.avsc").toFile());
        Set<String> sharedTypes = Set.of("SpeakerRole", "AudioEncoding", "AlertType");
        Map<String, Schema> covered = new java.util.HashMap<>(CURRENT);
        covered.putAll(NEW_SINCE_V0);
        try (DirectoryStream<Path> files =
                Files.newDirectoryStream(Paths.get("schemas"), "*.avsc")) {
            for (Path file : files) {
                String name = file.getFileName().toString().replace(".avsc", "");
                if (!sharedTypes.contains(name)) {
                    records.add(parser.parse(file.toFile()));
                }
            }
        }
        assertEquals(
                covered.keySet().size(),
                records.size(),
                "every record schema is covered by this test");
        for (Schema record : records) {
            assertEquals(
                    JavaSchemaProperties.strip(covered.get(record.getName())),
                    record,
                    record.getName()
                            + ": generated class matches schemas/ (apart from avro.java.string)");
            for (Schema.Field field : record.getFields()) {
                Schema type = field.schema();
                if (type.isNullable()) {
                    assertEquals(
                            Schema.Type.NULL,
                            type.getTypes().get(0).getType(),
                            record.getName()
                                    + "."
                                    + field.name()
                                    + ": null comes first in an optional union");
                    assertTrue(
                            field.hasDefaultValue()
                                    && field.defaultVal()
                                            == org.apache.avro.JsonProperties.NULL_VALUE,
                            record.getName()
                                    + "."
                                    + field.name()
                                    + ": optional field defaults to null");
                }
                if (type.getType() == Schema.Type.ENUM && !type.getName().equals("AudioEncoding")) {
                    assertTrue(
                            type.getEnumDefault() != null,
                            type.getFullName() + " has a default symbol");
                }
            }
        }
    }

    private static void assertCompatible(Schema reader, Schema writer, String what) {
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        assertEquals(
                SchemaCompatibilityType.COMPATIBLE,
                result.getType(),
                what + ": " + result.getDescription());
    }

    private static void assertIncompatible(Schema reader, Schema writer, String what) {
        assertEquals(
                SchemaCompatibilityType.INCOMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType(),
                what);
    }

    private static Schema testSchema(String version, String name) {
        String resource = "/schemas/" + version + "/" + name + ".avsc";
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing test schema " + resource);
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] avroBinary(SpecificRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** A copy of {@code base} without {@code removed} and with {@code added} appended. */
    private static Schema withFields(Schema base, List<Schema.Field> added, Set<String> removed) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : base.getFields()) {
            if (!removed.contains(field.name())) {
                fields.add(new Schema.Field(field, field.schema()));
            }
        }
        fields.addAll(added);
        return Schema.createRecord(
                base.getName(), base.getDoc(), base.getNamespace(), false, fields);
    }

    private static Schema renameField(Schema base, String from, String to, boolean alias) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : base.getFields()) {
            if (field.name().equals(from)) {
                Schema.Field renamed =
                        new Schema.Field(
                                to,
                                field.schema(),
                                field.doc(),
                                field.hasDefaultValue() ? field.defaultVal() : null);
                if (alias) {
                    renamed.addAlias(from);
                }
                fields.add(renamed);
            } else {
                fields.add(new Schema.Field(field, field.schema()));
            }
        }
        return Schema.createRecord(
                base.getName(), base.getDoc(), base.getNamespace(), false, fields);
    }

    private static Schema replaceFieldType(Schema base, String name, Schema type) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : base.getFields()) {
            fields.add(
                    field.name().equals(name)
                            ? new Schema.Field(field.name(), type, field.doc())
                            : new Schema.Field(field, field.schema()));
        }
        return Schema.createRecord(
                base.getName(), base.getDoc(), base.getNamespace(), false, fields);
    }
}
