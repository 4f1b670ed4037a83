package io.emostream.cli;

import io.emostream.avro.AudioChunk;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import io.emostream.local.ApicurioRegistry;
import io.emostream.local.CallAudioSender;
import io.emostream.local.DemoCalls;
import io.emostream.local.EmbeddedKafka;
import io.emostream.local.OutputReader;
import io.emostream.local.ProjectHome;
import io.emostream.local.ServiceProcess;
import io.emostream.service.EmostreamConfig;
import io.emostream.service.ServiceConfiguration;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code emostream demo}: the whole pipeline on one machine without Docker. Starts an in-process KRaft broker and
 * the Apicurio registry (unless KAFKA_BOOTSTRAP_SERVERS / SCHEMA_REGISTRY_URL point at running ones), creates the
 * topics, runs the packaged service as a child process, produces a few calls in real time and prints each
 * emotion event as it is committed, then the final statistics. Ctrl-C stops everything it started.
 */
@Command(
        name = "demo",
        description = {
            "run broker, registry, service and demo calls locally and print the emotions",
            "",
            "Runs broker, registry, service and a producer; prints emotion events as they arrive."
        },
        footer =
                "Set KAFKA_BOOTSTRAP_SERVERS (and SCHEMA_REGISTRY_URL) to use an existing broker (and registry).")
public final class DemoCommand extends Subcommand {

    @Parameters(
            paramLabel = "DIR",
            arity = "0..1",
            description =
                    "WAV or FLAC files to send as calls (one call per file; stereo = customer, agent); "
                            + "default: demo/conversations (three conversations of CREMA-D test-split speech), or --generated")
    private Path callDir;

    @Option(
            names = "--generated",
            description = "send generated test signals instead of the demo conversations")
    private boolean generated;

    @Option(
            names = "--kafka-port",
            paramLabel = "N",
            defaultValue = "9092",
            converter = Converters.Port.class,
            description = "port of the embedded broker (default ${DEFAULT-VALUE})")
    private int kafkaPort;

    @Option(
            names = "--registry-port",
            paramLabel = "N",
            defaultValue = "8081",
            converter = Converters.Port.class,
            description = "port of the embedded registry (default ${DEFAULT-VALUE})")
    private int registryPort;

    @Option(
            names = "--http-port",
            paramLabel = "N",
            defaultValue = "8080",
            converter = Converters.Port.class,
            description = "REST port of the service (default ${DEFAULT-VALUE})")
    private int httpPort;

    @Option(
            names = "--service-url",
            paramLabel = "URL",
            description =
                    "use a running service instead of starting one (e.g. http://emostream-1:8080)")
    private String serviceUrl;

    @Mixin private ModelOption model;

    @Option(
            names = "--seconds",
            paramLabel = "S",
            defaultValue = "20",
            converter = Converters.PositiveNumber.class,
            description = "length of each generated call (default ${DEFAULT-VALUE})")
    private double seconds;

    @Option(
            names = "--exit",
            description = "exit when the calls are done instead of waiting for Ctrl-C")
    private boolean exit;

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final List<AutoCloseable> started = new ArrayList<>();

    @Override
    int run(PrintStream out, PrintStream err) throws Exception {
        Thread stopper = new Thread(this::stopAll, "emostream-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            return runDemo(out);
        } finally {
            stopAll();
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
        }
    }

