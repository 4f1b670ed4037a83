package io.emostream.stream;

import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Exact entry counts of key-value state stores, by iterating every entry ({@code GET /stores}).
 *
 * <p>Why not {@link ReadOnlyKeyValueStore#approximateNumEntries()}: for a RocksDB store it is RocksDB's
 * {@code rocksdb.estimate-num-keys}, which adds up writes, not keys: every put in the memtables counts (an entry
 * rewritten once per chunk, as a stream's state is, counts once per write until a flush and compaction fold them),
 * and every deletion is subtracted. It can read far more than the store holds, or fewer, so it cannot show that
 * the state of ended calls is gone. Iterating is exact, but costs time in proportion to the entries (and to the
 * deletions not yet compacted away, which the iterator steps over), on the caller's thread; so a count stops at a
 * deadline and then says it is incomplete, its {@code entries} a lower bound.
 */
public final class StoreCounts {

    /** How many entries are read between two looks at the clock. */
    private static final int CLOCK_EVERY = 256;

    private StoreCounts() {}

    /**
     * One store's count.
     *
     * @param entries            entries read; all of them when {@code complete}, else a lower bound
     * @param complete           the iteration reached the last entry before the deadline
     * @param approximateEntries the store's own estimate ({@link ReadOnlyKeyValueStore#approximateNumEntries()}),
     *                           for comparison only
     */
    public record Count(long entries, boolean complete, long approximateEntries) {}

    /** The names of every state store of {@code topology}, sorted. */
    public static SortedSet<String> storeNames(Topology topology) {
        SortedSet<String> names = new TreeSet<>();
        TopologyDescription description = topology.describe();
        for (TopologyDescription.Subtopology subtopology : description.subtopologies()) {
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Processor processor) {
                    names.addAll(processor.stores());
                }
            }
        }
        for (TopologyDescription.GlobalStore global : description.globalStores()) {
            names.addAll(global.processor().stores());
        }
        return names;
    }

    /**
     * Counts the entries of {@code store} by iterating {@link ReadOnlyKeyValueStore#all()}, stopping once
     * {@code nanoTime} reaches {@code deadlineNanos} (a count whose deadline has passed reads nothing).
     *
     * @param nanoTime the clock the deadline is on ({@code System::nanoTime} in the service)
     */
    public static Count count(
            ReadOnlyKeyValueStore<?, ?> store, long deadlineNanos, LongSupplier nanoTime) {
        long approximate = store.approximateNumEntries();
        if (nanoTime.getAsLong() - deadlineNanos >= 0) {
            return new Count(0, false, approximate);
        }
        long entries = 0;
        try (KeyValueIterator<?, ?> all = store.all()) {
            while (all.hasNext()) {
                all.next();
                entries++;
                if (entries % CLOCK_EVERY == 0 && nanoTime.getAsLong() - deadlineNanos >= 0) {
                    return new Count(entries, !all.hasNext(), approximate);
                }
            }
        }
        return new Count(entries, true, approximate);
    }
}
