package io.emostream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emostream.audio.SampleEncoder;
import io.emostream.avro.AudioChunk;
import io.emostream.avro.AudioEncoding;
import io.emostream.avro.SpeakerRole;
import io.emostream.local.CallAudioSender;
import io.emostream.local.SampleEncodings;
import io.emostream.local.ServiceProcess;
import io.emostream.service.EmostreamConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code emostream bench --memory}: the memory of the packaged service (a process of its own) under many concurrent
 * calls that each send little, so that the load is concurrency, not CPU. Every call sends one chunk of silence
 * (8 kHz μ-law mono; the speech gate turns its windows away before the model, so no inference runs) every
 * {@code pace}, all chunks from one producer thread, evenly spread: {@code calls / pace} chunks a second.
 *
 * <p>Phases, each ending with a sample of the service's memory ({@link Sample}):
 * <ol>
 *   <li>{@code baseline}: the service ready, no call;</li>
 *   <li>{@code ramp}: the calls start, one after the other over one {@code pace}, until the service's active-stream
 *       gauge counts every one of them;</li>
 *   <li>{@code hold}: every call goes on sending for {@code hold};</li>
 *   <li>{@code end}: every call sends its last chunk with end-of-stream (again spread over one {@code pace}), until
 *       the gauge reads 0;</li>
 *   <li>{@code reclaim}: until every store's exact entry count ({@code GET /stores}) is back at its baseline, which
 *       takes one inactivity timeout after the end (ended markers and final statistics are kept that long).</li>
 * </ol>
 * Every wait polls and has a bound; a phase that runs out of time is reported as such, not thrown. The memory of an
 * active call is the difference between hold and baseline divided by the calls.
 */
final class MemoryBench {

    /** Default of {@code --pace}: one chunk per call this often. */
    static final String DEFAULT_PACE = "10s";

    /** Default of {@code --hold}. */
    static final String DEFAULT_HOLD = "5m";

    /** Sample rate of the calls' audio. */
    private static final int SAMPLE_RATE = 8000;

    /** How long the ramp and end phases may take beyond their one {@code pace} before they are cut. */
    private static final Duration PHASE_MARGIN = Duration.ofMinutes(3);

    /** How long the baseline waits for the RocksDB metrics to appear (Micrometer looks for new ones every minute). */
    private static final Duration METRICS_BIND_WAIT = Duration.ofSeconds(90);

    /** How often the waits look at the service. */
    private static final Duration POLL = Duration.ofSeconds(2);

    /**
     * What {@code --memory} runs.
     *
     * @param calls concurrent calls
     * @param chunk audio per chunk
     * @param pace  time between two chunks of one call
     * @param hold  how long every call keeps sending once all are active
     */
    record Options(int calls, Duration chunk, Duration pace, Duration hold) {}

    /**
     * The service's memory at the end of one phase.
     *
     * @param phase            baseline, ramp, hold, end or reclaim
     * @param seconds          since the baseline sample
     * @param reached          whether the phase reached its goal before its bound
     * @param residentBytes    VmRSS of the service process
     * @param heapUsedBytes    JVM heap in use right after a full GC (live data), or as found if no GC could be run
     * @param afterFullGc      whether the full GC ran
     * @param heapCommitted    JVM heap committed
     * @param rocksDb          RocksDB memory from the Kafka Streams metrics ({@link RocksDbMemory})
     * @param activeStreams    the service's {@code emostream_active_streams} gauge
     * @param storeEntries     exact entries per state store ({@code GET /stores})
     * @param storesComplete   whether every store count was complete (else lower bounds)
     * @param streamsState     Kafka Streams state as {@code GET /stores} reports it
     */
    record Sample(
            String phase,
            double seconds,
            boolean reached,
            long residentBytes,
            long heapUsedBytes,
            boolean afterFullGc,
            long heapCommitted,
            RocksDbMemory rocksDb,
            long activeStreams,
            Map<String, Long> storeEntries,
            boolean storesComplete,
            String streamsState) {}

