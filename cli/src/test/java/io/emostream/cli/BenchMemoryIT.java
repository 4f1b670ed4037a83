package io.emostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emostream.stream.AlertSettings;
import io.emostream.stream.TopologySettings;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code ./emostream bench --memory} at small scale, on the packaged service, a real in-process broker and a real
 * Apicurio registry: 200 concurrent calls all become active, the service stays RUNNING, every memory reading is
 * there, and once the calls have ended and one inactivity timeout has passed every state store is empty again.
 * The memory figures themselves are not asserted (shared machine); the 10,000-call run is in docs/benchmarks.md.
 *
 * <p>200 calls sending one 1-s chunk every 4 s each is 50 chunks a second of silence (no inference runs), which a
 * starved 2-core box still keeps up with (at 400 chunks a second, beside two other helpers' ITs and a training, the
 * service fell so far behind that streams were ended for inactivity); each call completes a 3-s window 8 s in,
 * so every store has entries during the 20-s hold. Every wait in the bench polls with a bound, so a slow box makes
 * the run longer, not wrong.
 */
class BenchMemoryIT {

    private static final int CALLS = 200;

    @Test
    void twoHundredCallsAreHeldAndTheirStateIsReclaimed() throws Exception {
        CliRun run =
                CliRun.of(
                        "bench",
                        "--memory",
                        "--calls",
                        Integer.toString(CALLS),
                        "--chunk-ms",
                        "1000",
                        "--pace",
                        "4s",
                        "--hold",
                        "20s",
                        "--model",
                        "core/src/test/resources/model/emotion-test.onnx");
        // the table and the JSON in the test's output: the figures of each CI run stay on record
        System.out.println(run.err());
        System.out.println(run.out());
        assertEquals(0, run.exitCode(), run.err());
        JsonNode summary = new ObjectMapper().readTree(run.out());
        String context = run.out() + "\n" + run.err();

        assertEquals("memory", summary.get("mode").asText(), context);
        assertEquals(0, summary.get("sendFailures").asLong(), context);
        assertTrue(summary.get("serviceAlive").asBoolean(), context);
        assertEquals("RUNNING", summary.get("serviceState").asText(), context);

        JsonNode phases = summary.get("phases");
        List<String> names = phases.findValuesAsText("phase");
        assertEquals(List.of("baseline", "ramp", "hold", "end", "reclaim"), names, context);
        Set<String> stores =
                new TreeSet<>(
                        List.of(
                                TopologySettings.CHUNK_STORE,
                                TopologySettings.STREAM_STATE_STORE,
                                TopologySettings.CALL_STATS_STORE,
                                TopologySettings.CONVERSATION_STORE,
                                AlertSettings.DEFAULT_STATE_STORE));
        for (JsonNode phase : phases) {
            String name = phase.get("phase").asText();
            assertTrue(
                    phase.get("reached").asBoolean(), name + " did not reach its goal: " + context);
            assertEquals("RUNNING", phase.get("streamsState").asText(), name + ": " + context);
            assertTrue(phase.get("residentMiB").asDouble() > 0, name + ": " + context);
            assertTrue(phase.get("heapUsedMiB").asDouble() > 0, name + ": " + context);
            assertTrue(phase.get("heapCommittedMiB").asDouble() > 0, name + ": " + context);
            assertTrue(phase.get("storeCountsComplete").asBoolean(), name + ": " + context);
            Set<String> counted = new TreeSet<>();
            phase.get("storeEntries").fieldNames().forEachRemaining(counted::add);
            assertEquals(stores, counted, name + ": " + context);
        }
        JsonNode baseline = phases.get(0);
        JsonNode hold = phases.get(2);
        JsonNode reclaim = phases.get(4);
        for (String store : stores) {
            assertEquals(0, baseline.at("/storeEntries/" + store).asLong(), store + ": " + context);
            assertEquals(0, reclaim.at("/storeEntries/" + store).asLong(), store + ": " + context);
        }
        assertTrue(summary.get("reclaimed").asBoolean(), context);

        // every call active during the hold, by the gauge and by the exact count of stream states
        assertEquals(CALLS, hold.get("activeStreams").asLong(), context);
        assertEquals(CALLS, summary.get("activeStreamsMinDuringHold").asLong(), context);
        assertEquals(
                CALLS,
                hold.at("/storeEntries/" + TopologySettings.STREAM_STATE_STORE).asLong(),
                context);
        assertTrue(
                phases.get(1).at("/storeEntries/" + TopologySettings.CHUNK_STORE).asLong() > 0,
                "once all calls are active, they buffer the chunks of their first window: "
                        + context);
        // each call completed a window 8 s in: statistics, conversation and alert state exist
        for (String store :
                List.of(
                        TopologySettings.CALL_STATS_STORE,
                        TopologySettings.CONVERSATION_STORE,
                        AlertSettings.DEFAULT_STATE_STORE)) {
            assertTrue(hold.at("/storeEntries/" + store).asLong() > 0, store + ": " + context);
        }
        assertEquals(0, reclaim.get("activeStreams").asLong(), context);

        // the shared RocksDB block cache is reported by the Kafka Streams metrics
        assertTrue(hold.at("/rocksDb/storeInstances").asInt() > 0, context);
        assertTrue(hold.at("/rocksDb/blockCacheCapacityMiB").asDouble() > 0, context);
        assertTrue(summary.at("/perActiveCall/storeEntries").size() > 0, context);
    }
}
