package io.emostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ./emostream bench} end to end on a real in-process broker and a real Apicurio registry, with the small
 * test model: two short calls (a 16 kHz mono one and an 8 kHz mu-law stereo one) must give every window, a latency
 * for each, and a CPU breakdown that adds up. The figures themselves are not asserted (shared machine).
 */
class BenchCommandIT {

    @Test
    void measuresEveryWindowOfTwoShortCalls() throws Exception {
        CliRun run =
                CliRun.of(
                        "bench",
                        "--calls",
                        "2",
                        "--duration",
                        "6s",
                        "--warmup",
                        "0s",
                        "--stagger",
                        "1s",
                        "--model",
                        "core/src/test/resources/model/emotion-test.onnx");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode summary = new ObjectMapper().readTree(run.out());

        // call 0: mono, 2 windows of 3 s; call 1: stereo (customer and agent), 2 windows each
        assertEquals(6, summary.get("windows").asLong(), run.out());
        assertEquals(6, summary.get("expectedWindows").asLong(), run.out());
        assertTrue(summary.get("everyWindowDelivered").asBoolean(), run.out());
        assertEquals(6, summary.at("/endToEndLatencyMs/windowsMeasured").asLong(), run.out());
        assertTrue(summary.at("/endToEndLatencyMs/p99").asDouble() > 0, run.out());
        assertEquals(1000, summary.get("callStartsSpreadOverMs").asLong());
        assertEquals(0, summary.get("warmupSeconds").asLong());
        assertEquals(
                2,
                summary.get("streamThreads").asInt(),
                "the service's default (application.properties)");

        // the classifier runs on the stream thread, once per window with audio: its CPU is part of
        // the thread's
        assertTrue(summary.get("classifierCallsOnStreamThread").asLong() >= 6, run.out());
        assertTrue(summary.get("streamThreadCpuOverFrontEndAndModel").asDouble() >= 1.0, run.out());
        JsonNode parts = summary.get("coresUsedByPart");
        for (String part :
                List.of(
                        "streamThreads",
                        "streamsProducer",
                        "loadGenerator",
                        "broker",
                        "benchMain",
                        "jvmAndNativeThreads")) {
            assertTrue(parts.has(part), part + " missing in " + parts);
        }
        assertTrue(parts.get("streamThreads").asDouble() > 0, parts.toString());
        assertTrue(parts.get("broker").asDouble() > 0, parts.toString());
    }

    @Test
    void measuresThePackagedServiceAllIn() throws Exception {
        CliRun run =
                CliRun.of(
                        "bench",
                        "--service-process",
                        "--calls",
                        "2",
                        "--duration",
                        "6s",
                        "--warmup",
                        "0s",
                        "--stagger",
                        "1s",
                        "--service-property",
                        "kafka-streams.num.stream.threads=1",
                        "--model",
                        "core/src/test/resources/model/emotion-test.onnx");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode summary = new ObjectMapper().readTree(run.out());

        assertEquals(6, summary.get("windows").asLong(), run.out());
        assertTrue(summary.get("serviceProcess").asBoolean(), run.out());
        // the report names the service's thread count, not the bench's own default (2)
        assertEquals(1, summary.get("streamThreads").asInt(), run.out());
        // the service process did the work: its CPU per window is at least what front end + model
        // alone cost
        assertTrue(summary.get("serviceCpuMsPerWindow").asDouble() > 0, run.out());
        assertTrue(summary.get("serviceCpuOverFrontEndAndModel").asDouble() >= 1.0, run.out());
        assertTrue(summary.get("callsPerServiceCore").asDouble() > 0, run.out());
        assertTrue(summary.get("windowsPerServiceCpuSecond").asDouble() > 0, run.out());
        // its memory, from the operating system (Linux), at least the JVM's own footprint
        assertTrue(summary.get("servicePeakResidentMiB").asDouble() >= 50, run.out());
        assertTrue(
                summary.get("servicePeakResidentMiB").asDouble()
                        >= summary.get("serviceResidentMiB").asDouble(),
                run.out());
        // and the stream threads are not in the bench process
        assertEquals(0.0, summary.at("/coresUsedByPart/streamThreads").asDouble(), run.out());
    }

    @Test
    void drainsABacklogProducedBeforeTheServiceStarts() throws Exception {
        CliRun run =
                CliRun.of(
                        "bench",
                        "--drain",
                        "--calls",
                        "2",
                        "--duration",
                        "6s",
                        "--model",
                        "core/src/test/resources/model/emotion-test.onnx");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode summary = new ObjectMapper().readTree(run.out());

        assertEquals("drain", summary.get("mode").asText(), run.out());
        assertEquals(6, summary.get("expectedWindows").asLong(), run.out());
        assertEquals(6, summary.get("windows").asLong(), run.out());
        assertTrue(summary.get("everyWindowDelivered").asBoolean(), run.out());
        // 6 s of audio per call, 60 chunks of 100 ms each
        assertEquals(120, summary.get("backlogChunks").asLong(), run.out());
        assertTrue(summary.get("drainSeconds").asDouble() > 0, run.out());
        assertTrue(summary.get("windowsPerSecond").asDouble() > 0, run.out());
        assertTrue(summary.get("cpuMsPerWindowStreamThreads").asDouble() > 0, run.out());
        assertTrue(summary.at("/coresUsedByPart/streamThreads").asDouble() > 0, run.out());
    }

    @Test
    void findsTheLargestLoadThatKeepsUp() throws Exception {
        CliRun run =
                CliRun.of(
                        "bench",
                        "--find-max",
                        "--calls",
                        "1",
                        "--max-calls",
                        "2",
                        "--p99",
                        "30s",
                        "--duration",
                        "3s",
                        "--warmup",
                        "0s",
                        "--stagger",
                        "0s",
                        "--model",
                        "core/src/test/resources/model/emotion-test.onnx");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode summary = new ObjectMapper().readTree(run.out());

        // with a bound of 30 s both steps pass: 1 call, then 2 (the cap), and the search ends there
        assertEquals("find-max", summary.get("mode").asText(), run.out());
        JsonNode steps = summary.get("steps");
        assertEquals(2, steps.size(), run.out());
        assertEquals(1, steps.get(0).get("calls").asInt(), run.out());
        assertEquals(2, steps.get(1).get("calls").asInt(), run.out());
        for (JsonNode step : steps) {
            assertTrue(step.get("pass").asBoolean(), run.out());
            assertEquals(
                    step.get("expectedWindows").asLong(), step.get("windows").asLong(), run.out());
        }
        assertEquals(2, summary.get("maxSustainedCalls").asInt(), run.out());
        assertTrue(summary.get("searchEndedAtMaxCalls").asBoolean(), run.out());
        assertEquals(30000, summary.get("p99BoundMs").asLong(), run.out());
    }
}
