package io.emostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.emostream.analysis.TestSignals;
import io.emostream.local.ProjectHome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./emostream} launcher itself, as a user runs it: the packaged class path and the shipped model.
 *
 * <p>ONNX Runtime 1.29's native library crashes (SIGSEGV, exit 139) in a JVM whose command line is longer than about
 * 4 KB. {@code classify} over a few hundred files used to hit that limit through its own arguments; the launcher now
 * passes long arguments in a java argfile.
 */
class LauncherIT {

    private static final int FILES = 300;

    @TempDir Path dir;

    @Test
    void classifiesHundredsOfFilesWhoseNamesMakeACommandLineFarOver4Kb() throws Exception {
        List<String> command = new ArrayList<>(List.of(launcher(), "classify"));
        int commandLineBytes = 0;
        for (int i = 0; i < FILES; i++) {
            // a space, a quote and a backslash in one name: the argfile must carry them verbatim
            String name =
                    i == 0
                            ? "with space \"quoted\" back\\slash.wav"
                            : "a-longer-file-name-of-the-batch-%03d.wav".formatted(i);
            Path wav =
                    TestSignals.writeWav(
                            dir.resolve(name), 16000, TestSignals.speechLike(1.5, 16000, i));
            command.add(wav.toString());
            commandLineBytes += wav.toString().length() + 1;
        }
        assertTrue(commandLineBytes > 4 * 4096, "the test's command line must be far over 4 KB");

        Path out = dir.resolve("out.jsonl");
        Process process =
                new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(dir.resolve("err.txt").toFile())
                        .start();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "classify did not finish in 5 minutes");
        String err = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), err);

        Set<String> files = new HashSet<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            JsonNode window = Json.MAPPER.readTree(line);
            files.add(window.get("file").asText());
        }
        assertEquals(FILES, files.size(), "one window per 1.5-s file, every file classified");
        assertTrue(
                files.stream().anyMatch(f -> f.endsWith("with space \"quoted\" back\\slash.wav")),
                files.toString());
    }

    private static String launcher() {
        return ProjectHome.resolve("emostream").toString();
    }
}
