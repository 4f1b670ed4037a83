package io.emostream.stream;

import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.SpeakerRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Read-only view of the call-stats store for interactive queries (REST {@code GET /calls},
 * {@code GET /calls/{id}/stats}).
 *
 * <p>Store {@code emostream-call-stats} ({@link TopologySettings#CALL_STATS_STORE}):
 * {@code KeyValueStore<String, CallEmotionStats>}; key = {@code callId + '\u0000' + SpeakerRole name}, value =
 * the latest {@link CallEmotionStats} of that call and speaker (the same record last sent to
 * {@code call-emotion-stats}), serialized by {@link CallEmotionStatsSerde}. Entries appear with the first window
 * of a stream, hold the final stats ({@code final = true}) for one inactivity timeout after the stream ended, and
 * are then removed. Each instance only holds the calls of its own partitions; a multi-instance deployment must
 * route the query to the owner ({@code KafkaStreams.queryMetadataForKey(store, callId, new StringSerializer())},
 * the store is partitioned like the input, by call id).
 */
public final class CallStatsQuery {

    private static final char SEPARATOR = '\u0000';

    private final ReadOnlyKeyValueStore<String, CallEmotionStats> store;

    public CallStatsQuery(ReadOnlyKeyValueStore<String, CallEmotionStats> store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** The local call-stats store of a running {@link KafkaStreams}; throws while it is not queryable yet. */
    public static CallStatsQuery of(KafkaStreams streams, String storeName) {
        return new CallStatsQuery(
                streams.store(
                        StoreQueryParameters.fromNameAndType(
                                storeName, QueryableStoreTypes.keyValueStore())));
    }

    /** Ids of the calls with statistics in this instance, sorted. */
    public SortedSet<String> callIds() {
        SortedSet<String> ids = new TreeSet<>();
        try (KeyValueIterator<String, CallEmotionStats> all = store.all()) {
            all.forEachRemaining(kv -> ids.add(kv.value.getCallId()));
        }
        return ids;
    }

    /** Latest statistics of every speaker of {@code callId}, ordered by speaker name; empty if unknown here. */
    public List<CallEmotionStats> stats(String callId) {
        List<CallEmotionStats> result = new ArrayList<>();
        try (KeyValueIterator<String, CallEmotionStats> speakers =
                store.prefixScan(callId + SEPARATOR, new StringSerializer())) {
            speakers.forEachRemaining(kv -> result.add(kv.value));
        }
        return result;
    }

    public Optional<CallEmotionStats> stats(String callId, SpeakerRole speaker) {
        return Optional.ofNullable(store.get(storeKey(callId, speaker)));
    }

    static String storeKey(String callId, SpeakerRole speaker) {
        return callId + SEPARATOR + speaker.name();
    }
}
