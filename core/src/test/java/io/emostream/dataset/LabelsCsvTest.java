package io.emostream.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelsCsvTest {

    @TempDir Path dir;

    private Path csv(String text) throws IOException {
        return Files.writeString(dir.resolve("labels.csv"), text);
    }

    @Test
    void readsQuotedTrimmedFieldsSkippingExcludedRowsOtherSplitsAndBlankLines() throws IOException {
        Path csv =
                csv(
                        "\uFEFFFile, Emotion ,split,exclude,corpus\r\n"
                                + "\"a, b.wav\",angry,test,,tess\r\n"
                                + "\r\n"
                                + "  c.wav , sad ,test,\"\",savee\n"
                                + "gone.wav,sad,test,\"clipped, unusable\",tess\n"
                                + "train.wav,happy,train,,tess\n");
        assertEquals(
                List.of(
                        new LabelsCsv.Row(2, "a, b.wav", "angry", "test", "tess"),
                        new LabelsCsv.Row(4, "c.wav", "sad", "test", "savee")),
                LabelsCsv.read(csv, "test"));
        assertEquals(
                3,
                LabelsCsv.read(csv, null).size(),
                "without a split only the excluded row is dropped");
    }

    @Test
    void optionalColumnsAreNullWhenAbsent() throws IOException {
        assertEquals(
                List.of(new LabelsCsv.Row(2, "a.wav", "angry", null, null)),
                LabelsCsv.read(csv("file,emotion\na.wav,angry\n"), null));
    }

    @Test
    void malformedFilesAreNamedWithTheLineAndTheProblem() throws IOException {
        assertRejected("", "is empty (expected a header with file,emotion)", null);
        assertRejected("file,label\na.wav,angry\n", "has no 'emotion' column", null);
        assertRejected(
                "file,emotion\na.wav,angry\n",
                "--split test given but the header [file, emotion] has no " + "'split' column",
                "test");
        assertRejected(
                "file,emotion\na.wav,angry\nb.wav\n", "line 3: 1 fields, the header has 2", null);
        assertRejected("file,emotion\n,angry\n", "line 2: empty file or emotion", null);
        assertRejected("file,corpus,emotion\na.wav, ,angry\n", "line 2: empty corpus", null);
        assertRejected("file,emotion\na.wav,\"angry\n", "is not valid CSV", null);
        assertRejected("file,emotion\n\"a.wav\"x,angry\n", "is not valid CSV", null);
    }

    private void assertRejected(String text, String fragment, String split) throws IOException {
        Path csv = csv(text);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> LabelsCsv.read(csv, split));
        assertTrue(
                e.getMessage().contains(fragment) && e.getMessage().contains(csv.toString()),
                e.getMessage());
    }
}
