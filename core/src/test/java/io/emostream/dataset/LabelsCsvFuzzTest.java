package io.emostream.dataset;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzz target for the labels CSV that {@code evaluate} reads ({@link LabelsCsv#read} is {@link LabelsCsv#parse} on
 * the file's bytes): any file either yields rows with a file and an emotion, or fails with an
 * {@link IllegalArgumentException} naming the file and line, or a character-coding error when it is not UTF-8; any
 * other exception is a finding. Seeds in {@code LabelsCsvFuzzTestInputs/}.
 */
class LabelsCsvFuzzTest {

    /** Only names the input in error messages: the bytes go to {@link LabelsCsv#parse}, not through a file. */
    private static final Path CSV = Path.of("fuzz-labels.csv");

    @FuzzTest(maxDuration = "30s")
    void labels(byte[] bytes) throws IOException {
        try {
            List<LabelsCsv.Row> rows = LabelsCsv.parse(bytes, CSV, null);
            for (LabelsCsv.Row row : rows) {
                assertFalse(row.file().isBlank(), row.toString());
                assertFalse(row.emotion().isBlank(), row.toString());
            }
        } catch (IllegalArgumentException expected) {
            // a clear error naming the file and line
        } catch (CharacterCodingException expected) {
            // not UTF-8 text
        }
    }
}
