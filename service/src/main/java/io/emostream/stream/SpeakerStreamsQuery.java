package io.emostream.stream;

import io.emostream.avro.SpeakerRole;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Read-only view of the speaker streams in progress on this instance, from the stream-state store ({@link
 * TopologySettings#STREAM_STATE_STORE}): a call is in progress from its first accepted chunk, before its first
 * window gives it statistics ({@link CallStatsQuery}), until its streams end. Markers of ended streams are not
 * listed; an entry this release cannot decode is skipped here (the processor dead-letters it when the stream
 * next moves).
 */
public final class SpeakerStreamsQuery {

    private final ReadOnlyKeyValueStore<Bytes, byte[]> store;

    public SpeakerStreamsQuery(ReadOnlyKeyValueStore<Bytes, byte[]> store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** The local stream-state store of a running {@link KafkaStreams}; throws while it is not queryable yet. */
    public static SpeakerStreamsQuery of(KafkaStreams streams) {
        return new SpeakerStreamsQuery(
                streams.store(
                        StoreQueryParameters.fromNameAndType(
                                TopologySettings.STREAM_STATE_STORE,
                                QueryableStoreTypes.<Bytes, byte[]>keyValueStore())));
    }

    /** Call id to the speakers whose streams are in progress, both sorted. */
    public Map<String, List<SpeakerRole>> inProgress() {
        Map<String, TreeSet<SpeakerRole>> calls = new TreeMap<>();
        try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
            all.forEachRemaining(
                    kv -> {
                        SpeakerStreamState state;
                        try {
                            state = SpeakerStreamState.decode(kv.value);
                        } catch (UnreadableStateException unreadable) {
                            return;
                        }
                        if (!state.ended) {
                            SpeakerStreamKey key = SpeakerStreamKey.fromBytes(kv.key);
                            calls.computeIfAbsent(key.callId(), id -> new TreeSet<>())
                                    .add(key.speaker());
                        }
                    });
        }
        Map<String, List<SpeakerRole>> result = new TreeMap<>();
        calls.forEach((id, speakers) -> result.put(id, List.copyOf(speakers)));
        return result;
    }
}
