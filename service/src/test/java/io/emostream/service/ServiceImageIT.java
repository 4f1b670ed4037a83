package io.emostream.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What deploy/Dockerfile copies, the packaged service under {@code service/target/quarkus-app}, holds no test kit,
 * no JMH, no dev stack and no command-line tools: only the service and the modules below it.
 */
class ServiceImageIT {

    static final Path APP = Path.of("target", "quarkus-app");
    private static final Pattern FORBIDDEN_JAR =
            Pattern.compile(
                    ".*(kafka-test-common|kafka-server|kafka_2\\.|junit|jmh|jazzer|rest-assured|emostream-devstack"
                            + "|emostream-cli|emostream-benchmarks).*");

    @Test
    void libraryHoldsNoTestKitJmhOrDevStack() throws IOException {
        List<String> jars;
        try (Stream<Path> files = Files.walk(APP.resolve("lib"))) {
            jars =
                    files.map(p -> p.getFileName().toString())
                            .filter(n -> n.endsWith(".jar"))
                            .sorted()
                            .toList();
        }
        assertTrue(
                jars.stream().anyMatch(n -> n.contains("emostream-core")),
                "the core is packaged: " + jars);
        assertTrue(
                jars.stream().anyMatch(n -> n.contains("kafka-streams")),
                "Kafka Streams is packaged: " + jars);
        assertEquals(
                List.of(), jars.stream().filter(n -> FORBIDDEN_JAR.matcher(n).matches()).toList());
    }

    @Test
    void applicationClassesAreTheServiceOnly() throws IOException {
        Path appDir = APP.resolve("app");
        List<Path> appJars;
        try (Stream<Path> files = Files.list(appDir)) {
            appJars = files.filter(p -> p.toString().endsWith(".jar")).toList();
        }
        assertEquals(1, appJars.size(), "one application jar: " + appJars);
        try (JarFile jar = new JarFile(appJars.get(0).toFile())) {
            List<String> foreign =
                    jar.stream()
                            .map(e -> e.getName())
                            .filter(n -> n.startsWith("io/emostream/") && n.endsWith(".class"))
                            .filter(
                                    n ->
                                            !n.startsWith("io/emostream/stream/")
                                                    && !n.startsWith("io/emostream/service/")
                                                    && !n.startsWith("io/emostream/dashboard/"))
                            .toList();
            assertEquals(List.of(), foreign);
        }
    }
}
