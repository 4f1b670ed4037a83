package io.emostream.service;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * Caps the off-heap memory of all RocksDB state stores of this JVM (set as
 * {@code kafka-streams.rocksdb.config.setter}). By default every store of every task gets its own 50 MB block
 * cache and 3 x 16 MB memtables, so memory grows with the number of partitions an instance owns; here all stores
 * share one LRU block cache of {@value #TOTAL_OFF_HEAP_BYTES} bytes, and memtables are charged to that same cache
 * through a {@link WriteBufferManager} (at most {@value #WRITE_BUFFER_BYTES} bytes of it). Index and filter
 * blocks live in the cache too, so the total is bounded regardless of the number of stores. The pattern is the
 * one of the Kafka Streams memory-management guide.
 *
 * <p>The emostream stores are small (a few buffered seconds of audio per active stream and one statistics record
 * per call), so 64 MiB covers thousands of concurrent calls; the JVM needs that much above its heap.
 */
public class BoundedMemoryRocksDbConfig implements RocksDBConfigSetter {

    /** Block cache shared by all stores, including the memtables charged to it. */
    static final long TOTAL_OFF_HEAP_BYTES = 64L * 1024 * 1024;

    /** Part of the cache that memtables (write buffers) may use. */
    static final long WRITE_BUFFER_BYTES = 16L * 1024 * 1024;

    /** Size of one memtable. */
    static final long MEMTABLE_BYTES = 4L * 1024 * 1024;

    static {
        // The native library must be loaded before the first RocksDB object; Kafka Streams may not
        // have done so
        // yet when it instantiates this class.
        RocksDB.loadLibrary();
    }

    // Shared by every store of the JVM: that is what bounds the total. Never closed, they live as
    // long as the JVM.
    private static final Cache CACHE = new LRUCache(TOTAL_OFF_HEAP_BYTES, -1, false, 0.1);
    private static final WriteBufferManager WRITE_BUFFER_MANAGER =
            new WriteBufferManager(WRITE_BUFFER_BYTES, CACHE);

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        BlockBasedTableConfig tableConfig = (BlockBasedTableConfig) options.tableFormatConfig();
        tableConfig.setBlockCache(CACHE);
        tableConfig.setCacheIndexAndFilterBlocks(true);
        tableConfig.setCacheIndexAndFilterBlocksWithHighPriority(true);
        tableConfig.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(WRITE_BUFFER_MANAGER);
        options.setWriteBufferSize(MEMTABLE_BYTES);
        options.setMaxWriteBufferNumber(2);
        options.setTableFormatConfig(tableConfig);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and write buffer manager are shared across stores: closing them here would
        // break the others.
    }
}
