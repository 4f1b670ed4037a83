package io.emostream.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The layering of docs/architecture.md, enforced. Maven itself refuses a cycle between modules; this test refuses
 * the rest: a module depending on one it must not (a lower module on a higher one, or the service on the dev
 * stack outside test scope, which would put the test kit into the image), and the core using Kafka or Quarkus, in
 * its sources or through its class path.
 */
class ModuleLayeringTest {

    /** Every module and the emostream modules it may depend on, outside test scope and in test scope. */
    static final Map<String, Allowed> LAYERS =
            Map.of(
                    "core", new Allowed(Set.of(), Set.of()),
                    "wire", new Allowed(Set.of(), Set.of()),
                    "devstack", new Allowed(Set.of("core", "wire"), Set.of("core", "wire")),
                    "service",
                            new Allowed(Set.of("core", "wire"), Set.of("core", "wire", "devstack")),
                    "cli",
                            new Allowed(
                                    Set.of("core", "wire", "devstack", "service"), Set.of("core")),
                    "benchmarks", new Allowed(Set.of("core"), Set.of()));

    record Allowed(Set<String> main, Set<String> test) {}

    /**
     * Every package of the core ({@code io.emostream.*}) and the other core packages its main sources may import:
     * the lower ones know nothing of the higher ones (the signal layers of audio and dsp know no model, the
     * analysis no stream sequencing, the conversation metrics only the speech gate and the audio they judge).
     */
    static final Map<String, Set<String>> CORE_PACKAGES =
            Map.of(
                    "audio", Set.of(),
                    "dsp", Set.of(),
                    "dataset", Set.of(),
                    "model", Set.of("dsp"),
                    "analysis", Set.of("audio", "dsp", "model"),
                    "sequence", Set.of("analysis"),
                    "conversation", Set.of("audio", "dsp"));

    private static final Pattern CORE_IMPORT =
            Pattern.compile("^import (?:static )?io\\.emostream\\.([a-z]+)\\.");

    private static final Pattern FORBIDDEN =
            Pattern.compile("\\b(org\\.apache\\.kafka|io\\.quarkus)\\.");

    @Test
    void everyModuleDependsOnlyOnTheModulesItMay() throws Exception {
        Element root = pom(Path.of("pom.xml"));
        Set<String> modules = new TreeSet<>();
        NodeList listed = root.getElementsByTagName("module");
        for (int i = 0; i < listed.getLength(); i++) {
            modules.add(listed.item(i).getTextContent().trim());
        }
        assertEquals(
                new TreeSet<>(LAYERS.keySet()),
                modules,
                "each module of pom.xml has a row in LAYERS");
        Map<String, String> offences = new TreeMap<>();
        for (String module : modules) {
            NodeList deps = pom(Path.of(module, "pom.xml")).getElementsByTagName("dependency");
            for (int i = 0; i < deps.getLength(); i++) {
                Element dep = (Element) deps.item(i);
                if (!"io.emostream".equals(text(dep, "groupId"))) {
                    continue;
                }
                String target = text(dep, "artifactId").replaceFirst("^emostream-", "");
                boolean test = "test".equals(text(dep, "scope"));
                Allowed allowed = LAYERS.get(module);
                if (!(test ? allowed.test() : allowed.main()).contains(target)) {
                    offences.put(module + " -> " + target, test ? "test scope" : "main scope");
                }
            }
        }
        assertEquals(Map.of(), offences);
    }

    @Test
    void coreSourcesDoNotUseKafkaOrQuarkus() throws IOException {
        List<String> offences = new ArrayList<>();
        int files = 0;
        try (Stream<Path> sources = Files.walk(Path.of("core", "src", "main", "java"))) {
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
        assertTrue(files > 20, "scanned " + files + " files");
        assertEquals(List.of(), offences);
    }

    @Test
    void corePackagesImportOnlyThePackagesTheyMay() throws IOException {
        Path root = Path.of("core", "src", "main", "java", "io", "emostream");
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(Files::isDirectory).forEach(d -> packages.add(d.getFileName().toString()));
        }
        assertEquals(
                new TreeSet<>(CORE_PACKAGES.keySet()),
                packages,
                "each core package has a row in CORE_PACKAGES");
        List<String> offences = new ArrayList<>();
        for (String pkg : packages) {
            try (Stream<Path> sources = Files.walk(root.resolve(pkg))) {
                for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                    for (String line : Files.readAllLines(source)) {
                        var m = CORE_IMPORT.matcher(line);
                        if (m.find()
                                && !m.group(1).equals(pkg)
                                && !CORE_PACKAGES.get(pkg).contains(m.group(1))) {
                            offences.add(source + ": " + line.strip());
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), offences);
    }

    @Test
    void coreClassPathHasNeitherKafkaNorQuarkus() {
        assertThrows(
                ClassNotFoundException.class,
                () -> Class.forName("org.apache.kafka.common.KafkaException"));
        assertThrows(
                ClassNotFoundException.class, () -> Class.forName("io.quarkus.runtime.Quarkus"));
    }

    @Test
    void theScanSeesAnImport() {
        assertTrue(FORBIDDEN.matcher("import org.apache.kafka.streams.KafkaStreams;").find());
        assertTrue(FORBIDDEN.matcher("io.quarkus.runtime.Startup x;").find());
        assertTrue(CORE_IMPORT.matcher("import io.emostream.dsp.SpeechGate;").find());
    }

    private static Element pom(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(file.toFile())
                .getDocumentElement();
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    }
}
