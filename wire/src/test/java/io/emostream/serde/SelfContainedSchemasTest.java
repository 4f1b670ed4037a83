package io.emostream.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.avro.AudioChunk;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfContainedSchemasTest {

    private static final Path SOURCES = Path.of("schemas");

    @Test
    void everyRecordParsesAloneAndIsWhatJavaProducersRegister() throws Exception {
        Map<String, Schema> records = SelfContainedSchemas.records(SOURCES);
        assertTrue(
                records.keySet()
                        .containsAll(
                                Set.of(
                                        "io.emostream.avro.AudioChunk",
                                        "io.emostream.avro.EmotionEvent",
                                        "io.emostream.avro.CallEmotionStats")),
                records.keySet().toString());
        for (SpecificRecordBase generated :
                new SpecificRecordBase[] {
                    new AudioChunk(), new EmotionEvent(), new CallEmotionStats()
                }) {
            Schema registered = JavaSchemaProperties.strip(generated.getSchema());
            Schema selfContained = records.get(registered.getFullName());
            // a fresh parser, no imports: the text alone defines every type it uses
            Schema alone = new Schema.Parser().parse(selfContained.toString(true));
            assertEquals(registered, alone, registered.getFullName());
        }
    }

    @Test
    void mainWritesOneFilePerRecord(@TempDir Path out) throws Exception {
        SelfContainedSchemas.main(new String[] {SOURCES.toString(), out.toString()});
        Schema chunk = new Schema.Parser().parse(Files.readString(out.resolve("AudioChunk.avsc")));
        assertEquals("io.emostream.avro.AudioChunk", chunk.getFullName());
        assertEquals(
                Schema.Type.ENUM,
                chunk.getField("speaker").schema().getType(),
                "SpeakerRole written inline");
        assertTrue(
                Files.notExists(out.resolve("SpeakerRole.avsc")),
                "named types alone are not records");
    }

    @Test
    void aReferenceNoFileDefinesIsAClearError(@TempDir Path dir) throws Exception {
        Files.writeString(
                dir.resolve("A.avsc"),
                """
                {"type": "record", "name": "A", "namespace": "x", "fields": [{"name": "b", "type": "x.Missing"}]}""");
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> SelfContainedSchemas.records(dir));
        assertTrue(e.getMessage().contains("A.avsc"), e.getMessage());
    }
}
