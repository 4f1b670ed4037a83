package io.emostream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.emostream.analysis.WindowClassifier;
import io.emostream.analysis.WindowResult;
import io.emostream.avro.AudioChunk;
import io.emostream.local.ApicurioRegistry;
import io.emostream.local.CallAudioSender;
import io.emostream.local.DemoCalls;
import io.emostream.local.EmbeddedKafka;
import io.emostream.local.OutputReader;
import io.emostream.local.ServiceProcess;
import io.emostream.model.EmotionModel;
import io.emostream.service.ServiceWiring;
import io.emostream.service.StandaloneStreams;
import io.emostream.stream.AlertSettings;
import io.emostream.stream.TopologySettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code emostream bench}: N concurrent real-time calls through the service topology (plain KafkaStreams built
 * by {@link StandaloneStreams}, i.e. the service's own properties with exactly_once_v2) on an embedded broker
 * and registry. Measures throughput, CPU time per window against the front end + model alone (the same number of
 * windows classified directly in the same run), and end-to-end latency from the last chunk of a window being
 * produced to its event being read with read_committed. Prints a JSON summary.
 */
@Command(
        name = "bench",
        description = {
            "measure throughput, CPU per window and latency of the streaming service",
            "",
            "Runs N concurrent real-time calls through the service topology on an embedded broker and registry and "
                    + "prints a JSON summary (throughput, CPU per window and by part, latency p50/p99)."
        })
public final class BenchCommand extends Subcommand {

    @Option(
            names = "--calls",
            paramLabel = "N",
            defaultValue = "4",
            converter = Converters.PositiveInt.class,
            description = "concurrent calls (default ${DEFAULT-VALUE})")
    private int calls;

    @Option(
            names = "--duration",
            paramLabel = "DUR",
            defaultValue = "60s",
            converter = Converters.PositiveDuration.class,
            description = "audio per call in the measured phase (default ${DEFAULT-VALUE})")
    private Duration duration;

    @Mixin private ModelOption model;

    @Mixin private ChunkOption chunk;

    @Option(
            names = "--warmup",
            paramLabel = "DUR",
            defaultValue = "20s",
            converter = Converters.DurationOrZero.class,
            description =
                    "the same load with other call ids first, not measured (default ${DEFAULT-VALUE}; 0s: "
                            + "measure a cold JVM)")
    private Duration warmup;

    @Option(
            names = "--service-process",
            description =
                    "run the packaged service (service/target/quarkus-app) as a "
                            + "process of its own and report its CPU all-in: every thread of the service and nothing of the broker, "
                            + "the registry or the load generator (default: the topology in this process, with CPU by thread)")
    private boolean serviceProcess;

    @Option(
            names = "--stagger",
            paramLabel = "DUR",
            defaultValue = "3s",
            converter = Converters.DurationOrZero.class,
            description =
                    "call starts spread evenly over this span (default ${DEFAULT-VALUE}; 0s: all calls start, "
                            + "and complete each window, at the same moment)")
    private Duration stagger;

    @Override
    int run(PrintStream out, PrintStream err) throws Exception {
        Duration chunk = this.chunk.chunk();
        Path model = this.model.path();
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("Model " + model + " not found: pass --model PATH");
        }
        Path stateDir = Files.createTempDirectory("emostream-bench-state");

        err.println("bench: starting embedded Kafka and Apicurio registry ...");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                ApicurioRegistry registry =
                        ApicurioRegistry.start(
                                ApicurioRegistry.defaultHome(),
                                freePort(),
                                Duration.ofMinutes(2))) {
            kafka.createTopics(
                    Map.of(
                            TopologySettings.DEFAULT_AUDIO_TOPIC,
                            4,
                            TopologySettings.DEFAULT_EVENTS_TOPIC,
                            4,
                            TopologySettings.DEFAULT_STATS_TOPIC,
                            4,
                            AlertSettings.DEFAULT_TOPIC,
                            4,
                            TopologySettings.DEFAULT_DLQ_TOPIC,
                            1));
            StandaloneStreams app =
                    new StandaloneStreams(
                            Map.of(
                                    "quarkus.kafka-streams.bootstrap-servers",
                                            kafka.bootstrapServers(),
                                    "quarkus.kafka-streams.application-id", "emostream-bench",
                                    "emostream.serde.schema-registry-url", registry.ccompatUrl(),
                                    "emostream.model.path", model.toAbsolutePath().toString(),
                                    "kafka-streams.state.dir", stateDir.toString()));
            try (EmotionModel emotionModel = app.loadModel();
                    ServiceProcess service =
                            serviceProcess
                                    ? startService(
                                            kafka.bootstrapServers(),
                                            registry.ccompatUrl(),
                                            model,
                                            stateDir,
                                            err)
                                    : null) {
                Map<String, Object> summary =
                        runBench(
                                app,
                                emotionModel,
                                service,
                                kafka.bootstrapServers(),
                                registry.ccompatUrl(),
                                calls,
                                duration,
                                chunk,
                                warmup,
                                stagger,
                                err);
                ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                out.println(mapper.writeValueAsString(summary));
            }
        }
        return 0;
    }

    /** What one phase of real-time calls measured. */
    private record Phase(
            long chunksSent,
            long events,
            double wallSeconds,
            long processCpu,
            long streamCpu,
            Map<String, Double> coresByPart,
            double[] sortedLatenciesMs) {}

    /** The packaged service in a process of its own, on the bench's broker and registry, once it is ready. */
    private static ServiceProcess startService(
            String bootstrap, String registryUrl, Path model, Path stateDir, PrintStream err)
            throws Exception {
        int port = freePort();
        Path log = stateDir.resolve("service.log");
        err.printf("bench: starting the packaged service (log %s) ...%n", log);
        ServiceProcess service =
                ServiceProcess.start(
                        ServiceProcess.defaultJar(),
                        Map.of(
                                "KAFKA_BOOTSTRAP_SERVERS",
                                bootstrap,
                                "SCHEMA_REGISTRY_URL",
                                registryUrl,
                                "EMOSTREAM_MODEL_PATH",
                                model.toAbsolutePath().toString(),
                                "EMOSTREAM_STATE_DIR",
                                stateDir.resolve("service-state").toString()),
                        Map.of("quarkus.kafka-streams.application-id", "emostream-bench"),
                        port,
                        log);
        try {
            service.awaitReady(Duration.ofMinutes(3));
        } catch (Exception e) {
            service.close();
            throw e;
        }
        return service;
    }

    private Map<String, Object> runBench(
            StandaloneStreams app,
            EmotionModel model,
            ServiceProcess service,
            String bootstrap,
            String registryUrl,
            int callCount,
            Duration duration,
            Duration chunk,
            Duration warmup,
            Duration stagger,
            PrintStream err)
            throws Exception {
        double seconds = duration.toMillis() / 1000.0;
        List<CallAudioSender.CallStream> calls = new ArrayList<>();
        for (int i = 0; i < callCount; i++) {
            calls.add(DemoCalls.generated("bench-" + i, i, seconds, 1000L * i));
        }
        long windowMs = app.config().window().size().toMillis();

        CpuTimedClassifier timed =
                new CpuTimedClassifier(ServiceWiring.analyser(model, app.config()));
        KafkaStreams streams = null;
        if (service == null) {
            streams = app.newKafkaStreams(timed, new SimpleMeterRegistry());
            streams.start();
            Instant deadline = Instant.now().plusSeconds(120);
            while (streams.state() != KafkaStreams.State.RUNNING
                    && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
            }
            if (streams.state() != KafkaStreams.State.RUNNING) {
                throw new IllegalStateException(
                        "Kafka Streams not RUNNING after 120 s: " + streams.state());
            }
        }
        if (!warmup.isZero()) {
            // A fresh JVM spends its first tens of seconds compiling the broker, the clients and
            // the topology;
            // a service runs for days, so the measured phase starts warm. Same load, other call
            // ids.
            err.printf("bench: warm-up, %d calls of %d s ...%n", callCount, warmup.toSeconds());
            List<CallAudioSender.CallStream> warmupCalls = new ArrayList<>();
            for (int i = 0; i < callCount; i++) {
                warmupCalls.add(
                        DemoCalls.generated("warmup-" + i, i, warmup.toMillis() / 1000.0, 7L * i));
            }
            runPhase(warmupCalls, bootstrap, registryUrl, windowMs, chunk, stagger);
        }
        err.printf("bench: %d calls of %.0f s in real time ...%n", callCount, seconds);
        long classifierCpuBefore = timed.cpuNanos.get();
        long classifierCallsBefore = timed.calls.get();
        Duration serviceCpuBefore = service == null ? Duration.ZERO : service.cpuTime();
        Phase measured = runPhase(calls, bootstrap, registryUrl, windowMs, chunk, stagger);
        Duration serviceCpu =
                service == null ? Duration.ZERO : service.cpuTime().minus(serviceCpuBefore);
        long classifierCpu = timed.cpuNanos.get() - classifierCpuBefore;
        long classifierCalls = timed.calls.get() - classifierCallsBefore;
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
        }
        long windowsClassified = measured.events();
        double wallSeconds = measured.wallSeconds();
        double[] sorted = measured.sortedLatenciesMs();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();

        // The front end + model alone on the same windows, on this thread.
        long windows = Math.max(1, windowsClassified);
        WindowClassifier classifier =
                timed.classifier; // the same analyser, called directly on this thread
        List<float[]> windowAudio = new ArrayList<>();
        List<Integer> rates = new ArrayList<>();
        for (CallAudioSender.CallStream call : calls) {
            int samples = (int) (windowMs * call.sampleRate() / 1000);
            for (float[] channel : call.channels()) {
                for (int from = 0; from + samples <= channel.length; from += samples) {
                    windowAudio.add(Arrays.copyOfRange(channel, from, from + samples));
                    rates.add(call.sampleRate());
                }
            }
        }
        long directCpuBefore = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < windows; i++) {
            classifier.classify(
                    windowAudio.get(i % windowAudio.size()), rates.get(i % rates.size()));
        }
        long directCpu = threads.getCurrentThreadCpuTime() - directCpuBefore;

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("calls", callCount);
        summary.put("callSeconds", seconds);
        summary.put("chunkMs", chunk.toMillis());
        summary.put("warmupSeconds", warmup.toSeconds());
        summary.put("callStartsSpreadOverMs", stagger.toMillis());
        summary.put("model", model.modelId() + " " + model.modelVersion());
        summary.put("processingGuarantee", app.streamsProperties().get("processing.guarantee"));
        summary.put(
                "streamThreads",
                Integer.parseInt(
                        String.valueOf(
                                app.streamsProperties()
                                        .getOrDefault(
                                                StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1"))));
        summary.put("wallSeconds", round(wallSeconds));
        summary.put("chunks", measured.chunksSent());
        summary.put("chunksPerSecond", round(measured.chunksSent() / wallSeconds));
        summary.put("windows", windowsClassified);
        summary.put("windowsPerSecond", round(windowsClassified / wallSeconds));
        summary.put("cpuMsPerWindowFrontEndAndModelOnly", round(directCpu / 1e6 / windows));
        if (service != null) {
            // all-in: the service process's every thread, and nothing of the broker, registry or
            // load generator
            double serviceCpuMs = serviceCpu.toNanos() / 1e6;
            summary.put("serviceProcess", true);
            summary.put("serviceCpuMsPerWindow", round(serviceCpuMs / windows));
            summary.put("serviceCoresUsed", round(serviceCpuMs / 1000 / wallSeconds));
            summary.put(
                    "serviceCpuOverFrontEndAndModel",
                    round(serviceCpuMs * 1e6 / Math.max(1, directCpu)));
            // how many calls like these one core of the service carries in real time, and windows
            // per CPU-second
            summary.put(
                    "callsPerServiceCore",
                    round(callCount * wallSeconds / Math.max(1e-9, serviceCpuMs / 1000)));
            summary.put(
                    "windowsPerServiceCpuSecond",
                    round(windowsClassified / Math.max(1e-9, serviceCpuMs / 1000)));
            summary.put("benchProcessCpuMsPerWindow", round(measured.processCpu() / 1e6 / windows));
            summary.put(
                    "benchProcessNote",
                    "the bench process holds the broker, the load generator and the reader");
        } else {
            summary.put("cpuMsPerWindowProcess", round(measured.processCpu() / 1e6 / windows));
            summary.put("cpuMsPerWindowStreamThreads", round(measured.streamCpu() / 1e6 / windows));
            // the same front end + model, timed inside the stream thread during the run (same
            // cores, contention)
            summary.put(
                    "cpuMsPerWindowFrontEndAndModelOnStreamThread",
                    round(classifierCpu / 1e6 / windows));
            summary.put("classifierCallsOnStreamThread", classifierCalls);
            summary.put(
                    "streamThreadCpuOverFrontEndAndModel",
                    round(measured.streamCpu() / (double) Math.max(1, classifierCpu)));
            summary.put(
                    "processCpuNote",
                    "process CPU includes the in-process broker, producer and consumer");
        }
        summary.put("coresUsedByPart", measured.coresByPart());
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("windowsMeasured", sorted.length);
        latency.put("p50", round(percentile(sorted, 0.50)));
        latency.put("p99", round(percentile(sorted, 0.99)));
        latency.put("max", round(sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]));
        summary.put("endToEndLatencyMs", latency);
        return summary;
    }

    /**
     * Sends {@code calls} in real time, call {@code i} starting {@code i / n} of {@code stagger} after the first
     * (calls in a contact center do not start in the same 100 ms; {@code --stagger 0s} makes every window of every
     * call complete at once), and reads their events until every full window has arrived (or a minute after
     * the audio ends). Latency: the last chunk of a window handed to the producer -> its event read with
     * read_committed.
     */
    private Phase runPhase(
            List<CallAudioSender.CallStream> calls,
            String bootstrap,
            String registryUrl,
            long windowMs,
            Duration chunk,
            Duration stagger)
            throws Exception {
        long chunkMs = chunk.toMillis();
        Map<String, long[]> sentAt =
                new ConcurrentHashMap<>(); // send time (nanoTime) of every chunk, per call
        double longest = 0;
        for (CallAudioSender.CallStream call : calls) {
            sentAt.put(
                    call.callId(), new long[(int) Math.ceil(call.seconds() * 1000 / chunkMs) + 2]);
            longest = Math.max(longest, call.seconds());
        }
        List<Double> latenciesMs = new ArrayList<>();
        long[] eventCount = {0};
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean();
        Map<Long, Long> threadCpuBefore = threadCpu(threads);
        long processCpuBefore = os.getProcessCpuTime();
        long wallStart = System.nanoTime();
        try (OutputReader reader =
                        new OutputReader(
                                bootstrap,
                                registryUrl,
                                List.of(TopologySettings.DEFAULT_EVENTS_TOPIC),
                                false);
                Producer<String, AudioChunk> producer =
                        CallAudioSender.newProducer(bootstrap, registryUrl)) {
            CallAudioSender sender =
                    new CallAudioSender(
                            producer, TopologySettings.DEFAULT_AUDIO_TOPIC, chunk, false);
            ExecutorService pool = Executors.newFixedThreadPool(calls.size());
            List<Future<Long>> sending = new ArrayList<>();
            for (int i = 0; i < calls.size(); i++) {
                CallAudioSender.CallStream call = calls.get(i);
                long delayNanos = stagger.toNanos() * i / calls.size();
                long[] times = sentAt.get(call.callId());
                sending.add(
                        pool.submit(
                                () -> {
                                    Thread.sleep(
                                            delayNanos / 1_000_000, (int) (delayNanos % 1_000_000));
                                    return sender.send(
                                            call,
                                            Instant.now(),
                                            sequence -> times[(int) sequence] = System.nanoTime());
                                }));
            }
            long expectedWindows =
                    calls.stream()
                            .mapToLong(
                                    c ->
                                            c.channels().length
                                                    * (long)
                                                            Math.floor(
                                                                    c.seconds() * 1000 / windowMs))
                            .sum();
            Instant end =
                    Instant.now().plus(stagger).plusMillis((long) (longest * 1000)).plusSeconds(60);
            while (eventCount[0] < expectedWindows && Instant.now().isBefore(end)) {
                reader.poll(
                        Duration.ofMillis(100),
                        event -> {
                            long now = System.nanoTime();
                            long[] times = sentAt.get(event.getCallId());
                            if (times == null) {
                                return; // an event of an earlier phase
                            }
                            eventCount[0]++;
                            // the chunk that completed the window: the one holding its last sample
                            long lastChunk =
                                    (event.getWindowEndOffsetMs() + chunkMs - 1) / chunkMs - 1;
                            if (lastChunk < times.length
                                    && times[(int) lastChunk] > 0
                                    && event.getWindowEndOffsetMs() - event.getWindowStartOffsetMs()
                                            == windowMs) {
                                latenciesMs.add((now - times[(int) lastChunk]) / 1e6);
                            }
                        },
                        stats -> {});
            }
            long chunksSent = 0;
            for (Future<Long> f : sending) {
                chunksSent += f.get();
            }
            // measured before the sender pool and the producer close: their threads' CPU time dies
            // with them
            double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
            long processCpu = os.getProcessCpuTime() - processCpuBefore;
            Map<String, Long> cpuByPart = cpuByPart(threads, threadCpuBefore, processCpu);
            pool.shutdown();
            // the stream threads with their producer's network thread: all the service's Kafka
            // Streams threads
            long streamCpu = cpuByPart.get("streamThreads") + cpuByPart.get("streamsProducer");
            Map<String, Double> coresByPart = new LinkedHashMap<>();
            cpuByPart.forEach(
                    (part, nanos) -> coresByPart.put(part, round(nanos / 1e9 / wallSeconds)));
            return new Phase(
                    chunksSent,
                    eventCount[0],
                    wallSeconds,
                    processCpu,
                    streamCpu,
                    coresByPart,
                    latenciesMs.stream().mapToDouble(Double::doubleValue).sorted().toArray());
        }
    }

    /** The service's classifier, adding up the CPU time it takes on the calling (stream) thread. */
    private static final class CpuTimedClassifier implements WindowClassifier {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        private final WindowClassifier classifier;
        final AtomicLong cpuNanos = new AtomicLong();
        final AtomicLong calls = new AtomicLong();

        CpuTimedClassifier(WindowClassifier classifier) {
            this.classifier = classifier;
        }

        @Override
        public WindowResult classify(float[] samples, int sampleRate) {
            long started = THREADS.getCurrentThreadCpuTime();
            try {
                return classifier.classify(samples, sampleRate);
            } finally {
                cpuNanos.addAndGet(THREADS.getCurrentThreadCpuTime() - started);
                calls.incrementAndGet();
            }
        }

        @Override
        public List<String> labels() {
            return classifier.labels();
        }

        @Override
        public String modelId() {
            return classifier.modelId();
        }

        @Override
        public String modelVersion() {
            return classifier.modelVersion();
        }
    }

    /** CPU time of every live thread, by thread id. */
    private static Map<Long, Long> threadCpu(ThreadMXBean threads) {
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long time = threads.getThreadCpuTime(id);
            if (time > 0) {
                cpu.put(id, time);
            }
        }
        return cpu;
    }

    /**
     * Where the process's CPU went during the run, in nanoseconds, by part: the service's
     * stream threads and their producer, the load generator (sender threads and their producer), the in-process
     * broker (every other named thread), and the rest (garbage collection, JIT compilation, ONNX Runtime's own
     * threads, threads that ended during the run), which the JVM does not attribute to a Java thread.
     */
    private static Map<String, Long> cpuByPart(
            ThreadMXBean threads, Map<Long, Long> before, long processCpu) {
        Map<String, Long> parts = new LinkedHashMap<>();
        for (String part :
                List.of(
                        "streamThreads",
                        "streamsProducer",
                        "loadGenerator",
                        "broker",
                        "benchMain")) {
            parts.put(part, 0L);
        }
        long attributed = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long used =
                    threads.getThreadCpuTime(info.getThreadId())
                            - before.getOrDefault(info.getThreadId(), 0L);
            if (used <= 0) {
                continue;
            }
            String name = info.getThreadName();
            String part =
                    name.contains("StreamThread")
                            ? (name.contains("producer") ? "streamsProducer" : "streamThreads")
                            : name.startsWith("pool-") || name.contains("| producer-")
                                    ? "loadGenerator"
                                    : name.equals("main") ? "benchMain" : "broker";
            parts.merge(part, used, Long::sum);
            attributed += used;
        }
        parts.put("jvmAndNativeThreads", Math.max(0, processCpu - attributed));
        return parts;
    }

    private static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
