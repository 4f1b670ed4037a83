package io.emostream.cli;

import io.emostream.avro.AudioChunk;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import io.emostream.avro.SpeakerRole;
import io.emostream.local.ApicurioRegistry;
import io.emostream.local.CallAudioSender;
import io.emostream.local.DemoCalls;
import io.emostream.local.EmbeddedKafka;
import io.emostream.local.OutputReader;
import io.emostream.local.ServiceProcess;
import io.emostream.service.EmostreamConfig;
import io.emostream.service.StandaloneStreams;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code emostream bench --instances N [--kill-every DUR [--kills K]]}: scale-out and failover under load. Starts
 * the embedded broker and registry (the input topic with {@value #AUDIO_PARTITIONS} partitions), N packaged service
 * processes with one application id, each with its own state directory and HTTP port, and sends {@code --calls}
 * real-time calls of {@code --duration} through them (the bench's load generator: {@link DemoCalls} audio sent by
 * {@link CallAudioSender}, one thread per call, call starts spread over {@code --stagger}). Every
 * {@code --kill-every} it kills one instance with SIGKILL, round robin, and starts it again at once on the same
 * state directory and port, as a crashed pod with its volume is restarted.
 *
 * <p>Kill {@code k} (from 1) is due {@code k × --kill-every} after the measured calls start, but never before the
 * instance of the previous kill and every other instance are ready again (so at most one instance is down at a
 * time); the delay is reported. Without {@code --kills}, as many kills as are due before the calls' audio ends.
 *
 * <p>What it measures:
 *
 * <ul>
 *   <li><b>windows</b>, read with {@code isolation.level=read_committed} from the events topic: every (call,
 *       speaker, window start) key of a full window the calls' audio holds is expected once. {@code missing}
 *       counts expected keys never read, {@code duplicates} every read of a key beyond its first (full or trailing
 *       partial windows alike); both 0 is exactly once;
 *   <li><b>final statistics</b>: a {@code final=true} record for every (call, speaker) of the stats topic, and
 *       whether its {@code windowsTotal} equals the distinct windows read for it (the statistics' state survived
 *       the moves);
 *   <li><b>restart to ready</b> per kill: from the new process's start to {@code /q/health/ready} answering 200
 *       ({@link ServiceProcess#awaitReady}: Kafka Streams RUNNING), and from the kill until every instance is
 *       ready; the Quarkus start-up time and the state restores of that kill, from the services' logs (Kafka
 *       Streams' state updater: an active task from {@code Initialized} to {@code completed restoration}, on
 *       any instance, and the changelog records restored);
 *   <li><b>end-to-end latency</b> of a window: the last chunk of the window handed to the producer to its event
 *       read, as the other modes measure it. A <em>rebalance window</em> runs from a kill to {@value
 *       #REBALANCE_TAIL_SECONDS} s after the restarted instance and every other instance are ready again; a
 *       window whose span from its last chunk sent to its event read overlaps a rebalance window is counted
 *       <em>inside rebalances</em>, every other window <em>outside</em>. Rebalances Kafka Streams starts on its own
 *       outside those windows (follow-up and probing rebalances that move tasks back to the restarted instance)
 *       are counted from the logs, since their effect lands in the "outside" figures.
 * </ul>
 *
 * <p>The service's session timeout is lowered to {@value #SESSION_TIMEOUT_MS} ms (heartbeat {@value
 * #HEARTBEAT_INTERVAL_MS} ms), as docs/operations.md advises where pods get steady CPU: with Kafka's 45-s default a
 * crashed member holds its partitions 45 s, longer than a 30-s kill interval. {@code --service-property} overrides
 * it, and anything else, for every instance.
 */
final class FailoverBench {

    /** Partitions of the input topic in this mode: room for six 2-thread instances. */
    static final int AUDIO_PARTITIONS = 12;

    /** How long a rebalance window lasts after every instance is ready again. */
    static final int REBALANCE_TAIL_SECONDS = 5;

    static final int SESSION_TIMEOUT_MS = 10_000;
    static final int HEARTBEAT_INTERVAL_MS = 3_000;

    private static final String APPLICATION_ID = "emostream-bench-failover";

    /** How long the registry and a service instance may take to be ready (a busy 2-core box is slow). */
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);

    /**
     * What the mode runs.
     *
     * @param instances         service processes
     * @param killEvery         time between kills, null for none (scale-out only)
     * @param kills             how many kills, or 0 for as many as are due before the audio ends
     * @param calls             concurrent real-time calls
     * @param duration          audio per call
     * @param chunk             audio per chunk
     * @param stagger           call starts spread over this span
     * @param warmup            audio per call of a warm-up before the measured calls (other call ids), 0 for none
     * @param model             the ONNX model
     * @param serviceProperties {@code --service-property} values, on top of this mode's defaults
     * @param jvmOptions        {@code --service-jvm-option} values
     */
    record Options(
            int instances,
            Duration killEvery,
            int kills,
            int calls,
            Duration duration,
            Duration chunk,
            Duration stagger,
            Duration warmup,
            Path model,
            Map<String, String> serviceProperties,
            List<String> jvmOptions) {

        /**
         * Checks the options of this mode as given on the command line ({@code instances}, {@code killEvery},
         * {@code kills} null when absent) and returns them.
         *
         * @param otherMode the other mode option given, if any ({@code --drain}, ...), else null
         * @throws UsageException when they do not fit together
         */
        static Options of(
                Integer instances,
                Duration killEvery,
                Integer kills,
                String otherMode,
                int calls,
                Duration duration,
                Duration chunk,
                Duration stagger,
                Duration warmup,
                Path model,
                Map<String, String> serviceProperties,
                List<String> jvmOptions) {
            if (instances == null) {
                throw new UsageException(
                        (killEvery != null ? "--kill-every" : "--kills")
                                + " needs --instances N (N >= 2: a survivor takes over the killed"
                                + " instance's calls)");
            }
            if (otherMode != null) {
                throw new UsageException(
                        "--instances is a mode of its own: drop " + otherMode + " or --instances");
            }
            if (kills != null && killEvery == null) {
                throw new UsageException("--kills needs --kill-every DUR");
            }
            if (killEvery != null && instances < 2) {
                throw new UsageException(
                        "--kill-every needs --instances 2 or more (got "
                                + instances
                                + "): a survivor takes over the killed instance's calls");
            }
            if (instances > AUDIO_PARTITIONS) {
                throw new UsageException(
                        "--instances "
                                + instances
                                + " is more than the input topic's "
                                + AUDIO_PARTITIONS
                                + " partitions");
            }
            int due =
                    killEvery == null
                            ? 0
                            : (int) ((duration.toMillis() - 1) / killEvery.toMillis());
            if (killEvery != null && due < 1) {
                throw new UsageException(
                        "--kill-every "
                                + killEvery.toSeconds()
                                + "s is not below --duration "
                                + duration.toSeconds()
                                + "s: no kill would fall while the calls run");
            }
            if (kills != null && kills > due) {
                throw new UsageException(
                        "--kills "
                                + kills
                                + " at --kill-every "
                                + seconds(killEvery)
                                + " s needs --duration above "
                                + seconds(killEvery.multipliedBy(kills))
                                + " s (got "
                                + seconds(duration)
                                + " s): kill "
                                + kills
                                + " would fall after the calls' audio ends");
            }
            if (!Files.isRegularFile(model)) {
                throw new UsageException("Model " + model + " not found: pass --model PATH");
            }
            return new Options(
                    instances,
                    killEvery,
                    killEvery == null ? 0 : kills == null ? due : kills,
                    calls,
                    duration,
                    chunk,
                    stagger,
                    warmup,
                    model,
                    Map.copyOf(serviceProperties),
                    List.copyOf(jvmOptions));
        }
    }

    private final Options options;
    private final PrintStream err;

    FailoverBench(Options options, PrintStream err) {
        this.options = options;
        this.err = err;
    }

    /** One service instance: its fixed port, state directory and log, and its current process. */
    private static final class Instance {
        final int index;
        final int port;
        final Path stateDir;
        final Path log;
        ServiceProcess process;

        Instance(int index, int port, Path stateDir, Path log) {
            this.index = index;
            this.port = port;
            this.stateDir = stateDir;
            this.log = log;
        }
    }

    /** One kill and what followed it (nanoTime stamps, wall-clock instants for the logs). */
    private static final class Kill {
        final int number;
        final int instance;
        final long scheduledNanos;
        long killNanos;
        long restartNanos;
        long readyNanos = -1;
        long allReadyNanos = -1;
        long windowEndNanos;
        boolean duringCalls;
        boolean wasAlive;
        String failure;

        Kill(int number, int instance, long scheduledNanos) {
            this.number = number;
            this.instance = instance;
            this.scheduledNanos = scheduledNanos;
        }
    }

    /** One event of a measured call as read: its key, and the send and read times of its last chunk. */
    private record Delivery(String key, boolean full, long sentNanos, long readNanos) {}

    /** Runs the whole mode and returns the JSON summary. */
    Map<String, Object> run() throws Exception {
        // the calls' audio first: generating it takes minutes for long calls on a busy box, which
        // must not fall between the instances' start and the measured phase
        double seconds = options.duration().toMillis() / 1000.0;
        err.printf("bench: generating %d calls of %.0f s ...%n", options.calls(), seconds);
        List<CallAudioSender.CallStream> calls = new ArrayList<>();
        for (int i = 0; i < options.calls(); i++) {
            calls.add(DemoCalls.generated("failover-" + i, i, seconds, 1000L * i));
        }
        Path runDir = Files.createTempDirectory("emostream-bench-failover");
        err.println("bench: starting embedded Kafka and Apicurio registry ...");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                ApicurioRegistry registry =
                        ApicurioRegistry.start(
                                ApicurioRegistry.defaultHome(), freePort(), READY_TIMEOUT)) {
            StandaloneStreams app =
                    new StandaloneStreams(
                            Map.of(
                                    "quarkus.kafka-streams.bootstrap-servers",
                                            kafka.bootstrapServers(),
                                    "quarkus.kafka-streams.application-id", APPLICATION_ID,
                                    "emostream.serde.schema-registry-url", registry.ccompatUrl(),
                                    "emostream.model.path",
                                            options.model().toAbsolutePath().toString(),
                                    "kafka-streams.state.dir", runDir.toString()));
            EmostreamConfig config = app.config();
            EmostreamConfig.Topics topics = config.topics();
            kafka.createTopics(
                    Map.of(
                            topics.audio(), AUDIO_PARTITIONS,
                            topics.events(), 4,
                            topics.stats(), 4,
                            topics.alerts(), 4,
                            topics.dlq(), 1));
            List<Instance> instances = new ArrayList<>();
            for (int i = 0; i < options.instances(); i++) {
                Path dir = Files.createDirectories(runDir.resolve("instance-" + i));
                instances.add(
                        new Instance(
                                i, freePort(), dir.resolve("state"), dir.resolve("service.log")));
            }
            Map<String, String> environment =
                    Map.of(
                            "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                            "SCHEMA_REGISTRY_URL", registry.ccompatUrl(),
                            "EMOSTREAM_MODEL_PATH", options.model().toAbsolutePath().toString());
            Map<String, String> properties = serviceProperties(topics);
            try {
                err.printf(
                        "bench: starting %d service instances (logs under %s) ...%n",
                        instances.size(), runDir);
                long startNanos = System.nanoTime();
                for (Instance instance : instances) {
                    start(instance, environment, properties);
                }
                for (Instance instance : instances) {
                    instance.process.awaitReady(READY_TIMEOUT);
                }
                double startSeconds = (System.nanoTime() - startNanos) / 1e9;
                err.printf(
                        "bench: %d instances ready after %.1f s%n", instances.size(), startSeconds);
                return measure(
                        calls,
                        config,
                        kafka.bootstrapServers(),
                        registry.ccompatUrl(),
                        instances,
                        environment,
                        properties,
                        startSeconds);
            } finally {
                for (Instance instance : instances) {
                    if (instance.process != null) {
                        instance.process.close();
                    }
                }
            }
        }
    }

    /** This mode's defaults, then {@code --service-property} values, then the topic names and application id. */
    private Map<String, String> serviceProperties(EmostreamConfig.Topics topics) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("kafka-streams.consumer.session.timeout.ms", "" + SESSION_TIMEOUT_MS);
        properties.put("kafka-streams.consumer.heartbeat.interval.ms", "" + HEARTBEAT_INTERVAL_MS);
        properties.putAll(options.serviceProperties());
        properties.put("quarkus.kafka-streams.application-id", APPLICATION_ID);
        properties.put("emostream.topics.audio", topics.audio());
        properties.put("emostream.topics.events", topics.events());
        properties.put("emostream.topics.stats", topics.stats());
        properties.put("emostream.topics.alerts", topics.alerts());
        properties.put("emostream.topics.dlq", topics.dlq());
        return properties;
    }

    private void start(
            Instance instance, Map<String, String> environment, Map<String, String> properties)
            throws IOException {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("EMOSTREAM_STATE_DIR", instance.stateDir.toString());
        instance.process =
                ServiceProcess.start(
                        ServiceProcess.defaultJar(),
                        env,
                        properties,
                        options.jvmOptions(),
                        instance.port,
                        instance.log);
    }

    /** Warm-up: the same number of calls with other ids, in real time, no kill; nothing of it is measured. */
    private void warmUp(EmostreamConfig.Topics topics, String bootstrap, String registryUrl)
            throws Exception {
        err.printf(
                "bench: warm-up, %d calls of %d s ...%n",
                options.calls(), options.warmup().toSeconds());
        List<CallAudioSender.CallStream> calls = new ArrayList<>();
        for (int i = 0; i < options.calls(); i++) {
            calls.add(
                    DemoCalls.generated(
                            "warmup-" + i, i, options.warmup().toMillis() / 1000.0, 7L * i));
        }
        try (Producer<String, AudioChunk> producer =
                CallAudioSender.newProducer(bootstrap, registryUrl)) {
            new CallAudioSender(producer, topics.audio(), options.chunk(), false)
                    .sendAll(calls, options.stagger(), call -> sequence -> {});
        }
        Thread.sleep(3_000); // the last windows' processing
    }

    /**
     * The measured phase: the calls in real time, the kills, then reading until every expected window and final
     * statistics record has arrived (or 3 minutes after the audio ends), and 5 s more for late duplicates.
     */
    private Map<String, Object> measure(
            List<CallAudioSender.CallStream> calls,
            EmostreamConfig config,
            String bootstrap,
            String registryUrl,
            List<Instance> instances,
            Map<String, String> environment,
            Map<String, String> properties,
            double startSeconds)
            throws Exception {
        EmostreamConfig.Topics topics = config.topics();
        long windowMs = config.window().size().toMillis();
        long hopMs = config.window().hop().toMillis();
        double seconds = options.duration().toMillis() / 1000.0;
        if (!options.warmup().isZero()) {
            warmUp(topics, bootstrap, registryUrl);
        }
        Collector collector = new Collector(calls, windowMs, hopMs, options.chunk().toMillis());
        List<Kill> kills = new ArrayList<>();
        long phaseStart;
        long chunks = 0;
        ExecutorService senders = Executors.newSingleThreadExecutor();
        Thread readerThread;
        try (OutputReader reader =
                new OutputReader(
                        bootstrap, registryUrl, List.of(topics.events(), topics.stats()), false)) {
            readerThread = new Thread(() -> collector.read(reader), "failover-bench-reader");
            readerThread.setDaemon(true);
            readerThread.start();
            err.printf(
                    "bench: %d calls of %.0f s in real time on %d instances, %s ...%n",
                    calls.size(),
                    seconds,
                    instances.size(),
                    options.killEvery() == null
                            ? "no kill"
                            : options.kills()
                                    + " kills, one every "
                                    + seconds(options.killEvery())
                                    + " s");
            try (Producer<String, AudioChunk> producer =
                    CallAudioSender.newProducer(bootstrap, registryUrl)) {
                CallAudioSender sender =
                        new CallAudioSender(producer, topics.audio(), options.chunk(), false);
                phaseStart = System.nanoTime();
                collector.clock(phaseStart, Instant.now());
                // one pacing thread for every call, as in the single-instance bench
                Future<Long> sending =
                        senders.submit(
                                () ->
                                        sender.sendAll(
                                                calls,
                                                options.stagger(),
                                                call -> {
                                                    long[] times =
                                                            collector.sentAt.get(call.callId());
                                                    return sequence ->
                                                            times[(int) sequence] =
                                                                    System.nanoTime();
                                                }));
                long audioEnd =
                        phaseStart + options.stagger().toNanos() + options.duration().toNanos();
                for (int k = 1; k <= options.kills(); k++) {
                    Kill kill =
                            new Kill(
                                    k,
                                    (k - 1) % instances.size(),
                                    phaseStart + options.killEvery().toNanos() * k);
                    kills.add(kill);
                    killAndRestart(kill, instances, environment, properties, audioEnd);
                    if (kill.failure != null) {
                        err.printf("bench: kill %d: %s; no further kill%n", k, kill.failure);
                        break;
                    }
                }
                chunks = sending.get();
            }
            err.printf("bench: %d chunks sent; reading the rest ...%n", chunks);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!collector.complete() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            Thread.sleep(5_000); // a late duplicate would still be read
            collector.stop = true;
            readerThread.join(30_000);
        } finally {
            senders.shutdownNow();
        }
        long endNanos = System.nanoTime();
        return summary(
                config,
                bootstrap,
                instances,
                calls,
                collector,
                kills,
                chunks,
                phaseStart,
                endNanos,
                startSeconds,
                properties);
    }

    /**
     * Kills {@code kill}'s instance once the kill is due (SIGKILL), starts it again at once on the same state
     * directory and port, and waits until it and then every other instance are ready.
     */
    private void killAndRestart(
            Kill kill,
            List<Instance> instances,
            Map<String, String> environment,
            Map<String, String> properties,
            long audioEnd)
            throws Exception {
        long wait = kill.scheduledNanos - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
        Instance instance = instances.get(kill.instance);
        kill.wasAlive = instance.process.isAlive();
        kill.killNanos = System.nanoTime();
        kill.duringCalls = kill.killNanos < audioEnd;
        instance.process.kill();
        kill.restartNanos = System.nanoTime();
        start(instance, environment, properties);
        err.printf(
                "bench: kill %d: instance %d killed (SIGKILL) and restarted, %.1f s in ...%n",
                kill.number,
                kill.instance,
                (kill.killNanos - kill.scheduledNanos) / 1e9
                        + options.killEvery().toNanos() * kill.number / 1e9);
        try {
            instance.process.awaitReady(READY_TIMEOUT);
            kill.readyNanos = System.nanoTime();
            for (Instance other : instances) {
                other.process.awaitReady(READY_TIMEOUT);
            }
            kill.allReadyNanos = System.nanoTime();
            err.printf(
                    "bench: kill %d: restart to ready %.1f s, kill to all ready %.1f s%n",
                    kill.number,
                    (kill.readyNanos - kill.restartNanos) / 1e9,
                    (kill.allReadyNanos - kill.killNanos) / 1e9);
        } catch (IOException e) {
            kill.failure = e.getMessage();
        }
        kill.windowEndNanos =
                (kill.allReadyNanos > 0 ? kill.allReadyNanos : System.nanoTime())
                        + TimeUnit.SECONDS.toNanos(REBALANCE_TAIL_SECONDS);
    }

    /**
     * Reads the events and statistics of the measured calls (on its own thread) and keeps what the summary needs:
     * every key's read count, each delivery's send and read time, the final statistics.
     */
    private static final class Collector {
        final Map<String, long[]> sentAt = new ConcurrentHashMap<>();
        final Set<String> expected = new HashSet<>();
        final Set<String> expectedSpeakers = new HashSet<>();
        final long windowMs;
        final long chunkMs;
        final List<Delivery> deliveries = new ArrayList<>();
        final Map<String, Integer> reads = new HashMap<>();
        final Map<String, Set<String>> windowsBySpeaker = new HashMap<>();
        final Map<String, List<CallEmotionStats>> finals = new HashMap<>();
        long otherEvents;
        volatile boolean stop;
        long baseNanos;
        Instant baseInstant;

        Collector(List<CallAudioSender.CallStream> calls, long windowMs, long hopMs, long chunkMs) {
            this.windowMs = windowMs;
            this.chunkMs = chunkMs;
            for (CallAudioSender.CallStream call : calls) {
                long audioMs = (long) Math.floor(call.seconds() * 1000);
                for (SpeakerRole speaker : call.speakers()) {
                    expectedSpeakers.add(call.callId() + "/" + speaker);
                    for (long start = 0; start + windowMs <= audioMs; start += hopMs) {
                        expected.add(call.callId() + "/" + speaker + "/" + start);
                    }
                }
                sentAt.put(
                        call.callId(),
                        new long[(int) Math.ceil(call.seconds() * 1000 / chunkMs) + 2]);
            }
        }

        /** The wall-clock time of a nanoTime stamp, for matching the services' logs. */
        void clock(long nanos, Instant at) {
            baseNanos = nanos;
            baseInstant = at;
        }

        Instant at(long nanos) {
            return baseInstant.plusNanos(nanos - baseNanos);
        }

        void read(OutputReader reader) {
            while (!stop) {
                reader.poll(Duration.ofMillis(100), this::onEvent, this::onStats);
            }
        }

        private synchronized void onEvent(EmotionEvent event) {
            long now = System.nanoTime();
            long[] times = sentAt.get(event.getCallId());
            if (times == null) {
                otherEvents++; // a warm-up call's
                return;
            }
            String speaker = event.getCallId() + "/" + event.getSpeaker();
            String key = speaker + "/" + event.getWindowStartOffsetMs();
            reads.merge(key, 1, Integer::sum);
            windowsBySpeaker.computeIfAbsent(speaker, s -> new HashSet<>()).add(key);
            boolean full =
                    event.getWindowEndOffsetMs() - event.getWindowStartOffsetMs() == windowMs;
            // the chunk that completed the window: the one holding its last sample
            long lastChunk = (event.getWindowEndOffsetMs() + chunkMs - 1) / chunkMs - 1;
            long sent = lastChunk >= 0 && lastChunk < times.length ? times[(int) lastChunk] : 0;
            deliveries.add(new Delivery(key, full, sent, now));
        }

        private synchronized void onStats(CallEmotionStats stats) {
            if (stats.getFinal$() && sentAt.containsKey(stats.getCallId())) {
                finals.computeIfAbsent(
                                stats.getCallId() + "/" + stats.getSpeaker(),
                                k -> new ArrayList<>())
                        .add(stats);
            }
        }

        synchronized boolean complete() {
            return reads.keySet().containsAll(expected)
                    && finals.keySet().containsAll(expectedSpeakers);
        }
    }

    private Map<String, Object> summary(
            EmostreamConfig config,
            String bootstrap,
            List<Instance> instances,
            List<CallAudioSender.CallStream> calls,
            Collector collector,
            List<Kill> kills,
            long chunks,
            long phaseStart,
            long endNanos,
            double startSeconds,
            Map<String, String> properties)
            throws Exception {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("mode", "failover");
        summary.put("instances", instances.size());
        summary.put("calls", calls.size());
        summary.put("callSeconds", options.duration().toMillis() / 1000.0);
        summary.put("chunkMs", options.chunk().toMillis());
        summary.put("callStartsSpreadOverMs", options.stagger().toMillis());
        summary.put("warmupSeconds", options.warmup().toSeconds());
        summary.put("model", options.model().toString());
        summary.put("audioPartitions", AUDIO_PARTITIONS);
        summary.put(
                "processingGuarantee",
                properties.getOrDefault("kafka-streams.processing.guarantee", "exactly_once_v2"));
        summary.put(
                "standbyReplicas",
                Integer.parseInt(
                        properties.getOrDefault("kafka-streams.num.standby.replicas", "0")));
        Map<String, String> configured = new TreeMap<>(properties);
        configured.keySet().removeIf(k -> k.startsWith("emostream.topics."));
        summary.put("serviceProperties", configured);
        summary.put("instancesStartToReadySeconds", round(startSeconds));
        summary.put(
                "killEverySeconds", options.killEvery() == null ? 0 : seconds(options.killEvery()));
        summary.put("chunks", chunks);
        summary.put("wallSeconds", round((endNanos - phaseStart) / 1e9));

        synchronized (collector) {
            // windows: every expected key once
            long missing =
                    collector.expected.stream()
                            .filter(k -> !collector.reads.containsKey(k))
                            .count();
            long duplicates = 0;
            long duplicateKeys = 0;
            for (int n : collector.reads.values()) {
                duplicates += n - 1;
                duplicateKeys += n > 1 ? 1 : 0;
            }
            long deliveredExpected =
                    collector.expected.stream().filter(collector.reads::containsKey).count();
            long partial =
                    collector.deliveries.stream()
                            .filter(d -> !d.full())
                            .map(Delivery::key)
                            .distinct()
                            .count();
            Map<String, Object> windows = new LinkedHashMap<>();
            windows.put("expected", collector.expected.size());
            windows.put("delivered", deliveredExpected);
            windows.put("missing", missing);
            windows.put("duplicates", duplicates);
            windows.put("keysReadMoreThanOnce", duplicateKeys);
            windows.put("eventsRead", collector.deliveries.size());
            windows.put("trailingPartialWindows", partial);
            windows.put("exactlyOnce", missing == 0 && duplicates == 0);
            summary.put("windows", windows);
            if (duplicates > 0) {
                Map<String, Integer> examples = new TreeMap<>();
                collector.reads.entrySet().stream()
                        .filter(e -> e.getValue() > 1)
                        .sorted(Map.Entry.comparingByKey())
                        .limit(10)
                        .forEach(e -> examples.put(e.getKey(), e.getValue()));
                summary.put("duplicateExamples", examples);
            }
            if (missing > 0) {
                summary.put(
                        "missingExamples",
                        collector.expected.stream()
                                .filter(k -> !collector.reads.containsKey(k))
                                .sorted()
                                .limit(10)
                                .toList());
            }

            // final statistics: one per (call, speaker), counting every window read
            long finalsMissing = 0;
            long finalsDuplicated = 0;
            long consistent = 0;
            for (String speaker : collector.expectedSpeakers) {
                List<CallEmotionStats> got = collector.finals.get(speaker);
                if (got == null) {
                    finalsMissing++;
                    continue;
                }
                finalsDuplicated += got.size() - 1;
                long windowsRead =
                        collector.windowsBySpeaker.getOrDefault(speaker, Set.of()).size();
                if (got.get(0).getWindowsTotal() == windowsRead) {
                    consistent++;
                }
            }
            Map<String, Object> finals = new LinkedHashMap<>();
            finals.put("expected", collector.expectedSpeakers.size());
            finals.put("received", collector.expectedSpeakers.size() - finalsMissing);
            finals.put("missing", finalsMissing);
            finals.put("duplicates", finalsDuplicated);
            finals.put("windowsTotalMatchesWindowsRead", consistent);
            finals.put(
                    "callsWithAllFinals",
                    calls.stream()
                            .filter(
                                    c ->
                                            c.speakers().stream()
                                                    .allMatch(
                                                            s ->
                                                                    collector.finals.containsKey(
                                                                            c.callId() + "/" + s)))
                            .count());
            summary.put("finalStatistics", finals);

            // latency inside and outside the rebalance windows
            List<Double> inside = new ArrayList<>();
            List<Double> outside = new ArrayList<>();
            for (Delivery d : collector.deliveries) {
                if (!d.full() || d.sentNanos() == 0) {
                    continue;
                }
                double ms = (d.readNanos() - d.sentNanos()) / 1e6;
                boolean in = false;
                for (Kill kill : kills) {
                    if (kill.killNanos > 0
                            && d.sentNanos() <= kill.windowEndNanos
                            && d.readNanos() >= kill.killNanos) {
                        in = true;
                        break;
                    }
                }
                (in ? inside : outside).add(ms);
            }
            Map<String, Object> latency = new LinkedHashMap<>();
            latency.put(
                    "rebalanceWindow",
                    "from a kill to "
                            + REBALANCE_TAIL_SECONDS
                            + " s after the restarted instance and every other "
                            + "instance are ready; a window is inside when the span from its last chunk sent to "
                            + "its event read overlaps one");
            latency.put("insideRebalances", percentiles(inside));
            latency.put("outsideRebalances", percentiles(outside));
            List<Double> all = new ArrayList<>(inside);
            all.addAll(outside);
            latency.put("all", percentiles(all));
            summary.put("endToEndLatencyMs", latency);
        }

        // the kills, with the restores and rebalances of the services' logs
        List<LogEvents> logs = new ArrayList<>();
        for (Instance instance : instances) {
            logs.add(LogEvents.parse(instance.index, instance.log));
        }
        List<Map<String, Object>> perKill = new ArrayList<>();
        List<Double> restartToReady = new ArrayList<>();
        List<Double> longestRestores = new ArrayList<>();
        double rebalanceSeconds = 0;
        long previousEnd = 0;
        for (Kill kill : kills) {
            Map<String, Object> k = new LinkedHashMap<>();
            Instant from = collector.at(kill.killNanos);
            Instant to = collector.at(kill.windowEndNanos);
            k.put("kill", kill.number);
            k.put("instance", kill.instance);
            k.put("atSeconds", round((kill.killNanos - phaseStart) / 1e9));
            k.put("delayedSeconds", round(Math.max(0, kill.killNanos - kill.scheduledNanos) / 1e9));
            k.put("duringCalls", kill.duringCalls);
            k.put("wasAlive", kill.wasAlive);
            if (kill.readyNanos > 0) {
                double ready = (kill.readyNanos - kill.restartNanos) / 1e9;
                restartToReady.add(ready);
                k.put("restartToReadySeconds", round(ready));
            }
            if (kill.allReadyNanos > 0) {
                k.put("killToAllReadySeconds", round((kill.allReadyNanos - kill.killNanos) / 1e9));
            }
            if (kill.failure != null) {
                k.put("failure", kill.failure);
            }
            logs.get(kill.instance)
                    .quarkusStartAfter(from)
                    .ifPresent(s -> k.put("quarkusStartedInSeconds", s));
            int tasks = 0;
            double longest = 0;
            long records = 0;
            Map<String, Integer> tasksByInstance = new TreeMap<>();
            for (LogEvents log : logs) {
                for (LogEvents.Restore r : log.restores) {
                    if (!r.done().isBefore(from) && !r.done().isAfter(to)) {
                        tasks++;
                        longest =
                                Math.max(
                                        longest,
                                        Duration.between(r.initialized(), r.done()).toMillis()
                                                / 1000.0);
                        tasksByInstance.merge("instance-" + log.instance, 1, Integer::sum);
                    }
                }
                for (LogEvents.Restored r : log.restored) {
                    if (!r.at().isBefore(from) && !r.at().isAfter(to)) {
                        records += r.records();
                    }
                }
            }
            Map<String, Object> restore = new LinkedHashMap<>();
            restore.put("activeTasksRestored", tasks);
            restore.put("byInstance", tasksByInstance);
            restore.put("longestTaskRestoreSeconds", round(longest));
            restore.put("changelogRecordsRestored", records);
            k.put("stateRestore", restore);
            if (tasks > 0) {
                longestRestores.add(longest);
            }
            perKill.add(k);
            long start = Math.max(kill.killNanos, previousEnd);
            rebalanceSeconds += Math.max(0, kill.windowEndNanos - start) / 1e9;
            previousEnd = Math.max(previousEnd, kill.windowEndNanos);
        }
        summary.put("kills", kills.size());
        summary.put("restartToReadySeconds", spread(restartToReady));
        summary.put("longestTaskRestoreSecondsPerKill", spread(longestRestores));
        double measuredSeconds = (endNanos - phaseStart) / 1e9;
        summary.put("rebalanceWindowSeconds", round(rebalanceSeconds));
        summary.put("shareOfRunInRebalanceWindows", round(rebalanceSeconds / measuredSeconds));
        // rebalances the services started on their own, outside the kills' windows
        int rebalancesOutside = 0;
        Instant phaseStartAt = collector.at(phaseStart);
        for (LogEvents log : logs) {
            for (Instant at : log.rebalances) {
                if (at.isBefore(phaseStartAt)) {
                    continue;
                }
                boolean in = false;
                for (Kill kill : kills) {
                    if (!at.isBefore(collector.at(kill.killNanos))
                            && !at.isAfter(collector.at(kill.windowEndNanos))) {
                        in = true;
                    }
                }
                rebalancesOutside += in ? 0 : 1;
            }
        }
        summary.put("clientRebalancesOutsideWindows", rebalancesOutside);
        summary.put("deadLetters", deadLetters(bootstrap, config.topics().dlq()));
        summary.put(
                "instancesAliveAtEnd", instances.stream().filter(i -> i.process.isAlive()).count());
        summary.put("perKill", perKill);
        Map<String, String> logFiles = new LinkedHashMap<>();
        instances.forEach(i -> logFiles.put("instance-" + i.index, i.log.toString()));
        summary.put("serviceLogs", logFiles);
        return summary;
    }

    /** Dead letters on the DLQ topic (warm-up included), by reason header, read with read_committed. */
    private static Map<String, Long> deadLetters(String bootstrap, String topic) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Map<String, Long> byReason = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline
                    && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    Header reason = record.headers().lastHeader("emostream.dlq.reason");
                    byReason.merge(
                            reason == null
                                    ? "none"
                                    : new String(reason.value(), StandardCharsets.UTF_8),
                            1L,
                            Long::sum);
                }
            }
        }
        return byReason;
    }

    /**
     * What a service log says about state restores and rebalances (Kafka Streams at INFO): each active task's
     * restore from {@code task [X] Initialized} to {@code Stateful active task X completed restoration}, the
     * records of each finished changelog restore, the client's RUNNING to REBALANCING transitions and Quarkus's
     * start-up times. Timestamps are the log's, in this machine's time zone.
     */
    static final class LogEvents {
        record Restore(String task, Instant initialized, Instant done) {}

        record Restored(Instant at, long records) {}

        private static final Pattern TIME =
                Pattern.compile("^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},\\d{3}) ");
        private static final DateTimeFormatter FORMAT =
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");
        private static final Pattern INITIALIZED =
                Pattern.compile("\\] task \\[(\\d+_\\d+)\\] Initialized");
        private static final Pattern COMPLETED =
                Pattern.compile("Stateful active task (\\d+_\\d+) completed restoration");
        private static final Pattern FINISHED =
                Pattern.compile(
                        "Finished restoring changelog \\S+ to store \\S+ with a total number of (\\d+) records");
        private static final Pattern REBALANCING =
                Pattern.compile(
                        "stream-client \\[[^\\]]+\\] State transition from RUNNING to REBALANCING");
        private static final Pattern STARTED =
                Pattern.compile("\\(powered by Quarkus [^)]*\\) started in ([0-9.]+)s");

        final int instance;
        final List<Restore> restores = new ArrayList<>();
        final List<Restored> restored = new ArrayList<>();
        final List<Instant> rebalances = new ArrayList<>();
        final List<Map.Entry<Instant, Double>> starts = new ArrayList<>();

        private LogEvents(int instance) {
            this.instance = instance;
        }

        static LogEvents parse(int instance, Path log) throws IOException {
            LogEvents events = new LogEvents(instance);
            if (!Files.isRegularFile(log)) {
                return events;
            }
            Map<String, Instant> pending = new HashMap<>();
            ZoneId zone = ZoneId.systemDefault();
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                Matcher time = TIME.matcher(line);
                if (!time.find()) {
                    continue;
                }
                Instant at;
                try {
                    at = LocalDateTime.parse(time.group(1), FORMAT).atZone(zone).toInstant();
                } catch (RuntimeException e) {
                    continue;
                }
                Matcher m;
                if ((m = INITIALIZED.matcher(line)).find()) {
                    pending.putIfAbsent(
                            m.group(1), at); // a re-initialised (corrupted) task keeps its first
                } else if ((m = COMPLETED.matcher(line)).find()) {
                    Instant initialized = pending.remove(m.group(1));
                    events.restores.add(
                            new Restore(m.group(1), initialized == null ? at : initialized, at));
                } else if ((m = FINISHED.matcher(line)).find()) {
                    events.restored.add(new Restored(at, Long.parseLong(m.group(1))));
                } else if (REBALANCING.matcher(line).find()) {
                    events.rebalances.add(at);
                } else if ((m = STARTED.matcher(line)).find()) {
                    events.starts.add(Map.entry(at, Double.parseDouble(m.group(1))));
                    pending.clear(); // a new process: what the killed one left unfinished is void
                }
            }
            return events;
        }

        /** Quarkus's start-up time of the first start after {@code from}. */
        java.util.Optional<Double> quarkusStartAfter(Instant from) {
            return starts.stream()
                    .filter(s -> s.getKey().isAfter(from))
                    .map(Map.Entry::getValue)
                    .findFirst();
        }
    }

    private static Map<String, Object> percentiles(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("windows", sorted.length);
        p.put("p50", round(percentile(sorted, 0.50)));
        p.put("p99", round(percentile(sorted, 0.99)));
        p.put("max", round(sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]));
        return p;
    }

    /** Min, median and max, and every value in order of the kills. */
    private static Map<String, Object> spread(List<Double> values) {
        Map<String, Object> s = new LinkedHashMap<>();
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        s.put("count", sorted.length);
        s.put("min", round(sorted.length == 0 ? Double.NaN : sorted[0]));
        s.put("median", round(percentile(sorted, 0.5)));
        s.put("max", round(sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]));
        s.put("each", values.stream().map(FailoverBench::round).toList());
        return s;
    }

    private static double percentile(double[] sorted, double p) {
        return BenchCommand.percentile(sorted, p);
    }

    private static double round(double value) {
        return BenchCommand.round(value);
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