    /**
     * RocksDB's memory, summed over the stores' {@code kafka_stream_state_*} metrics (properties-based RocksDB
     * metrics, recorded at the default recording level INFO). The block cache is shared by every store
     * ({@code BoundedMemoryRocksDbConfig}), so each store reports the same cache: its usage, pinned usage and
     * capacity are the largest any store reports, not their sum; memtables and table readers are per store and
     * summed. {@code stores} is the number of store instances reporting (stores × tasks), 0 when the metrics are
     * missing.
     */
    record RocksDbMemory(
            int stores,
            long blockCacheUsage,
            long blockCachePinnedUsage,
            long blockCacheCapacity,
            long memtables,
            long tableReaders,
            long sstFiles) {

        static RocksDbMemory of(List<Metric> metrics) {
            java.util.Set<String> stores = new java.util.HashSet<>();
            long[] max = new long[3];
            long[] sum = new long[3];
            for (Metric m : metrics) {
                // the RocksDB metrics of a key-value store (not the state updater's, of the same
                // prefix)
                String store = m.labels().get("rocksdb_state_id");
                if (!m.name().startsWith("kafka_stream_state_")
                        || store == null
                        || !Double.isFinite(m.value())) {
                    continue;
                }
                stores.add(m.labels().getOrDefault("task_id", "") + "/" + store);
                long value = (long) m.value();
                switch (m.name()) {
                    case "kafka_stream_state_block_cache_usage" -> max[0] = Math.max(max[0], value);
                    case "kafka_stream_state_block_cache_pinned_usage" ->
                            max[1] = Math.max(max[1], value);
                    case "kafka_stream_state_block_cache_capacity" ->
                            max[2] = Math.max(max[2], value);
                    case "kafka_stream_state_size_all_mem_tables" -> sum[0] += value;
                    case "kafka_stream_state_estimate_table_readers_mem" -> sum[1] += value;
                    case "kafka_stream_state_total_sst_files_size" -> sum[2] += value;
                    default -> {}
                }
            }
            return new RocksDbMemory(stores.size(), max[0], max[1], max[2], sum[0], sum[1], sum[2]);
        }
    }

    /** One sample of the Prometheus text format: name, labels, value. */
    record Metric(String name, Map<String, String> labels, double value) {}

    private final Options options;
    private final EmostreamConfig.Topics topics;
    private final String bootstrap;
    private final String registryUrl;
    private final Duration inactivityTimeout;
    private final ServiceProcess service;
    private final PrintStream err;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper mapper = new ObjectMapper();

    MemoryBench(
            Options options,
            EmostreamConfig config,
            String bootstrap,
            String registryUrl,
            ServiceProcess service,
            PrintStream err) {
        this.options = options;
        this.topics = config.topics();
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
        this.inactivityTimeout = config.window().inactivityTimeout();
        this.service = service;
        this.err = err;
    }

