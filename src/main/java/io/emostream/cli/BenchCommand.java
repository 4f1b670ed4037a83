package io.emostream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.emostream.analysis.WindowClassifier;
import io.emostream.avro.AudioChunk;
import io.emostream.local.ApicurioRegistry;
import io.emostream.local.EmbeddedKafka;
import io.emostream.model.EmotionModel;
import io.emostream.service.ServiceWiring;
import io.emostream.service.StandaloneStreams;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code emostream bench}: N concurrent real-time calls through the service topology (plain KafkaStreams built
 * by {@link StandaloneStreams}, i.e. the service's own properties with exactly_once_v2) on an embedded broker
 * and registry. Measures throughput, CPU time per window against the front end + model alone (the same number of
 * windows classified directly in the same run), and end-to-end latency from the last chunk of a window being
 * produced to its event being read with read_committed. Prints a JSON summary.
 */
public final class BenchCommand implements Command {

    static final String USAGE = """
            Usage: emostream bench [--calls N] [--duration 60s] [--model PATH] [--chunk-ms N]
              Runs N concurrent real-time calls through the service topology on an embedded broker and registry
              and prints a JSON summary (throughput, CPU per window, latency p50/p99).
            """;

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "measure throughput, CPU per window and latency of the streaming service";
    }

    @Override
    public String usage() {
        return USAGE;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        CommandLine options = CommandLine.parse(name(), args, Set.of("calls", "duration", "model", "chunk-ms"), Set.of());
        if (options.help()) {
            out.print(USAGE);
            return 0;
        }
        int calls = options.integer("calls", 4, 1);
        Duration duration = options.duration("duration", Duration.ofSeconds(60));
        Duration chunk = Duration.ofMillis(options.integer("chunk-ms", 100, 1));
        Path model = options.path("model", ServiceProcess.projectHome().resolve("models").resolve("emotion-cnn.onnx"));
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("Model " + model + " not found: pass --model PATH");
        }
        Path stateDir = Files.createTempDirectory("emostream-bench-state");

        err.println("bench: starting embedded Kafka and Apicurio registry ...");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             ApicurioRegistry registry = ApicurioRegistry.start(ServiceProcess.apicurioHome(),
                    freePort(), Duration.ofMinutes(2))) {
            kafka.createTopics(Map.of("call-audio", 4, "call-emotions", 4, "call-emotion-stats", 4,
                    "call-audio-dlq", 1));
            StandaloneStreams app = new StandaloneStreams(Map.of(
                    "quarkus.kafka-streams.bootstrap-servers", kafka.bootstrapServers(),
                    "quarkus.kafka-streams.application-id", "emostream-bench",
                    "emostream.serde.schema-registry-url", registry.ccompatUrl(),
                    "emostream.model.path", model.toAbsolutePath().toString(),
                    "kafka-streams.state.dir", stateDir.toString()));
            try (EmotionModel emotionModel = app.loadModel()) {
                Map<String, Object> summary = runBench(app, emotionModel, kafka.bootstrapServers(),
                        registry.ccompatUrl(), calls, duration, chunk, err);
                ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                out.println(mapper.writeValueAsString(summary));
            }
        }
        return 0;
    }

    private Map<String, Object> runBench(StandaloneStreams app, EmotionModel model, String bootstrap,
                                         String registryUrl, int callCount, Duration duration, Duration chunk,
                                         PrintStream err) throws Exception {
        double seconds = duration.toMillis() / 1000.0;
        List<CallAudioSender.CallStream> calls = new ArrayList<>();
        for (int i = 0; i < callCount; i++) {
            calls.add(DemoCalls.generated("bench-" + i, i, seconds, 1000L * i));
        }
        long windowMs = app.config().window().size().toMillis();
        long chunkMs = chunk.toMillis();
        // send time (nanoTime) of every chunk, per call
        Map<String, long[]> sentAt = new ConcurrentHashMap<>();
        for (CallAudioSender.CallStream call : calls) {
            sentAt.put(call.callId(), new long[(int) Math.ceil(seconds * 1000 / chunkMs) + 2]);
        }
        List<Double> latenciesMs = java.util.Collections.synchronizedList(new ArrayList<>());
        long[] eventCount = {0};

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        KafkaStreams streams = app.newKafkaStreams(model, new SimpleMeterRegistry());
        streams.start();
        Instant deadline = Instant.now().plusSeconds(120);
        while (streams.state() != KafkaStreams.State.RUNNING && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new IllegalStateException("Kafka Streams not RUNNING after 120 s: " + streams.state());
        }
        err.printf("bench: %d calls of %.0f s in real time ...%n", callCount, seconds);
        long streamCpuBefore = streamThreadCpu(threads);
        long processCpuBefore = os.getProcessCpuTime();
        long wallStart = System.nanoTime();
        long chunksSent;
        try (OutputReader reader = new OutputReader(bootstrap, registryUrl, List.of("call-emotions"), false);
             Producer<String, AudioChunk> producer = ProduceCommand.newProducer(bootstrap, registryUrl)) {
            CallAudioSender sender = new CallAudioSender(producer, "call-audio", chunk, false);
            ExecutorService pool = Executors.newFixedThreadPool(callCount);
            List<Future<Long>> sending = new ArrayList<>();
            for (CallAudioSender.CallStream call : calls) {
                long[] times = sentAt.get(call.callId());
                sending.add(pool.submit(() -> sender.send(call, Instant.now(),
                        sequence -> times[(int) sequence] = System.nanoTime())));
            }
            pool.shutdown();
            long expectedWindows = calls.stream().mapToLong(c -> c.channels().length
                    * (long) Math.floor(seconds * 1000 / windowMs)).sum();
            Instant end = Instant.now().plus(duration).plusSeconds(60);
            while (eventCount[0] < expectedWindows && Instant.now().isBefore(end)) {
                reader.poll(Duration.ofMillis(100), event -> {
                    long now = System.nanoTime();
                    eventCount[0]++;
                    // the chunk that completed the window: the one holding its last sample
                    long lastChunk = (event.getWindowEndOffsetMs() + chunkMs - 1) / chunkMs - 1;
                    long[] times = sentAt.get(event.getCallId());
                    if (times != null && lastChunk < times.length && times[(int) lastChunk] > 0
                            && event.getWindowEndOffsetMs() - event.getWindowStartOffsetMs() == windowMs) {
                        latenciesMs.add((now - times[(int) lastChunk]) / 1e6);
                    }
                }, stats -> { });
            }
            chunksSent = 0;
            for (Future<Long> f : sending) {
                chunksSent += f.get();
            }
        }
        double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
        long processCpu = os.getProcessCpuTime() - processCpuBefore;
        long streamCpu = streamThreadCpu(threads) - streamCpuBefore;
        streams.close(Duration.ofSeconds(30));

        // The front end + model alone on the same windows, on this thread.
        long windows = Math.max(1, eventCount[0]);
        WindowClassifier classifier = ServiceWiring.analyzer(model, app.config());
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
            classifier.classify(windowAudio.get(i % windowAudio.size()), rates.get(i % rates.size()));
        }
        long directCpu = threads.getCurrentThreadCpuTime() - directCpuBefore;

        double[] sorted = latenciesMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("calls", callCount);
        summary.put("callSeconds", seconds);
        summary.put("chunkMs", chunkMs);
        summary.put("model", model.modelId() + " " + model.modelVersion());
        summary.put("processingGuarantee", app.streamsProperties().get("processing.guarantee"));
        summary.put("wallSeconds", round(wallSeconds));
        summary.put("chunks", chunksSent);
        summary.put("chunksPerSecond", round(chunksSent / wallSeconds));
        summary.put("windows", eventCount[0]);
        summary.put("windowsPerSecond", round(eventCount[0] / wallSeconds));
        summary.put("cpuMsPerWindowProcess", round(processCpu / 1e6 / windows));
        summary.put("cpuMsPerWindowStreamThreads", round(streamCpu / 1e6 / windows));
        summary.put("cpuMsPerWindowFrontEndAndModelOnly", round(directCpu / 1e6 / windows));
        summary.put("processCpuNote", "process CPU includes the in-process broker, producer and consumer");
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("windowsMeasured", sorted.length);
        latency.put("p50", round(percentile(sorted, 0.50)));
        latency.put("p99", round(percentile(sorted, 0.99)));
        latency.put("max", round(sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]));
        summary.put("endToEndLatencyMs", latency);
        return summary;
    }

    /** CPU time of the Kafka Streams stream threads (where decoding, windowing and inference run). */
    private static long streamThreadCpu(ThreadMXBean threads) {
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains("StreamThread")) {
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                if (cpu > 0) {
                    total += cpu;
                }
            }
        }
        return total;
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
