package io.emostream.dataset;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzz target for the labels CSV that {@code evaluate} reads: any file either yields rows with a file and an emotion,
 * or fails with an {@link IllegalArgumentException} naming the file and line. Seeds in {@code LabelsCsvFuzzTestInputs/}.
 */
class LabelsCsvFuzzTest {

    private static final Path CSV = createFile();

    private static Path createFile() {
        try {
            Path file = Files.createTempFile("emostream-fuzz-labels", ".csv");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void labels(byte[] bytes) throws IOException {
        Files.write(CSV, bytes);
        try {
            List<LabelsCsv.Row> rows = LabelsCsv.read(CSV, null);
            for (LabelsCsv.Row row : rows) {
                assertFalse(row.file().isBlank(), row.toString());
                assertFalse(row.emotion().isBlank(), row.toString());
            }
        } catch (IllegalArgumentException expected) {
            // a clear error naming the file and line (malformed UTF-8 is one:
            // MalformedInputException is an IOException)
        } catch (java.nio.charset.CharacterCodingException expected) {
            // not UTF-8 text
        }
    }
}
