package io.emostream.service;

import io.emostream.stream.StoreCounts;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@code GET /stores}: the exact number of entries of every state store of the topology on this instance (the
 * active tasks it owns, not standby copies), so that the reclaiming of ended and abandoned calls can be checked:
 * once a call has ended and one inactivity timeout has passed, it leaves no entry in any store.
 *
 * <p>Counted on request by iterating each store ({@link StoreCounts}: the stores' own estimates are not exact),
 * within {@link #COUNT_BUDGET} for the whole answer. Answer:
 * {@code {"instance", "state", "countMillis", "complete", "stores": {NAME: {"entries", "complete",
 * "approximateEntries"}}}}; a store whose count ran out of time has {@code complete: false} and a lower bound as
 * {@code entries}, and so has the answer. 503 with {@code Retry-After} while Kafka Streams is not RUNNING or
 * REBALANCING or a store is not queryable (a task being restored or moved). Not a Prometheus gauge on purpose: a
 * scrape every few seconds would iterate every store each time, and the count is only needed when asked.
 */
@Path("/stores")
@Produces(MediaType.APPLICATION_JSON)
public class StoresResource {

    /** Time one answer may spend iterating stores, all stores together. */
    static final Duration COUNT_BUDGET = Duration.ofSeconds(10);

    private final KafkaStreams streams;
    private final SortedSet<String> storeNames;
    private final String instance;

    @Inject
    public StoresResource(KafkaStreams streams, Topology topology, EmostreamConfig config) {
        this.streams = streams;
        this.storeNames = StoreCounts.storeNames(topology);
        this.instance = config.interactiveQueries().advertisedEndpoint();
    }

    @GET
    public Response counts() {
        Response notRunning = CallsResource.unlessQueryable(streams, "state stores");
        if (notRunning != null) {
            return notRunning;
        }
        long started = System.nanoTime();
        long deadline = started + COUNT_BUDGET.toNanos();
        Map<String, Object> stores = new LinkedHashMap<>();
        boolean complete = true;
        try {
            for (String name : storeNames) {
                ReadOnlyKeyValueStore<Object, Object> store =
                        streams.store(
                                StoreQueryParameters.fromNameAndType(
                                        name, QueryableStoreTypes.keyValueStore()));
                StoreCounts.Count count = StoreCounts.count(store, deadline, System::nanoTime);
                complete &= count.complete();
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("entries", count.entries());
                entry.put("complete", count.complete());
                entry.put("approximateEntries", count.approximateEntries());
                stores.put(name, entry);
            }
        } catch (InvalidStateStoreException | IllegalStateException notReady) {
            return CallsResource.unavailable(
                    "state stores are not queryable now: " + notReady.getMessage());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instance", instance);
        body.put("state", streams.state().name());
        body.put("countMillis", (System.nanoTime() - started) / 1_000_000);
        body.put("complete", complete);
        body.put("stores", stores);
        return Response.ok(body).build();
    }
}