    private int runDemo(PrintStream out) throws Exception {
        // the names the service it starts (or the one at --service-url, configured alike) reads
        EmostreamConfig.Topics topics = ServiceConfiguration.mapping().topics();
        Path workDir = ProjectHome.path().resolve(".emostream").resolve("demo");
        Files.createDirectories(workDir);
        String serviceUrl = this.serviceUrl;
        Path model = this.model.path();
        if (serviceUrl == null && !Files.isRegularFile(model)) {
            throw new IllegalArgumentException(
                    "Model "
                            + model
                            + " not found: pass --model PATH (for a quick try "
                            + "the test model core/src/test/resources/model/emotion-test.onnx works)");
        }
        Path conversations = ProjectHome.path().resolve(DemoCalls.CONVERSATIONS);
        List<CallAudioSender.CallStream> calls;
        if (callDir != null) {
            calls = DemoCalls.fromDirectory(callDir);
        } else if (generated || !Files.isDirectory(conversations)) {
            calls = DemoCalls.generated("demo-call", seconds, 42);
        } else {
            calls = DemoCalls.fromDirectory(conversations);
        }

        String bootstrap = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        if (bootstrap == null || bootstrap.isBlank()) {
            out.println("Starting embedded Kafka (KRaft) ...");
            EmbeddedKafka kafka = EmbeddedKafka.start(kafkaPort);
            started.add(kafka);
            bootstrap = kafka.bootstrapServers();
        }
        String registryUrl = System.getenv("SCHEMA_REGISTRY_URL");
        if (registryUrl == null || registryUrl.isBlank()) {
            out.println("Starting Apicurio registry ...");
            ApicurioRegistry registry =
                    ApicurioRegistry.start(
                            ApicurioRegistry.defaultHome(), registryPort, Duration.ofMinutes(2));
            started.add(registry);
            registryUrl = registry.ccompatUrl();
        }
        createTopics(bootstrap, topics, 3);

        if (serviceUrl == null) {
            Path stateDir = Files.createTempDirectory("emostream-demo-state");
            out.println("Starting the service (log: " + workDir.resolve("service.log") + ") ...");
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
                                    stateDir.toString()),
                            httpPort,
                            workDir.resolve("service.log"));
            started.add(service);
            service.awaitReady(Duration.ofMinutes(3));
            serviceUrl = service.url();
        } else {
            ServiceProcess.awaitReady(serviceUrl, Duration.ofMinutes(5), null);
        }
        out.println();
        out.println("  Kafka bootstrap : " + bootstrap);
        out.println("  Schema registry : " + registryUrl);
        out.println(
                "  REST API        : "
                        + serviceUrl
                        + "  (/calls, /calls/{id}/stats, /model, /q/health, /q/metrics)");
        out.println("  Dashboard       : " + serviceUrl + "/dashboard/");
        out.println();

        Set<String> expectedFinals =
                calls.stream()
                        .flatMap(
                                call ->
                                        call.speakers().stream()
                                                .map(speaker -> call.callId() + "/" + speaker))
                        .collect(Collectors.toCollection(ConcurrentHashMap::newKeySet));
        Map<String, CallEmotionStats> finals = new ConcurrentHashMap<>();
        double longest =
                calls.stream().mapToDouble(CallAudioSender.CallStream::seconds).max().orElse(0);
        out.printf(
                "Producing %d calls in real time (%.0f s of audio each at most): %s%n",
                calls.size(),
                longest,
                calls.stream()
                        .map(
                                c ->
                                        c.callId()
                                                + " ("
                                                + c.channels().length
                                                + " ch, "
                                                + c.sampleRate()
                                                + " Hz "
                                                + c.encoding()
                                                + ")")
                        .collect(Collectors.joining(", ")));

        try (OutputReader reader =
                        new OutputReader(
                                bootstrap,
                                registryUrl,
                                List.of(topics.events(), topics.stats()),
                                false);
                Producer<String, AudioChunk> producer =
                        CallAudioSender.newProducer(bootstrap, registryUrl)) {
            ExecutorService senders = Executors.newFixedThreadPool(calls.size());
            CallAudioSender sender =
                    new CallAudioSender(
                            producer,
                            topics.audio(),
                            Duration.ofMillis(ChunkOption.DEFAULT_MILLIS),
                            false);
            List<Future<Long>> sending = new ArrayList<>();
            for (CallAudioSender.CallStream call : calls) {
                sending.add(senders.submit(() -> sender.send(call)));
            }
            senders.shutdown();
            Instant deadline = Instant.now().plusSeconds((long) longest + 90);
            while (finals.size() < expectedFinals.size() && Instant.now().isBefore(deadline)) {
                reader.poll(
                        Duration.ofMillis(500),
                        event -> out.println(describe(event)),
                        stats -> {
                            if (stats.getFinal$()) {
                                finals.put(stats.getCallId() + "/" + stats.getSpeaker(), stats);
                            }
                        });
                for (Future<Long> future : sending) {
                    if (future.isDone()) {
                        try {
                            future.get();
                        } catch (ExecutionException e) {
                            throw new IllegalStateException(
                                    "Producing a demo call failed: " + e.getCause(), e);
                        }
                    }
                }
            }
        }
        out.println();
        out.println("Final statistics:");
        finals.values().stream()
                .sorted(Comparator.comparing(s -> s.getCallId() + s.getSpeaker()))
                .forEach(stats -> out.println(describe(stats)));
        expectedFinals.removeAll(finals.keySet());
        if (!expectedFinals.isEmpty()) {
            out.println("No final statistics (yet) for: " + expectedFinals);
        }
        if (!started.isEmpty() && !exit) {
            out.println();
            out.println(
                    "Demo calls done. The stack keeps running (REST "
                            + serviceUrl
                            + "); Ctrl-C stops it.");
            Thread.currentThread().join();
        }
        return expectedFinals.isEmpty() ? 0 : 1;
    }

    static String describe(EmotionEvent event) {
        String time =
                LocalTime.ofInstant(event.getProcessedAt(), ZoneId.systemDefault()).format(CLOCK);
        String emotion =
                event.getSpeech()
                        ? String.format(
                                "%-9s %.2f  valence %+.2f arousal %+.2f",
                                event.getLabel(),
                                event.getConfidence(),
                                event.getValence(),
                                event.getArousal())
                        : String.format("%-9s", event.getLabel());
        return String.format(
                "%s  %-12s %-8s window %3d  %5.1f-%5.1f s  %s  speech %.2f",
                time,
                event.getCallId(),
                event.getSpeaker(),
                event.getWindowIndex(),
                event.getWindowStartOffsetMs() / 1000.0,
                event.getWindowEndOffsetMs() / 1000.0,
                emotion,
                event.getSpeechRatio());
    }

    static String describe(CallEmotionStats stats) {
        return String.format(
                "  %-12s %-8s windows %d (speech %d)  dominant %s  counts %s  mean valence %s"
                        + "  escalation %s  gaps %d  duplicates %d"
                        + "  talk %.1f s  silence %.1f s  over-talk %.1f s  turns %d",
                stats.getCallId(),
                stats.getSpeaker(),
                stats.getWindowsTotal(),
                stats.getWindowsWithSpeech(),
                stats.getDominantLabel(),
                stats.getLabelCounts(),
                stats.getMeanValence() == null
                        ? "-"
                        : String.format("%+.2f", stats.getMeanValence()),
                stats.getEscalation()
                        ? "YES (from window " + stats.getEscalationWindowIndex() + ")"
                        : "no",
                stats.getGaps(),
                stats.getDuplicates(),
                stats.getTalkMs() / 1000.0,
                stats.getSilenceMs() / 1000.0,
                stats.getOverTalkMs() / 1000.0,
                stats.getTurns());
    }

    /** Creates the service's topics; existing ones are left as they are. */
    static void createTopics(String bootstrap, EmostreamConfig.Topics topics, int partitions)
            throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (String topic : topics.all()) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                            .all()
                            .get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }

    /** Stops, in reverse order, everything this demo started. Idempotent. */
    private synchronized void stopAll() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("Stopping " + started.get(i) + " failed: " + e);
            }
        }
        started.clear();
    }
}
