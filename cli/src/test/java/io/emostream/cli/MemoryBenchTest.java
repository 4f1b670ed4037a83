package io.emostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@code bench --memory} reads the service's Prometheus metrics. */
class MemoryBenchTest {

    private static final String EXPOSITION =
            String.join(
                    "\n",
                    "# HELP jvm_memory_used_bytes The amount of used memory",
                    "# TYPE jvm_memory_used_bytes gauge",
                    "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"} 1.048576E7",
                    "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Old Gen\"} 2.097152E7",
                    "jvm_memory_used_bytes{area=\"nonheap\",id=\"Metaspace\"} 5.0E7",
                    "jvm_memory_committed_bytes{area=\"heap\",id=\"G1 Old Gen\"} 6.4E7",
                    "emostream_active_streams 200.0",
                    // the shared block cache, as two store instances report it, and their own
                    // memtables
                    "kafka_stream_state_block_cache_usage{rocksdb_state_id=\"emostream-audio-chunks\",task_id=\"0_0\",thread_id=\"t1\"} 3000.0",
                    "kafka_stream_state_block_cache_usage{rocksdb_state_id=\"emostream-stream-state\",task_id=\"0_0\",thread_id=\"t1\"} 3000.0",
                    "kafka_stream_state_block_cache_capacity{rocksdb_state_id=\"emostream-audio-chunks\",task_id=\"0_0\",thread_id=\"t1\"} 6.7108864E7",
                    "kafka_stream_state_size_all_mem_tables{rocksdb_state_id=\"emostream-audio-chunks\",task_id=\"0_0\",thread_id=\"t1\"} 100.0",
                    "kafka_stream_state_size_all_mem_tables{rocksdb_state_id=\"emostream-stream-state\",task_id=\"0_0\",thread_id=\"t1\"} 50.0",
                    "kafka_stream_state_total_sst_files_size{rocksdb_state_id=\"emostream-stream-state\",task_id=\"0_0\",thread_id=\"t1\"} NaN",
                    // not RocksDB: the state updater's metrics share the prefix
                    "kafka_stream_state_updater_idle_ratio{thread_id=\"t1\"} 0.5",
                    "http_server_requests_seconds_count{method=\"GET\",uri=\"/a,b=\\\"c\\\"\"} 3.0 1700000000000",
                    "not a sample");

    @Test
    void readsSamplesWithAndWithoutLabels() {
        List<MemoryBench.Metric> metrics = MemoryBench.parsePrometheus(EXPOSITION);
        assertEquals(13, metrics.size(), metrics.toString());
        assertEquals(200, MemoryBench.gauge(metrics, "emostream_active_streams"));
        assertEquals(-1, MemoryBench.gauge(metrics, "absent"));
        assertEquals(31457280, MemoryBench.sum(metrics, "jvm_memory_used_bytes", "heap"));
        assertEquals(64000000, MemoryBench.sum(metrics, "jvm_memory_committed_bytes", "heap"));
        assertEquals(
                Map.of("method", "GET", "uri", "/a,b=\\\"c\\\""),
                metrics.get(metrics.size() - 1).labels());
    }

    @Test
    void takesTheSharedCacheOnceAndAddsUpTheMemtables() {
        MemoryBench.RocksDbMemory rocksDb =
                MemoryBench.RocksDbMemory.of(MemoryBench.parsePrometheus(EXPOSITION));
        assertEquals(2, rocksDb.stores());
        assertEquals(3000, rocksDb.blockCacheUsage());
        assertEquals(67108864, rocksDb.blockCacheCapacity());
        assertEquals(150, rocksDb.memtables());
        assertEquals(0, rocksDb.sstFiles(), "NaN is no reading");
    }
}