    /** Runs the five phases and returns the summary (also printed as a table to {@code err}). */
    Map<String, Object> run() throws Exception {
        int calls = options.calls();
        List<Sample> samples = new ArrayList<>();
        long started = System.nanoTime();
        err.printf(
                "bench: memory, %d calls, one %d-ms chunk each every %s (%.0f chunks/s), hold %s ...%n",
                calls,
                options.chunk().toMillis(),
                options.pace(),
                calls / (options.pace().toNanos() / 1e9),
                options.hold());
        boolean storesAnswer = await(Duration.ofMinutes(2), () -> stores() != null);
        // Micrometer binds the stores' RocksDB metrics when it next looks for new Kafka metrics
        // (once
        // a minute), not when the stores open: without them the baseline has no RocksDB reading
        await(METRICS_BIND_WAIT, () -> rocksDbStoreInstances() > 0);
        samples.add(sample("baseline", started, storesAnswer));
        Map<String, Long> baseline = samples.get(0).storeEntries();

        PacedCalls load = new PacedCalls();
        Thread producerThread = new Thread(load, "memory-bench-producer");
        producerThread.setDaemon(true);
        producerThread.start();
        long[] activeMax = {0};
        try {
            boolean allActive =
                    await(
                            options.pace().plus(PHASE_MARGIN),
                            () -> {
                                activeMax[0] = Math.max(activeMax[0], activeStreams());
                                return activeMax[0] >= calls;
                            });
            samples.add(sample("ramp", started, allActive));

            long holdEnd = System.nanoTime() + options.hold().toNanos();
            long activeMinInHold = Long.MAX_VALUE;
            while (System.nanoTime() < holdEnd && load.failure.get() == null) {
                long active = activeStreams();
                activeMinInHold = Math.min(activeMinInHold, active);
                activeMax[0] = Math.max(activeMax[0], active);
                Thread.sleep(
                        Math.min(
                                POLL.toMillis(),
                                Math.max(1, (holdEnd - System.nanoTime()) / 1_000_000)));
            }
            Sample hold = sample("hold", started, load.failure.get() == null);
            samples.add(hold);
            activeMinInHold = Math.min(activeMinInHold, hold.activeStreams());

            load.end();
            producerThread.join(options.pace().plus(PHASE_MARGIN).toMillis());
            long endsSent = System.nanoTime();
            boolean allEnded =
                    !producerThread.isAlive() && await(PHASE_MARGIN, () -> activeStreams() == 0);
            samples.add(sample("end", started, allEnded));

            Duration reclaimBound = inactivityTimeout.plus(PHASE_MARGIN);
            boolean reclaimed =
                    await(
                            reclaimBound,
                            () -> {
                                StoreCountsAnswer answer = stores();
                                return answer != null
                                        && answer.complete()
                                        && answer.entries().equals(baseline);
                            });
            double reclaimSeconds = (System.nanoTime() - endsSent) / 1e9;
            samples.add(sample("reclaim", started, reclaimed));
            printTable(samples);
            return summary(samples, load, activeMax[0], activeMinInHold, reclaimed, reclaimSeconds);
        } finally {
            load.end();
            producerThread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private Map<String, Object> summary(
            List<Sample> samples,
            PacedCalls load,
            long activeMax,
            long activeMinInHold,
            boolean reclaimed,
            double reclaimSeconds) {
        Sample baseline = samples.get(0);
        Sample hold = samples.get(2);
        Sample last = samples.get(samples.size() - 1);
        int calls = options.calls();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("mode", "memory");
        summary.put("calls", calls);
        summary.put("chunkMs", options.chunk().toMillis());
        summary.put("paceMs", options.pace().toMillis());
        summary.put("holdSeconds", options.hold().toSeconds());
        summary.put("chunksPerSecond", round(calls / (options.pace().toNanos() / 1e9)));
        summary.put("audio", SAMPLE_RATE + " Hz mu-law mono silence");
        summary.put("inactivityTimeoutSeconds", inactivityTimeout.toSeconds());
        summary.put("chunksSent", load.sent.get());
        summary.put("sendFailures", load.failed.get());
        if (load.failure.get() != null) {
            summary.put("firstSendFailure", load.failure.get());
        }
        summary.put("activeStreamsMax", activeMax);
        summary.put(
                "activeStreamsMinDuringHold",
                activeMinInHold == Long.MAX_VALUE ? 0 : activeMinInHold);
        summary.put("reclaimed", reclaimed);
        summary.put("reclaimSecondsAfterLastEnd", round(reclaimSeconds));
        summary.put("serviceState", last.streamsState());
        summary.put("serviceAlive", service.isAlive());
        service.residentMemory()
                .ifPresent(m -> summary.put("servicePeakResidentMiB", mib(m.peakBytes())));
        Map<String, Object> perCall = new LinkedHashMap<>();
        perCall.put("residentBytes", (hold.residentBytes() - baseline.residentBytes()) / calls);
        perCall.put("heapUsedBytes", (hold.heapUsedBytes() - baseline.heapUsedBytes()) / calls);
        perCall.put(
                "rocksDbBlockCacheBytes",
                (hold.rocksDb().blockCacheUsage() - baseline.rocksDb().blockCacheUsage()) / calls);
        perCall.put(
                "rocksDbSstFileBytes",
                (hold.rocksDb().sstFiles() - baseline.rocksDb().sstFiles()) / calls);
        Map<String, Double> entries = new TreeMap<>();
        for (Map.Entry<String, Long> store : hold.storeEntries().entrySet()) {
            long added =
                    store.getValue() - baseline.storeEntries().getOrDefault(store.getKey(), 0L);
            entries.put(store.getKey(), round(added / (double) calls));
        }
        perCall.put("storeEntries", entries);
        summary.put("perActiveCall", perCall);
        List<Map<String, Object>> phases = new ArrayList<>();
        for (Sample s : samples) {
            Map<String, Object> phase = new LinkedHashMap<>();
            phase.put("phase", s.phase());
            phase.put("seconds", round(s.seconds()));
            phase.put("reached", s.reached());
            phase.put("activeStreams", s.activeStreams());
            phase.put("residentMiB", mib(s.residentBytes()));
            phase.put("heapUsedMiB", mib(s.heapUsedBytes()));
            phase.put("heapAfterFullGc", s.afterFullGc());
            phase.put("heapCommittedMiB", mib(s.heapCommitted()));
            Map<String, Object> rocks = new LinkedHashMap<>();
            rocks.put("storeInstances", s.rocksDb().stores());
            rocks.put("blockCacheUsageMiB", mib(s.rocksDb().blockCacheUsage()));
            rocks.put("blockCachePinnedMiB", mib(s.rocksDb().blockCachePinnedUsage()));
            rocks.put("blockCacheCapacityMiB", mib(s.rocksDb().blockCacheCapacity()));
            rocks.put("memtablesMiB", mib(s.rocksDb().memtables()));
            rocks.put("tableReadersMiB", mib(s.rocksDb().tableReaders()));
            rocks.put("sstFilesMiB", mib(s.rocksDb().sstFiles()));
            phase.put("rocksDb", rocks);
            phase.put("storeEntries", s.storeEntries());
            phase.put("storeCountsComplete", s.storesComplete());
            phase.put("streamsState", s.streamsState());
            phases.add(phase);
        }
        summary.put("phases", phases);
        return summary;
    }

    private void printTable(List<Sample> samples) {
        List<String> stores = new ArrayList<>(samples.get(0).storeEntries().keySet());
        StringBuilder header =
                new StringBuilder(
                        String.format(
                                "%-8s %7s %7s %8s %8s %8s %8s %8s %8s",
                                "phase",
                                "t s",
                                "active",
                                "RSS MiB",
                                "heap MiB",
                                "heap com",
                                "cache",
                                "memtab",
                                "sst MiB"));
        for (String store : stores) {
            header.append(String.format(" %10s", store.replace("emostream-", "")));
        }
        err.println(header);
        for (Sample s : samples) {
            StringBuilder row =
                    new StringBuilder(
                            String.format(
                                    "%-8s %7.0f %7d %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f",
                                    s.phase() + (s.reached() ? "" : "*"),
                                    s.seconds(),
                                    s.activeStreams(),
                                    mib(s.residentBytes()),
                                    mib(s.heapUsedBytes()),
                                    mib(s.heapCommitted()),
                                    mib(s.rocksDb().blockCacheUsage()),
                                    mib(s.rocksDb().memtables()),
                                    mib(s.rocksDb().sstFiles())));
            for (String store : stores) {
                row.append(String.format(" %10d", s.storeEntries().getOrDefault(store, -1L)));
            }
            err.println(row);
        }
        err.println(
                "(* the phase ran out of time before reaching its goal; cache and memtables: RocksDB)");
    }

    /** A full GC in the service (so that heap used is live data), then its memory, gauges and store counts. */
    private Sample sample(String phase, long startedNanos, boolean reached) throws Exception {
        boolean collected = fullGc();
        List<Metric> metrics = metrics();
        long heapUsed = sum(metrics, "jvm_memory_used_bytes", "heap");
        long heapCommitted = sum(metrics, "jvm_memory_committed_bytes", "heap");
        long resident =
                service.residentMemory()
                        .map(ServiceProcess.ResidentMemory::currentBytes)
                        .orElse(-1L);
        StoreCountsAnswer stores = stores();
        Sample sample =
                new Sample(
                        phase,
                        (System.nanoTime() - startedNanos) / 1e9,
                        reached,
                        resident,
                        heapUsed,
                        collected,
                        heapCommitted,
                        RocksDbMemory.of(metrics),
                        gauge(metrics, "emostream_active_streams"),
                        stores == null ? Map.of() : stores.entries(),
                        stores != null && stores.complete(),
                        stores == null ? "unknown" : stores.state());
        err.printf(
                "bench: %s%s: %d active streams, RSS %.1f MiB, heap %.1f MiB%s%n",
                phase,
                reached ? "" : " (ran out of time)",
                sample.activeStreams(),
                mib(resident),
                mib(heapUsed),
                collected ? " after a full GC" : " (no GC could be run: heap as found)");
        return sample;
    }

    /** {@code jcmd PID GC.run} on the service: true when it ran. */
    private boolean fullGc() throws InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return false;
        }
        try {
            Process process =
                    new ProcessBuilder(jcmd.toString(), Long.toString(service.pid()), "GC.run")
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** The exact store counts of {@code GET /stores}, or null while the service does not answer them. */
    private StoreCountsAnswer stores() {
        try {
            HttpResponse<String> response = get("/stores");
            if (response.statusCode() != 200) {
                return null;
            }
            JsonNode body = mapper.readTree(response.body());
            Map<String, Long> entries = new TreeMap<>();
            body.get("stores")
                    .fields()
                    .forEachRemaining(
                            f -> entries.put(f.getKey(), f.getValue().get("entries").asLong()));
            return new StoreCountsAnswer(
                    entries, body.get("complete").asBoolean(), body.get("state").asText());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private record StoreCountsAnswer(Map<String, Long> entries, boolean complete, String state) {}

    private long activeStreams() {
        try {
            return gauge(metrics(), "emostream_active_streams");
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private int rocksDbStoreInstances() {
        try {
            return RocksDbMemory.of(metrics()).stores();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private List<Metric> metrics() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/q/metrics");
        if (response.statusCode() != 200) {
            throw new IOException("/q/metrics answered " + response.statusCode());
        }
        return parsePrometheus(response.body());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(service.url() + path))
                        .timeout(Duration.ofSeconds(60))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The samples of a Prometheus text exposition ({@code name{label="value",...} value [timestamp]}); comments and
     * lines that do not parse are skipped.
     */
    static List<Metric> parsePrometheus(String text) {
        List<Metric> metrics = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            String name;
            Map<String, String> labels = new TreeMap<>();
            String rest;
            if (brace >= 0 && (space < 0 || brace < space)) {
                int close = line.lastIndexOf('}');
                if (close < brace) {
                    continue;
                }
                name = line.substring(0, brace);
                for (String pair :
                        line.substring(brace + 1, close).split(",(?=[a-zA-Z_][a-zA-Z0-9_]*=\")")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0 && pair.length() >= eq + 2) {
                        labels.put(
                                pair.substring(0, eq).trim(),
                                pair.substring(eq + 2, pair.length() - 1));
                    }
                }
                rest = line.substring(close + 1).trim();
            } else if (space > 0) {
                name = line.substring(0, space);
                rest = line.substring(space + 1).trim();
            } else {
                continue;
            }
            try {
                metrics.add(new Metric(name, labels, Double.parseDouble(rest.split(" ")[0])));
            } catch (NumberFormatException skipped) {
                // not a sample
            }
        }
        return metrics;
    }

    /** Sum of {@code name} over the samples whose {@code area} label is {@code area}. */
    static long sum(List<Metric> metrics, String name, String area) {
        double total = 0;
        for (Metric m : metrics) {
            if (m.name().equals(name) && area.equals(m.labels().get("area"))) {
                total += m.value();
            }
        }
        return (long) total;
    }

    /** The value of an unlabelled gauge, -1 when absent. */
    static long gauge(List<Metric> metrics, String name) {
        return metrics.stream()
                .filter(m -> m.name().equals(name))
                .mapToLong(m -> (long) m.value())
                .findFirst()
                .orElse(-1L);
    }

    /**
     * Polls {@code done} every {@link #POLL} until it holds or {@code bound} passes; whether it held.
     *
     * @throws IllegalStateException when the service process has exited (a wait on it would be pointless)
     */
    private boolean await(Duration bound, java.util.function.BooleanSupplier done)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(bound);
        while (true) {
            if (done.getAsBoolean()) {
                return true;
            }
            if (!service.isAlive()) {
                throw new IllegalStateException(
                        "The service exited during the run; see its log " + service.logFile());
            }
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private static double mib(long bytes) {
        return round(bytes / 1048576.0);
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    /**
     * The load: one producer thread sends the calls' chunks in turn, chunk {@code k} of call {@code i} at
     * {@code (k * calls + i) * pace / calls} after the start, so the rate is even from the first chunk on. Once
     * {@link #end} is asked, the next round of chunks carries end-of-stream and the thread stops after it.
     */
    private final class PacedCalls implements Runnable {
        final AtomicLong sent = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicReference<String> failure = new AtomicReference<>();
        private volatile boolean endAsked;

        void end() {
            endAsked = true;
        }

        @Override
        public void run() {
            int calls = options.calls();
            int samples = (int) (SAMPLE_RATE * options.chunk().toNanos() / 1_000_000_000L);
            byte[] silence =
                    SampleEncoder.encode(
                            new float[][] {new float[samples]},
                            SampleEncodings.of(AudioEncoding.MULAW));
            String runId = Long.toString(System.currentTimeMillis(), 36);
            Instant captureStart = Instant.now();
            long paceNanos = options.pace().toNanos();
            long start = System.nanoTime();
            long finalRound = -1;
            try (Producer<String, AudioChunk> producer =
                    CallAudioSender.newProducer(bootstrap, registryUrl)) {
                for (long slot = 0; ; slot++) {
                    int call = (int) (slot % calls);
                    long round = slot / calls;
                    if (call == 0 && finalRound < 0 && endAsked) {
                        finalRound = round;
                    }
                    long due = start + (long) ((double) slot * paceNanos / calls);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    String callId = "memory-" + runId + "-" + call;
                    AudioChunk chunk =
                            AudioChunk.newBuilder()
                                    .setCallId(callId)
                                    .setSpeaker(SpeakerRole.CUSTOMER)
                                    .setSequence(round)
                                    .setCaptureTimestamp(
                                            captureStart.plus(options.chunk().multipliedBy(round)))
                                    .setSampleRate(SAMPLE_RATE)
                                    .setEncoding(AudioEncoding.MULAW)
                                    .setChannelCount(1)
                                    .setAudio(ByteBuffer.wrap(silence))
                                    .setEndOfStream(round == finalRound)
                                    .build();
                    producer.send(
                            new ProducerRecord<>(topics.audio(), callId, chunk),
                            (metadata, error) -> {
                                if (error != null) {
                                    failed.incrementAndGet();
                                    failure.compareAndSet(null, callId + ": " + error);
                                }
                            });
                    sent.incrementAndGet();
                    if (round == finalRound && call == calls - 1) {
                        break;
                    }
                }
                producer.flush();
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e.toString());
            }
        }
    }
}
