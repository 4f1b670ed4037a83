package io.emostream.serde;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/**
 * One self-contained schema per record of {@code schemas/}: every named type a record uses (enums such as
 * {@code SpeakerRole}) is written inline, so a client that takes a single schema file (Confluent's Python
 * {@code AvroProducer}, {@code kcat -s avro}, any {@code Schema.Parser} without imports) can parse it alone.
 *
 * <p>The source files stay the one definition: this only resolves their cross-file references, in whatever order
 * they need. The build runs {@link #main} in {@code process-classes} and writes {@code target/schemas/}; the
 * content is what Java producers register (the generated classes' schemas without {@code avro.java.string}).
 */
public final class SelfContainedSchemas {

    private SelfContainedSchemas() {}

    /** {@code ./emostream}'s build step: {@code SelfContainedSchemas SOURCE_DIR TARGET_DIR}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: SelfContainedSchemas SOURCE_DIR TARGET_DIR");
        }
        Path target = Path.of(args[1]);
        Files.createDirectories(target);
        for (Schema record : records(Path.of(args[0])).values()) {
            Files.writeString(
                    target.resolve(record.getName() + ".avsc"),
                    record.toString(true) + "\n",
                    StandardCharsets.UTF_8);
        }
    }

    /**
     * The record schemas of the {@code .avsc} files in {@code dir}, by full name, each self-contained. Files are
     * parsed in dependency order (a file that names a type not yet known is retried after the others).
     *
     * @throws IllegalArgumentException if some file does not parse however the files are ordered
     */
    public static Map<String, Schema> records(Path dir) {
        List<Path> pending;
        try (Stream<Path> files = Files.list(dir)) {
            pending =
                    new ArrayList<>(
                            files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list " + dir, e);
        }
        // Avro's parser keeps what a failed parse left behind, so each try starts from a fresh
        // parser that has
        // read the files known to parse, in the order they did.
        List<String> ordered = new ArrayList<>();
        Map<String, Schema> records = new LinkedHashMap<>();
        while (!pending.isEmpty()) {
            List<Path> failed = new ArrayList<>();
            RuntimeException last = null;
            for (Path file : pending) {
                String text = read(file);
                Schema.Parser parser = new Schema.Parser();
                ordered.forEach(parser::parse);
                try {
                    Schema schema = parser.parse(text);
                    ordered.add(text);
                    if (schema.getType() == Schema.Type.RECORD) {
                        records.put(schema.getFullName(), schema);
                    }
                } catch (AvroRuntimeException e) {
                    failed.add(file);
                    last = e;
                }
            }
            if (failed.size() == pending.size()) {
                throw new IllegalArgumentException(
                        "Schemas " + failed + " do not parse: " + last.getMessage(), last);
            }
            pending = failed;
        }
        return records;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file, e);
        }
    }
}
