package io.emostream.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emostream.local.ApicurioRegistry;
import io.emostream.local.EmbeddedKafka;
import io.emostream.local.ProjectHome;
import io.emostream.local.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The integrator's way in: {@code examples/python/produce_call.py} and {@code read_emotions.py}, run by Debian's
 * {@code /usr/bin/python3} with Confluent's client (python3-confluent-kafka, python3-avro), against the packaged
 * service, a real in-process KRaft broker and a real registry. The producer registers the build's self-contained
 * {@code wire/target/schemas/AudioChunk.avsc}; the reader decodes the service's output by the schema ids in the records.
 *
 * <p>Skipped, with the reason, where those Python packages are not installed ({@code .ci/run} installs them).
 */
class PythonIntegratorIT {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path EXAMPLES = ProjectHome.resolve("examples", "python");

    private static EmbeddedKafka kafka;
    private static ApicurioRegistry registry;
    private static ServiceProcess service;
    private static Path workDir;

    @BeforeAll
    static void startStack() throws Exception {
        assumeTrue(
                pythonHasConfluentKafka(),
                "/usr/bin/python3 cannot import confluent_kafka and avro: "
                        + "apt-get install python3-confluent-kafka python3-avro");
        kafka = EmbeddedKafka.start();
        LocalKafkaStackResource.createServiceTopics(kafka, 2);
        registry = LocalKafkaStackResource.startRegistry();
        workDir = Files.createDirectories(Path.of("target", "it-python"));
        Map<String, String> env =
                LocalKafkaStackResource.serviceEnvironment(
                        kafka, registry, Files.createDirectories(workDir.resolve("state")));
        service =
                LocalKafkaStackResource.startReadyService(
                        env,
                        Map.of(),
                        LocalKafkaStackResource.freePort(),
                        workDir.resolve("service.log"));
    }

    @AfterAll
    static void stopStack() throws Exception {
        LocalKafkaStackResource.closeAll(service, registry, kafka);
    }

    @Test
    void aPythonProducerIsHeardAndAPythonConsumerReadsTheResults() throws Exception {
        String callId = "python-call-1";
        Result produced =
                python(
                        Duration.ofMinutes(2),
                        EXAMPLES.resolve("produce_call.py").toString(),
                        "--call-id",
                        callId,
                        "--tone",
                        "7.5",
                        "--fast",
                        "--bootstrap",
                        kafka.bootstrapServers(),
                        "--registry",
                        registry.ccompatUrl());
        assertEquals(0, produced.exit, produced.output);
        assertTrue(produced.output.contains("sent 75 chunks"), produced.output);

        Result read =
                python(
                        Duration.ofMinutes(3),
                        EXAMPLES.resolve("read_emotions.py").toString(),
                        "--call-id",
                        callId,
                        "--from-beginning",
                        "--until-final",
                        "--timeout",
                        "150",
                        "--bootstrap",
                        kafka.bootstrapServers(),
                        "--registry",
                        registry.ccompatUrl());
        assertEquals(0, read.exit, read.output);

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        JsonNode finalStats = null;
        for (String line : read.output.split("\n")) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonNode record = json.readTree(line);
            assertEquals(callId, record.get("key").asText(), "a plain string key: " + line);
            if (record.get("topic").asText().equals("call-emotions")) {
                events.add(record.get("value"));
            } else if (record.at("/value/final").asBoolean()) {
                finalStats = record.get("value");
            }
        }
        // 7.5 s of audio: two 3-s windows and a last window of 1.5 s (over min-last-window)
        assertEquals(3, events.size(), read.output);
        int speech = 0;
        for (JsonNode event : events) {
            assertEquals("CUSTOMER", event.get("speaker").asText());
            if (event.get("speech").asBoolean()) {
                speech++;
                assertEquals(4, event.get("probabilities").size(), event.toString());
            } else {
                assertEquals("no_speech", event.get("label").asText(), event.toString());
            }
        }
        assertTrue(speech >= 1, "the tone passes the speech gate at least once: " + read.output);
        assertTrue(finalStats != null, "final statistics read: " + read.output);
        assertEquals(3, finalStats.get("windowsTotal").asLong(), finalStats.toString());
    }

    private record Result(int exit, String output) {}

    private static Result python(Duration timeout, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(workDir, "python-", ".log");
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            return new Result(-1, "timed out after " + timeout + ":\n" + Files.readString(log));
        }
        return new Result(process.exitValue(), Files.readString(log));
    }

    private static boolean pythonHasConfluentKafka() {
        try {
            Process p =
                    new ProcessBuilder(PYTHON.toString(), "-c", "import confluent_kafka, avro")
                            .redirectErrorStream(true)
                            .start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
