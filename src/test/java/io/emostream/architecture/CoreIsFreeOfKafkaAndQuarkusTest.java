package io.emostream.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The core packages (docs/architecture.md) import neither Kafka nor Quarkus, so that classify, evaluate and the
 * window rule run and are tested without them. Scans the sources: any {@code org.apache.kafka} or
 * {@code io.quarkus} name in an import or written out in the code fails.
 */
class CoreIsFreeOfKafkaAndQuarkusTest {

    static final List<String> CORE = List.of("audio", "dsp", "model", "analysis");
    private static final Pattern FORBIDDEN = Pattern.compile("\\b(org\\.apache\\.kafka|io\\.quarkus)\\.");

    @Test
    void corePackagesDoNotUseKafkaOrQuarkus() throws IOException {
        List<String> offences = new ArrayList<>();
        int files = 0;
        for (String pkg : CORE) {
            Path dir = Path.of("src/main/java/io/emostream", pkg);
            assertTrue(Files.isDirectory(dir), dir + " exists");
            try (Stream<Path> sources = Files.walk(dir)) {
                for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                    files++;
                    List<String> lines = Files.readAllLines(source);
                    for (int i = 0; i < lines.size(); i++) {
                        if (FORBIDDEN.matcher(lines.get(i)).find()) {
                            offences.add(source + ":" + (i + 1) + ": " + lines.get(i).strip());
                        }
                    }
                }
            }
        }
        assertTrue(files > 20, "scanned " + files + " files");
        assertEquals(List.of(), offences);
    }

    @Test
    void theScanSeesAnImport() {
        assertTrue(FORBIDDEN.matcher("import org.apache.kafka.streams.KafkaStreams;").find());
        assertTrue(FORBIDDEN.matcher("io.quarkus.runtime.Startup x;").find());
    }
}
