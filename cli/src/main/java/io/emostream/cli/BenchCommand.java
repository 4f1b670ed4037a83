package io.emostream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.emostream.analysis.WindowAnalysis;
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
import io.emostream.service.EmostreamConfig;
import io.emostream.service.ServiceWiring;
import io.emostream.service.StandaloneStreams;
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
 *
 * <p>Four modes: real-time calls (the default); {@code --drain}, the catch-up rate on a backlog produced before
 * the service starts; {@code --find-max}, the largest real-time load that keeps every window and a p99 bound;
 * {@code --memory}, the packaged service's memory under many slow concurrent calls and its reclaiming of their
 * state ({@link MemoryBench}). With {@code --service-process} the service is the packaged one in a process of its
 * own and its CPU is counted all-in (every thread, native ones included), from the operating system.
 */
@Command(
        name = "bench",
        description = {
            "measure throughput, CPU per window and latency of the streaming service",
            "",
            "Runs N concurrent real-time calls through the service topology on an embedded broker and registry and "
                    + "prints a JSON summary (throughput, CPU per window and by part, latency p50/p99). --drain "
                    + "measures the catch-up on a backlog instead, --find-max the largest load that keeps up, "
                    + "--memory the service's memory per active call and the reclaiming of ended calls."
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
            names = "--service-property",
            paramLabel = "KEY=VALUE",
            description =
                    "configuration of the packaged service, as a -D system property (any key of "
                            + "application.properties, e.g. kafka-streams.commit.interval.ms=500); repeatable; "
                            + "needs --service-process, --drain or --memory. The topic names stay the bench's")
    private Map<String, String> serviceProperties = new LinkedHashMap<>();

    @Option(
            names = "--service-jvm-option",
            paramLabel = "OPT",
            description =
                    "a JVM option of the packaged service (e.g. -XX:+UseParallelGC), after its defaults "
                            + "-Xmx1g -XX:+ExitOnOutOfMemoryError; repeatable; needs a service process as above")
    private List<String> serviceJvmOptions = new ArrayList<>();

    @Option(
            names = "--stagger",
            paramLabel = "DUR",
            defaultValue = "3s",
            converter = Converters.DurationOrZero.class,
            description =
                    "call starts spread evenly over this span (default ${DEFAULT-VALUE}; 0s: all calls start, "
                            + "and complete each window, at the same moment)")
    private Duration stagger;

    @Option(
            names = "--drain",
            description =
                    "backlog mode: produce every call's audio first, as fast as possible, then start the service "
                            + "on it and measure how fast it catches up, as after an outage (a cold service: "
                            + "--warmup and --stagger do not apply)")
    private boolean drain;

    @Option(
            names = "--find-max",
            description =
                    "raise the number of real-time calls from --calls (doubling, then bisecting) until a phase "
                            + "misses a window or its p99 exceeds --p99, and report the largest that passed")
    private boolean findMax;

    @Option(
            names = "--p99",
            paramLabel = "DUR",
            defaultValue = "500ms",
            converter = Converters.PositiveDuration.class,
            description = "the latency bound of --find-max (default ${DEFAULT-VALUE})")
    private Duration p99Bound;

    @Option(
            names = "--max-calls",
            paramLabel = "N",
            defaultValue = "2000",
            converter = Converters.PositiveInt.class,
            description = "where --find-max stops raising the load (default ${DEFAULT-VALUE})")
    private int maxCalls;

    @Option(
            names = "--memory",
            description =
                    "memory mode: --calls concurrent calls, each sending one --chunk-ms chunk of silence every "
                            + "--pace, through the packaged service (always a process of its own); samples its "
                            + "RSS, heap, RocksDB memory and exact store entries at baseline, ramp, hold, end and "
                            + "reclaim, and prints a table and JSON (--duration, --warmup and --stagger do not apply)")
    private boolean memory;

    @Option(
            names = "--pace",
            paramLabel = "DUR",
            defaultValue = MemoryBench.DEFAULT_PACE,
            converter = Converters.PositiveDuration.class,
            description =
                    "--memory: time between two chunks of one call (default ${DEFAULT-VALUE}; keep it well "
                            + "below emostream.window.inactivity-timeout)")
    private Duration pace;

    @Option(
            names = "--hold",
            paramLabel = "DUR",
            defaultValue = MemoryBench.DEFAULT_HOLD,
            converter = Converters.PositiveDuration.class,
            description =
                    "--memory: how long all calls stay active before they end (default ${DEFAULT-VALUE})")
    private Duration hold;

    @Option(
            names = "--instances",
            paramLabel = "N",
            converter = Converters.PositiveInt.class,
            description =
                    "failover mode: N packaged service processes with one application id, the input topic "
                            + "with 12 partitions, --calls real-time calls of --duration; with --kill-every, "
                            + "kills and restarts them in turn and reports windows delivered exactly once, "
                            + "restart-to-ready times and latency inside and outside rebalances (FailoverBench)")
    private Integer instances;

    @Option(
            names = "--kill-every",
            paramLabel = "DUR",
            converter = Converters.PositiveDuration.class,
            description =
                    "--instances: SIGKILL one instance this often, round robin, and start it again on its "
                            + "state directory (needs --instances 2 or more)")
    private Duration killEvery;

    @Option(
            names = "--kills",
            paramLabel = "K",
            converter = Converters.PositiveInt.class,
            description =
                    "--kill-every: stop after K kills (default: as many as fall before the calls end)")
    private Integer kills;

    @Override
    int run(PrintStream out, PrintStream err) throws Exception {
        if (instances != null || killEvery != null || kills != null) {
            FailoverBench.Options failover =
                    FailoverBench.Options.of(
                            instances,
                            killEvery,
                            kills,
                            drain ? "--drain" : findMax ? "--find-max" : memory ? "--memory" : null,
                            calls,
                            duration,
                            chunk.chunk(),
                            stagger,
                            warmup,
                            model.path(),
                            serviceProperties,
                            serviceJvmOptions);
            out.println(
                    new ObjectMapper()
                            .enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(new FailoverBench(failover, err).run()));
            return 0;
        }
        if ((drain ? 1 : 0) + (findMax ? 1 : 0) + (memory ? 1 : 0) > 1) {
            throw new IllegalArgumentException(
                    "--drain, --find-max and --memory are separate modes: pick one");
        }
        if (findMax && maxCalls < calls) {
            throw new IllegalArgumentException(
                    "--max-calls " + maxCalls + " is below --calls " + calls);
        }
        if (!(serviceProcess || memory)
                && !(serviceProperties.isEmpty() && serviceJvmOptions.isEmpty())) {
            throw new IllegalArgumentException(
                    "--service-property and --service-jvm-option configure the packaged service: add "
                            + "--service-process");
        }
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
            StandaloneStreams app =
                    new StandaloneStreams(
                            Map.of(
                                    "quarkus.kafka-streams.bootstrap-servers",
                                            kafka.bootstrapServers(),
                                    "quarkus.kafka-streams.application-id", "emostream-bench",
                                    "emostream.serde.schema-registry-url", registry.ccompatUrl(),
                                    "emostream.model.path", model.toAbsolutePath().toString(),
                                    "kafka-streams.state.dir", stateDir.toString()));
            EmostreamConfig.Topics topics = app.config().topics();
            kafka.createTopics(
                    Map.of(
                            topics.audio(), 4,
                            topics.events(), 4,
                            topics.stats(), 4,
                            topics.alerts(), 4,
                            topics.dlq(), 1));
            Map<String, Object> summary;
            if (memory) {
                try (ServiceProcess service =
                        startService(
                                topics,
                                kafka.bootstrapServers(),
                                registry.ccompatUrl(),
                                model,
                                stateDir,
                                err)) {
                    summary =
                            new MemoryBench(
                                            new MemoryBench.Options(calls, chunk, pace, hold),
                                            app.config(),
                                            kafka.bootstrapServers(),
                                            registry.ccompatUrl(),
                                            service,
                                            err)
                                    .run();
                }
            } else if (drain) {
                try (EmotionModel emotionModel = app.loadModel()) {
                    summary =
                            runDrain(
                                    app,
                                    emotionModel,
                                    kafka.bootstrapServers(),
                                    registry.ccompatUrl(),
                                    model,
                                    stateDir,
                                    chunk,
                                    err);
                }
            } else {
                try (EmotionModel emotionModel = app.loadModel();
                        ServiceProcess service =
                                serviceProcess
                                        ? startService(
                                                topics,
                                                kafka.bootstrapServers(),
                                                registry.ccompatUrl(),
                                                model,
                                                stateDir,
                                                err)
                                        : null) {
                    summary =
                            findMax
                                    ? runFindMax(
                                            app,
                                            emotionModel,
                                            service,
                                            kafka.bootstrapServers(),
                                            registry.ccompatUrl(),
                                            chunk,
                                            err)
                                    : runBench(
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
                }
            }
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            out.println(mapper.writeValueAsString(summary));
        }
        return 0;
    }

    /** What one phase of real-time calls measured. */
    /** Where and how a phase's calls are sent: the bench's broker, registry and topics, chunk size, call spread. */
    private record Load(
            EmostreamConfig.Topics topics,
            String bootstrap,
            String registryUrl,
            long windowMs,
            Duration chunk,
            Duration stagger) {}

    private record Phase(
            long chunksSent,
            long expectedWindows,
            long events,
            double wallSeconds,
            long processCpu,
            long streamCpu,
            Map<String, Double> coresByPart,
            double[] sortedLatenciesMs) {}

    /** The packaged service in a process of its own, on the bench's broker and registry, once it is ready. */
    private ServiceProcess startService(
            EmostreamConfig.Topics topics,
            String bootstrap,
            String registryUrl,
            Path model,
            Path stateDir,
            PrintStream err)
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
                        serviceProperties(topics),
                        serviceJvmOptions,
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

    /**
     * A Kafka Streams setting as the service ran with it: a {@code --service-property kafka-streams.KEY} (which only
     * the service process gets) wins over the configuration this process read.
     */
    private String streamsSetting(StandaloneStreams app, String key, String fallback) {
        String override = serviceProperties.get("kafka-streams." + key);
        if (override != null) {
            return override;
        }
        return String.valueOf(app.streamsProperties().getOrDefault(key, fallback));
    }

    /** {@code --service-property} values, then the topic names this process uses, whatever they say. */
    private Map<String, String> serviceProperties(EmostreamConfig.Topics topics) {
        Map<String, String> properties = new LinkedHashMap<>(serviceProperties);
        properties.putAll(
                Map.of(
                        "quarkus.kafka-streams.application-id", "emostream-bench",
                        "emostream.topics.audio", topics.audio(),
                        "emostream.topics.events", topics.events(),
                        "emostream.topics.stats", topics.stats(),
                        "emostream.topics.alerts", topics.alerts(),
                        "emostream.topics.dlq", topics.dlq()));
        return properties;
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
        List<CallAudioSender.CallStream> calls = benchCalls("bench-", callCount, seconds);
        long windowMs = app.config().window().size().toMillis();

        CpuTimedClassifier timed =
                new CpuTimedClassifier(ServiceWiring.analyser(model, app.config()));
        KafkaStreams streams = service == null ? startInProcess(app, timed) : null;
        Load load =
                new Load(app.config().topics(), bootstrap, registryUrl, windowMs, chunk, stagger);
        warmUp(load, callCount, warmup, err);
        err.printf("bench: %d calls of %.0f s in real time ...%n", callCount, seconds);
        long classifierCpuBefore = timed.cpuNanos.get();
        long classifierCallsBefore = timed.calls.get();
        Duration serviceCpuBefore = service == null ? Duration.ZERO : service.cpuTime();
        Map<String, Duration> threadKindsBefore =
                service == null ? Map.of() : service.cpuTimeByThreadKind();
        Phase measured = runPhase(load, calls);
        Duration serviceCpu =
                service == null ? Duration.ZERO : service.cpuTime().minus(serviceCpuBefore);
        Map<String, Duration> threadKindsAfter =
                service == null ? Map.of() : service.cpuTimeByThreadKind();
        long classifierCpu = timed.cpuNanos.get() - classifierCpuBefore;
        long classifierCalls = timed.calls.get() - classifierCallsBefore;
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
        }
        long windowsClassified = measured.events();
        double wallSeconds = measured.wallSeconds();
        double[] sorted = measured.sortedLatenciesMs();
        long windows = Math.max(1, windowsClassified);
        long directCpu = frontEndAndModelCpu(timed.classifier, calls, windowMs, windows);

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("mode", "real-time");
        summary.put("calls", callCount);
        summary.put("callSeconds", seconds);
        summary.put("chunkMs", chunk.toMillis());
        summary.put("warmupSeconds", warmup.toSeconds());
        summary.put("callStartsSpreadOverMs", stagger.toMillis());
        summary.put("model", model.modelId() + " " + model.modelVersion());
        summary.put(
                "processingGuarantee",
                streamsSetting(app, StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once"));
        summary.put(
                "streamThreads",
                Integer.parseInt(
                        streamsSetting(app, StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1")));
        summary.put("wallSeconds", round(wallSeconds));
        summary.put("chunks", measured.chunksSent());
        summary.put("chunksPerSecond", round(measured.chunksSent() / wallSeconds));
        summary.put("windows", windowsClassified);
        // as in --drain and --find-max: the full windows the calls make, against those read back
        summary.put("expectedWindows", measured.expectedWindows());
        summary.put("everyWindowDelivered", measured.events() >= measured.expectedWindows());
        summary.put("windowsPerSecond", round(windowsClassified / wallSeconds));
        summary.put("cpuMsPerWindowFrontEndAndModelOnly", round(directCpu / 1e6 / windows));
        if (service != null) {
            // all-in: the service process's every thread, and nothing of the broker, registry or
            // load generator
            double serviceCpuMs = serviceCpu.toNanos() / 1e6;
            putAllIn(
                    summary,
                    serviceCpuMs,
                    windowsClassified,
                    directCpu,
                    wallSeconds,
                    callCount * wallSeconds);
            putByThreadKind(summary, threadKindsBefore, threadKindsAfter, windows);
            putResidentMemory(summary, service);
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
     * {@code --drain}: every call's audio is produced first, as fast as the producer goes, while no service
     * consumes; then the service starts (the packaged one with {@code --service-process}, else the topology in
     * this process) and the clock runs from the moment it is ready (RUNNING) until the last window's event is
     * read with read_committed. The service is cold, as after an outage, so its JIT warm-up is part of the cost.
     */
    private Map<String, Object> runDrain(
            StandaloneStreams app,
            EmotionModel model,
            String bootstrap,
            String registryUrl,
            Path modelPath,
            Path stateDir,
            Duration chunk,
            PrintStream err)
            throws Exception {
        double seconds = duration.toMillis() / 1000.0;
        List<CallAudioSender.CallStream> backlog = benchCalls("drain-", calls, seconds);
        long windowMs = app.config().window().size().toMillis();
        err.printf("bench: producing a backlog of %d calls of %.0f s ...%n", calls, seconds);
        long produceStart = System.nanoTime();
        long chunks = 0;
        try (Producer<String, AudioChunk> producer =
                CallAudioSender.newProducer(bootstrap, registryUrl)) {
            CallAudioSender sender =
                    new CallAudioSender(producer, app.config().topics().audio(), chunk, true);
            Instant start = Instant.now();
            for (CallAudioSender.CallStream call : backlog) {
                chunks += sender.send(call, start, sequence -> {});
            }
        }
        double produceSeconds = (System.nanoTime() - produceStart) / 1e9;
        long expected = expectedWindows(backlog, windowMs);

        CpuTimedClassifier timed =
                new CpuTimedClassifier(ServiceWiring.analyser(model, app.config()));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean();
        Map<String, Object> memory = new LinkedHashMap<>();
        long events = 0;
        double drainSeconds;
        long processCpu;
        Duration serviceCpu = Duration.ZERO;
        Map<String, Duration> threadKindsBefore = Map.of();
        Map<String, Duration> threadKindsAfter = Map.of();
        SteadyStart steady = null;
        Map<String, Object> steadyState = new LinkedHashMap<>();
        Map<String, Long> cpuByPart;
        try (OutputReader reader =
                        new OutputReader(
                                bootstrap,
                                registryUrl,
                                List.of(app.config().topics().events()),
                                false);
                ServiceProcess service =
                        serviceProcess
                                ? startService(
                                        app.config().topics(),
                                        bootstrap,
                                        registryUrl,
                                        modelPath,
                                        stateDir,
                                        err)
                                : null) {
            KafkaStreams streams = service == null ? startInProcess(app, timed) : null;
            err.printf("bench: draining %d windows ...%n", expected);
            Map<Long, Long> threadCpuBefore = threadCpu(threads);
            long processCpuBefore = os.getProcessCpuTime();
            Duration serviceCpuBefore = service == null ? Duration.ZERO : service.cpuTime();
            threadKindsBefore = service == null ? Map.of() : service.cpuTimeByThreadKind();
            long start = System.nanoTime();
            // generous: a backlog drains at a few times real time at least; a stall ends the run
            long[] count = {0};
            Instant deadline = Instant.now().plusMillis((long) (seconds * 1000) * 4 + 120_000);
            while (count[0] < expected && Instant.now().isBefore(deadline)) {
                reader.poll(
                        Duration.ofMillis(100),
                        event -> {
                            // full windows only, as expectedWindows counts them (a trailing partial
                            // window is not expected)
                            if (event.getWindowEndOffsetMs() - event.getWindowStartOffsetMs()
                                    == windowMs) {
                                count[0]++;
                            }
                        },
                        stats -> {});
                if (service != null && steady == null && count[0] >= expected / 3) {
                    steady =
                            new SteadyStart(
                                    count[0],
                                    System.nanoTime(),
                                    service.cpuTime(),
                                    service.cpuTimeByThreadKind());
                }
            }
            events = count[0];
            drainSeconds = (System.nanoTime() - start) / 1e9;
            processCpu = os.getProcessCpuTime() - processCpuBefore;
            cpuByPart = cpuByPart(threads, threadCpuBefore, processCpu);
            if (service != null) {
                Duration serviceCpuNow = service.cpuTime();
                serviceCpu = serviceCpuNow.minus(serviceCpuBefore);
                threadKindsAfter = service.cpuTimeByThreadKind();
                if (steady != null && events > steady.windows()) {
                    long steadyWindows = events - steady.windows();
                    double cpuMs = serviceCpuNow.minus(steady.serviceCpu()).toNanos() / 1e6;
                    double steadySeconds = (System.nanoTime() - steady.nanoTime()) / 1e9;
                    steadyState.put("fromWindow", steady.windows());
                    steadyState.put("windows", steadyWindows);
                    steadyState.put("seconds", round(steadySeconds));
                    steadyState.put("windowsPerSecond", round(steadyWindows / steadySeconds));
                    steadyState.put("serviceCpuMsPerWindow", round(cpuMs / steadyWindows));
                    steadyState.put("serviceCoresUsed", round(cpuMs / 1000 / steadySeconds));
                    steadyState.put(
                            "callsPerServiceCore",
                            round(
                                    steadyWindows
                                            * (calls * seconds / Math.max(1, expected))
                                            / (cpuMs / 1000)));
                    putByThreadKind(
                            steadyState, steady.threadKinds(), threadKindsAfter, steadyWindows);
                }
                putResidentMemory(memory, service);
            }
            if (streams != null) {
                streams.close(Duration.ofSeconds(30));
            }
        }
        long windows = Math.max(1, events);
        long directCpu = frontEndAndModelCpu(timed.classifier, backlog, windowMs, windows);

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("mode", "drain");
        summary.put("calls", calls);
        summary.put("callSeconds", seconds);
        summary.put("chunkMs", chunk.toMillis());
        summary.put("model", model.modelId() + " " + model.modelVersion());
        summary.put(
                "processingGuarantee",
                streamsSetting(app, StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once"));
        summary.put("backlogChunks", chunks);
        summary.put("backlogProduceSeconds", round(produceSeconds));
        summary.put("expectedWindows", expected);
        summary.put("windows", events);
        summary.put("everyWindowDelivered", events >= expected);
        summary.put("drainSeconds", round(drainSeconds));
        summary.put("windowsPerSecond", round(events / drainSeconds));
        // how many times faster than real time the backlog was caught up
        summary.put(
                "realTimeFactor", round(seconds * events / Math.max(1, expected) / drainSeconds));
        summary.put("cpuMsPerWindowFrontEndAndModelOnly", round(directCpu / 1e6 / windows));
        if (serviceProcess) {
            double serviceCpuMs = serviceCpu.toNanos() / 1e6;
            // call audio caught up, in call-seconds: as many calls carried in real time per CPU
            // second
            putAllIn(
                    summary,
                    serviceCpuMs,
                    events,
                    directCpu,
                    drainSeconds,
                    calls * seconds * events / Math.max(1, expected));
            putByThreadKind(summary, threadKindsBefore, threadKindsAfter, windows);
            // the same after the first third of the windows: the cold start's JIT compilation and
            // first fetches behind it, the rate a warm service keeps up
            summary.put("afterTheFirstThird", steadyState);
            summary.putAll(memory);
        } else {
            summary.put("cpuMsPerWindowProcess", round(processCpu / 1e6 / windows));
            summary.put(
                    "cpuMsPerWindowStreamThreads",
                    round(
                            (cpuByPart.get("streamThreads") + cpuByPart.get("streamsProducer"))
                                    / 1e6
                                    / windows));
            summary.put(
                    "processCpuNote",
                    "process CPU includes the in-process broker and the reader (the backlog was produced before)");
        }
        Map<String, Double> coresByPart = new LinkedHashMap<>();
        cpuByPart.forEach(
                (part, nanos) -> coresByPart.put(part, round(nanos / 1e9 / drainSeconds)));
        summary.put("coresUsedByPart", coresByPart);
        return summary;
    }

    /**
     * {@code --find-max}: real-time phases of {@code --duration} on one running service, each with new call ids.
     * The load doubles from {@code --calls} until a phase fails (a window missing, or p99 above {@code --p99}),
     * then the span between the last pass and the first failure is bisected down to a tenth of the passing load
     * (at least 10 calls). Every step is reported; the answer is the largest load that passed.
     */
    private Map<String, Object> runFindMax(
            StandaloneStreams app,
            EmotionModel model,
            ServiceProcess service,
            String bootstrap,
            String registryUrl,
            Duration chunk,
            PrintStream err)
            throws Exception {
        double seconds = duration.toMillis() / 1000.0;
        long windowMs = app.config().window().size().toMillis();
        CpuTimedClassifier timed =
                new CpuTimedClassifier(ServiceWiring.analyser(model, app.config()));
        KafkaStreams streams = service == null ? startInProcess(app, timed) : null;
        Load load =
                new Load(app.config().topics(), bootstrap, registryUrl, windowMs, chunk, stagger);
        warmUp(load, calls, warmup, err);
        List<Map<String, Object>> steps = new ArrayList<>();
        int passed = 0;
        int failed = 0;
        int next = calls;
        while (next > 0) {
            err.printf("bench: find-max step, %d calls of %.0f s ...%n", next, seconds);
            Duration serviceCpuBefore = service == null ? Duration.ZERO : service.cpuTime();
            Phase phase = runPhase(load, benchCalls("max" + steps.size() + "-", next, seconds));
            double p99 = percentile(phase.sortedLatenciesMs(), 0.99);
            boolean pass = phase.events() >= phase.expectedWindows() && p99 <= p99Bound.toMillis();
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("calls", next);
            step.put("expectedWindows", phase.expectedWindows());
            step.put("windows", phase.events());
            step.put("p99Ms", round(p99));
            if (service != null) {
                double cpuMs = service.cpuTime().minus(serviceCpuBefore).toNanos() / 1e6;
                step.put("serviceCpuMsPerWindow", round(cpuMs / Math.max(1, phase.events())));
                step.put("serviceCoresUsed", round(cpuMs / 1000 / phase.wallSeconds()));
                putResidentMemory(step, service);
            }
            // where the rest of the box went: the bench process holds the broker, the load
            // generator
            // and the reader (benchMain); the registry is a process of its own, idle once the
            // schemas
            // are cached
            step.put("benchProcessCores", round(phase.processCpu() / 1e9 / phase.wallSeconds()));
            step.put("benchProcessCoresByPart", phase.coresByPart());
            step.put("pass", pass);
            steps.add(step);
            if (pass) {
                passed = next;
            } else {
                failed = next;
            }
            next = nextLoad(passed, failed, maxCalls);
        }
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("mode", "find-max");
        summary.put("callSeconds", seconds);
        summary.put("chunkMs", chunk.toMillis());
        summary.put("warmupSeconds", warmup.toSeconds());
        summary.put("callStartsSpreadOverMs", stagger.toMillis());
        summary.put("model", model.modelId() + " " + model.modelVersion());
        summary.put("serviceProcess", service != null);
        summary.put("p99BoundMs", p99Bound.toMillis());
        summary.put("steps", steps);
        summary.put("maxSustainedCalls", passed);
        summary.put("searchEndedAtMaxCalls", failed == 0);
        return summary;
    }

    /**
     * The service's CPU all-in: per window, cores used over {@code wallSeconds}, its ratio to front end + model
     * alone, {@code callsPerServiceCore} (the call-seconds of audio served per service CPU second: how many
     * calls like these one core carries in real time) and windows per CPU second.
     */
    private static void putAllIn(
            Map<String, Object> summary,
            double serviceCpuMs,
            long windowsServed,
            long directCpuNanos,
            double wallSeconds,
            double callSeconds) {
        long windows = Math.max(1, windowsServed);
        double cpuSeconds = Math.max(1e-9, serviceCpuMs / 1000);
        summary.put("serviceProcess", true);
        summary.put("serviceCpuMsPerWindow", round(serviceCpuMs / windows));
        summary.put("serviceCoresUsed", round(serviceCpuMs / 1000 / wallSeconds));
        summary.put(
                "serviceCpuOverFrontEndAndModel",
                round(serviceCpuMs * 1e6 / Math.max(1, directCpuNanos)));
        summary.put("callsPerServiceCore", round(callSeconds / cpuSeconds));
        summary.put("windowsPerServiceCpuSecond", round(windowsServed / cpuSeconds));
    }

    /** Where the steady part of a drain starts: windows read so far, then, and the service's CPU then. */
    private record SteadyStart(
            long windows, long nanoTime, Duration serviceCpu, Map<String, Duration> threadKinds) {}

    /**
     * The service's CPU per window by kind of thread ({@link ServiceProcess#cpuTimeByThreadKind()}: stream
     * threads, producers' network threads, RocksDB's background threads, GC, JIT, ...), largest first; kinds under
     * 0.05 ms a window are summed as "other". Threads that ended during the phase are missing, so the parts may sum
     * to less than {@code serviceCpuMsPerWindow}.
     */
    private static void putByThreadKind(
            Map<String, Object> summary,
            Map<String, Duration> before,
            Map<String, Duration> after,
            long windows) {
        if (after.isEmpty()) {
            return;
        }
        Map<String, Double> msPerWindow = new LinkedHashMap<>();
        double other = 0;
        List<Map.Entry<String, Duration>> kinds = new ArrayList<>(after.entrySet());
        kinds.sort(
                (a, b) ->
                        b.getValue()
                                .minus(before.getOrDefault(b.getKey(), Duration.ZERO))
                                .compareTo(
                                        a.getValue()
                                                .minus(
                                                        before.getOrDefault(
                                                                a.getKey(), Duration.ZERO))));
        for (Map.Entry<String, Duration> kind : kinds) {
            double ms =
                    kind.getValue()
                                    .minus(before.getOrDefault(kind.getKey(), Duration.ZERO))
                                    .toNanos()
                            / 1e6
                            / Math.max(1, windows);
            if (ms < 0.05) {
                other += ms;
            } else {
                msPerWindow.put(kind.getKey(), round(ms));
            }
        }
        msPerWindow.put("other", round(other));
        summary.put("serviceCpuMsPerWindowByThreadKind", msPerWindow);
    }

    /** The service process's resident memory now and its peak so far, in MiB, when the system tells. */
    private static void putResidentMemory(Map<String, Object> summary, ServiceProcess service) {
        service.residentMemory()
                .ifPresent(
                        memory -> {
                            summary.put(
                                    "serviceResidentMiB", round(memory.currentBytes() / 1048576.0));
                            summary.put(
                                    "servicePeakResidentMiB",
                                    round(memory.peakBytes() / 1048576.0));
                        });
    }

    /**
     * The next load of {@code --find-max}, or 0 when the search is over: double while nothing failed (up to
     * {@code max}), then bisect until the gap is at most a tenth of the passing load, or 10 calls.
     */
    static int nextLoad(int passed, int failed, int max) {
        if (failed == 0) {
            return passed >= max ? 0 : Math.min(max, passed * 2);
        }
        if (passed == 0) {
            return failed > 1 ? failed / 2 : 0;
        }
        int resolution = Math.max(10, passed / 10);
        return failed - passed <= resolution ? 0 : (passed + failed) / 2;
    }

    private static List<CallAudioSender.CallStream> benchCalls(
            String prefix, int count, double seconds) {
        List<CallAudioSender.CallStream> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(DemoCalls.generated(prefix + i, i, seconds, 1000L * i));
        }
        return list;
    }

    private static long expectedWindows(List<CallAudioSender.CallStream> calls, long windowMs) {
        return calls.stream()
                .mapToLong(
                        c -> c.channels().length * (long) Math.floor(c.seconds() * 1000 / windowMs))
                .sum();
    }

    /** The service topology in this process, with the timed classifier, once it is RUNNING. */
    private static KafkaStreams startInProcess(StandaloneStreams app, CpuTimedClassifier timed)
            throws InterruptedException {
        KafkaStreams streams = app.newKafkaStreams(timed, new SimpleMeterRegistry());
        streams.start();
        Instant deadline = Instant.now().plusSeconds(120);
        while (streams.state() != KafkaStreams.State.RUNNING && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new IllegalStateException(
                    "Kafka Streams not RUNNING after 120 s: " + streams.state());
        }
        return streams;
    }

    /**
     * A fresh JVM spends its first tens of seconds compiling the broker, the clients and the topology; a service
     * runs for days, so the measured phase starts warm. Same load, other call ids.
     */
    private static void warmUp(Load load, int callCount, Duration warmup, PrintStream err)
            throws Exception {
        if (warmup.isZero()) {
            return;
        }
        err.printf("bench: warm-up, %d calls of %d s ...%n", callCount, warmup.toSeconds());
        List<CallAudioSender.CallStream> warmupCalls = new ArrayList<>();
        for (int i = 0; i < callCount; i++) {
            warmupCalls.add(
                    DemoCalls.generated("warmup-" + i, i, warmup.toMillis() / 1000.0, 7L * i));
        }
        runPhase(load, warmupCalls);
    }

    /**
     * CPU time of the front end + model alone on {@code windows} windows cut from the calls, on this thread. The
     * windows are not copied out of the calls beforehand (a drain of 800 calls has 20,000 of them, 3.8 GB as
     * float32): each is copied into a scratch array of its length just before it is classified, inside the
     * measurement, which adds a copy of 3 s of samples (microseconds) to a window's milliseconds.
     */
    private static long frontEndAndModelCpu(
            WindowClassifier classifier,
            List<CallAudioSender.CallStream> calls,
            long windowMs,
            long windows) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        record WindowRef(float[] channel, int from, int samples, int sampleRate) {}
        List<WindowRef> refs = new ArrayList<>();
        for (CallAudioSender.CallStream call : calls) {
            int samples = (int) (windowMs * call.sampleRate() / 1000);
            for (float[] channel : call.channels()) {
                for (int from = 0; from + samples <= channel.length; from += samples) {
                    refs.add(new WindowRef(channel, from, samples, call.sampleRate()));
                }
            }
        }
        Map<Integer, float[]> scratch = new HashMap<>();
        long before = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < windows; i++) {
            WindowRef ref = refs.get(i % refs.size());
            float[] window = scratch.computeIfAbsent(ref.samples(), float[]::new);
            System.arraycopy(ref.channel(), ref.from(), window, 0, ref.samples());
            classifier.classify(window, ref.sampleRate());
        }
        return threads.getCurrentThreadCpuTime() - before;
    }

    /**
     * Sends {@code calls} in real time, call {@code i} starting {@code i / n} of {@code stagger} after the first
     * (calls in a contact center do not start in the same 100 ms; {@code --stagger 0s} makes every window of every
     * call complete at once), and reads their events until every full window has arrived (or a minute after
     * the audio ends). Latency: the last chunk of a window handed to the producer -> its event read with
     * read_committed.
     */
    private static Phase runPhase(Load load, List<CallAudioSender.CallStream> calls)
            throws Exception {
        EmostreamConfig.Topics topics = load.topics();
        String bootstrap = load.bootstrap();
        String registryUrl = load.registryUrl();
        long windowMs = load.windowMs();
        Duration chunk = load.chunk();
        Duration stagger = load.stagger();
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
                        new OutputReader(bootstrap, registryUrl, List.of(topics.events()), false);
                Producer<String, AudioChunk> producer =
                        CallAudioSender.newProducer(bootstrap, registryUrl)) {
            CallAudioSender sender = new CallAudioSender(producer, topics.audio(), chunk, false);
            // one pacing thread for every call (named pool-*, so counted as the load generator)
            ExecutorService pool = Executors.newSingleThreadExecutor();
            Future<Long> sending =
                    pool.submit(
                            () ->
                                    sender.sendAll(
                                            calls,
                                            stagger,
                                            call -> {
                                                long[] times = sentAt.get(call.callId());
                                                return sequence ->
                                                        times[(int) sequence] = System.nanoTime();
                                            }));
            long expectedWindows = expectedWindows(calls, windowMs);
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
                            if (event.getWindowEndOffsetMs() - event.getWindowStartOffsetMs()
                                    != windowMs) {
                                return; // a call's trailing partial window: not in expectedWindows
                            }
                            eventCount[0]++;
                            // the chunk that completed the window: the one holding its last sample
                            long lastChunk =
                                    (event.getWindowEndOffsetMs() + chunkMs - 1) / chunkMs - 1;
                            if (lastChunk < times.length && times[(int) lastChunk] > 0) {
                                latenciesMs.add((now - times[(int) lastChunk]) / 1e6);
                            }
                        },
                        stats -> {});
            }
            long chunksSent = sending.get();
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
                    expectedWindows,
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
            return timed(() -> classifier.classify(samples, sampleRate));
        }

        @Override
        public WindowAnalysis analyse(float[] samples, int sampleRate, int validSamples) {
            return timed(() -> classifier.analyse(samples, sampleRate, validSamples));
        }

        private <T> T timed(java.util.function.Supplier<T> work) {
            long started = THREADS.getCurrentThreadCpuTime();
            try {
                return work.get();
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

    /** The p-quantile of sorted values (nearest rank), NaN when there are none; FailoverBench uses it too. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** Two decimals, as every bench figure is reported. */
    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
