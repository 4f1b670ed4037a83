package io.emostream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact counts of a RocksDB store by iteration: every entry once however often it was rewritten, none of the
 * deleted ones, and a count that runs out of time says so.
 */
class StoreCountsTest {

    @TempDir Path stateDir;

    @Test
    void countsEveryLiveEntryOnceAndNamesTheTopologysStores() {
        Topology topology = topology("counted", "other");
        assertEquals(List.of("counted", "other"), List.copyOf(StoreCounts.storeNames(topology)));
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, properties())) {
            KeyValueStore<String, String> store = driver.getKeyValueStore("counted");
            for (int i = 0; i < 1000; i++) {
                store.put("key-" + i, "v");
            }
            for (int i = 0; i < 500; i++) {
                store.put("key-0", "rewritten " + i); // one entry, 501 writes
            }
            for (int i = 900; i < 1000; i++) {
                store.delete("key-" + i);
            }
            StoreCounts.Count count = StoreCounts.count(store, Long.MAX_VALUE, () -> 0L);
            assertEquals(900, count.entries());
            assertTrue(count.complete());

            for (int i = 0; i < 900; i++) {
                store.delete("key-" + i);
            }
            StoreCounts.Count empty = StoreCounts.count(store, Long.MAX_VALUE, () -> 0L);
            assertEquals(0, empty.entries());
            assertTrue(empty.complete());
        }
    }

    @Test
    void aCountThatRunsOutOfTimeIsALowerBound() {
        try (TopologyTestDriver driver =
                new TopologyTestDriver(topology("counted"), properties())) {
            KeyValueStore<String, String> store = driver.getKeyValueStore("counted");
            for (int i = 0; i < 1000; i++) {
                store.put("key-" + i, "v");
            }
            // the deadline has passed before the count starts: nothing read
            StoreCounts.Count late = StoreCounts.count(store, 10, () -> 10L);
            assertEquals(0, late.entries());
            assertFalse(late.complete());

            // the clock passes the deadline after the first look: the count stops early
            AtomicLong now = new AtomicLong();
            StoreCounts.Count cut = StoreCounts.count(store, 1, now::getAndIncrement);
            assertFalse(cut.complete());
            assertTrue(cut.entries() > 0 && cut.entries() < 1000, "entries " + cut.entries());
        }
    }

    /** A source feeding one processor that holds persistent (RocksDB) stores of these names. */
    private static Topology topology(String... stores) {
        Topology topology = new Topology();
        topology.addSource("in", new StringDeserializer(), new StringDeserializer(), "in");
        topology.addProcessor(
                "holder",
                () ->
                        new Processor<Object, Object, Object, Object>() {
                            @Override
                            public void process(Record<Object, Object> record) {}
                        },
                "in");
        for (String name : stores) {
            topology.addStateStore(
                    Stores.keyValueStoreBuilder(
                            Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.String()),
                    "holder");
        }
        return topology;
    }

    private Properties properties() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "store-counts-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return props;
    }
}
