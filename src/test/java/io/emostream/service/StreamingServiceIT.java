package io.emostream.service;

import io.emostream.avro.AudioChunk;
import io.emostream.avro.AudioEncoding;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import io.emostream.avro.SpeakerRole;
import io.emostream.cli.CallAudioSender;
import io.emostream.cli.CallAudioSender.CallStream;
import io.emostream.cli.OutputReader;
import io.emostream.cli.ProduceCommand;
import io.emostream.cli.ServiceProcess;
import io.emostream.cli.SyntheticSpeech;
import io.emostream.cli.SyntheticSpeech.Profile;
import io.emostream.local.ApicurioRegistry;
import io.emostream.local.EmbeddedKafka;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end with the real artifacts: the packaged service ({@code target/quarkus-app/quarkus-run.jar}, two
 * replicas sharing one application id, as child processes), a real KRaft broker (in-process) and a real
 * registry (Apicurio, child process); calls produced in the Confluent wire format at real-time pace; output read
 * with {@code isolation.level=read_committed}.
 *
 * <p>The restart test kills a replica with SIGKILL mid-call (no commit, no group leave: a crash, harder than a
 * clean {@code KafkaStreams.close()}) and starts it again on the same state directory, as a restarted pod with
 * its volume. With {@code exactly_once_v2} the output must hold every window of every stream exactly once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StreamingServiceIT {

    private static final Duration CHUNK = Duration.ofMillis(100);

    private static EmbeddedKafka kafka;
    private static ApicurioRegistry registry;
    private static Path workDir;
    private static final List<ServiceProcess> services = new ArrayList<>(List.of());
    private static final int[] ports = new int[2];
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startStack() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createTopics(Map.of("call-audio", 4, "call-emotions", 4, "call-emotion-stats", 4, "call-emotion-alerts", 4,
                "call-audio-dlq", 1));
        registry = ApicurioRegistry.start(ServiceProcess.apicurioHome(),
                    LocalKafkaStackResource.freePort(), Duration.ofMinutes(2));
        workDir = Files.createDirectories(Path.of("target", "it-service"));
        for (int i = 0; i < 2; i++) {
            ports[i] = LocalKafkaStackResource.freePort();
            services.add(startService(i));
        }
        for (ServiceProcess service : services) {
            service.awaitReady(Duration.ofMinutes(3));
        }
    }

    @AfterAll
    static void stopStack() throws Exception {
        for (ServiceProcess service : services) {
            service.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static ServiceProcess startService(int replica) throws Exception {
        Path stateDir = Files.createDirectories(workDir.resolve("state-" + replica));
        Map<String, String> env = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", registry.ccompatUrl(),
                "EMOSTREAM_MODEL_PATH", Path.of(LocalKafkaStackResource.TEST_MODEL).toAbsolutePath().toString(),
                "EMOSTREAM_STATE_DIR", stateDir.toAbsolutePath().toString());
        Map<String, String> properties = Map.of(
                // a crashed replica leaves the group after 6 s instead of 45 s
                "kafka-streams.consumer.session.timeout.ms", "6000",
                "kafka-streams.consumer.heartbeat.interval.ms", "1500",
                // longer than the outage, so no stream is ended for inactivity while its replica is down
                "emostream.window.inactivity-timeout", "90s");
        return ServiceProcess.start(ServiceProcess.DEFAULT_JAR, env, properties, ports[replica],
                workDir.resolve("service-" + replica + ".log"));
    }

    @Test
    @Order(1)
    void threeConcurrentCallsGiveEveryWindowAndFinalStatistics() throws Exception {
        List<CallStream> calls = List.of(
                mono("it-calm", Profile.CALM, 9.3, 16000, AudioEncoding.PCM16LE, SpeakerRole.CUSTOMER),
                stereo("it-stereo", Profile.AGITATED, Profile.CALM, 9.3),
                mono("it-agent", Profile.CHEERFUL, 6.4, 16000, AudioEncoding.FLOAT32LE, SpeakerRole.AGENT));
        Map<String, Integer> expectedWindows = Map.of(
                "it-calm/CUSTOMER", 3, "it-stereo/CUSTOMER", 3, "it-stereo/AGENT", 3, "it-agent/AGENT", 2);

        Output output = produceAndCollect(calls, expectedWindows.keySet(), null);

        assertExactlyOnce(output, expectedWindows);
        for (EmotionEvent event : output.events) {
            assertEquals(event.getWindowIndex() * 3000, event.getWindowStartOffsetMs(), event.toString());
            assertEquals(event.getWindowStartOffsetMs() + 3000, event.getWindowEndOffsetMs(), event.toString());
            assertTrue(event.getSpeechRatio() >= 0 && event.getSpeechRatio() <= 1);
            if (event.getSpeech()) {
                assertTrue(event.getProbabilities().containsKey(event.getLabel()), event.toString());
                assertEquals(event.getProbabilities().get(event.getLabel()), event.getConfidence(), 1e-6);
            } else {
                assertEquals("no_speech", event.getLabel());
            }
        }
        for (Map.Entry<String, CallEmotionStats> entry : output.finals.entrySet()) {
            CallEmotionStats stats = entry.getValue();
            List<EmotionEvent> events = output.eventsOf(entry.getKey());
            assertEquals(events.size(), stats.getWindowsTotal(), entry.getKey());
            assertEquals(events.stream().filter(EmotionEvent::getSpeech).count(), stats.getWindowsWithSpeech(),
                    entry.getKey());
            assertEquals(0, stats.getGaps());
            assertEquals(0, stats.getDuplicates());
            assertEquals(0, stats.getLateChunks());
        }
        // The speech-like signals pass the speech gate in most windows.
        assertTrue(output.events.stream().filter(EmotionEvent::getSpeech).count() >= output.events.size() / 2,
                "too few speech windows: " + output.events);

        // Interactive queries: every replica answers for every call, forwarding to the owner when needed.
        for (CallStream call : calls) {
            List<String> servedBy = new ArrayList<>();
            for (int port : ports) {
                HttpResponse<String> response = get(port, "/calls/" + call.callId() + "/stats");
                assertEquals(200, response.statusCode(), response.body());
                assertTrue(response.body().contains("\"final\":true"), response.body());
                servedBy.add(response.body().replaceAll(".*\"servedBy\":\"([^\"]+)\".*", "$1"));
            }
            assertEquals(servedBy.get(0), servedBy.get(1), "both replicas name the same owner of " + call.callId());
        }
        String localCalls = get(ports[0], "/calls").body() + get(ports[1], "/calls").body();
        for (CallStream call : calls) {
            assertTrue(localCalls.contains(call.callId()), call.callId() + " listed by its owner: " + localCalls);
        }
        assertEquals(404, get(ports[0], "/calls/no-such-call/stats").statusCode());

        // The dashboard: each replica reads all partitions itself, so both show every call, ended, with all windows
        // (within a second of the finals this test read; allow a little more on a busy machine).
        Thread.sleep(2000);
        for (int port : ports) {
            for (CallStream call : calls) {
                HttpResponse<String> response = get(port, "/dashboard/api/calls/" + call.callId());
                assertEquals(200, response.statusCode(), port + ": " + response.body());
                assertTrue(response.body().contains("\"ended\":true"), port + ": " + response.body());
                for (SpeakerRole speaker : call.speakers()) {
                    int windows = expectedWindows.get(call.callId() + "/" + speaker);
                    assertTrue(response.body().contains("\"windowsTotal\":" + windows + ","),
                            port + " " + call.callId() + "/" + speaker + ": " + response.body());
                }
            }
        }
    }

    @Test
    @Order(2)
    void replicaCrashAndRestartMidCallLosesAndDuplicatesNoWindow() throws Exception {
        List<CallStream> calls = List.of(
                mono("crash-a", Profile.AGITATED, 30.5, 16000, AudioEncoding.PCM16LE, SpeakerRole.CUSTOMER),
                mono("crash-b", Profile.CALM, 30.5, 16000, AudioEncoding.PCM16LE, SpeakerRole.CUSTOMER),
                mono("crash-c", Profile.SUBDUED, 30.5, 8000, AudioEncoding.ALAW, SpeakerRole.CUSTOMER),
                stereo("crash-d", Profile.CHEERFUL, Profile.CALM, 30.5));
        Map<String, Integer> expectedWindows = new HashMap<>();
        for (CallStream call : calls) {
            for (SpeakerRole speaker : call.speakers()) {
                expectedWindows.put(call.callId() + "/" + speaker, 10);
            }
        }
        Runnable crash = () -> {
            try {
                services.get(0).kill(); // SIGKILL: open transaction, no offset commit, no group leave
                Thread.sleep(1000);
                services.set(0, startService(0));
                services.get(0).awaitReady(Duration.ofMinutes(3));
            } catch (Exception e) {
                throw new IllegalStateException("restarting replica 0 failed", e);
            }
        };

        Output output = produceAndCollect(calls, expectedWindows.keySet(), crash);

        assertExactlyOnce(output, expectedWindows);
        for (Map.Entry<String, CallEmotionStats> entry : output.finals.entrySet()) {
            assertEquals(10, entry.getValue().getWindowsTotal(), entry.getKey());
            assertEquals(0, entry.getValue().getDuplicates(), entry.getKey());
        }
    }

    /** Every expected (call, speaker) has windows 0..n-1 exactly once and exactly one final stats record. */
    private static void assertExactlyOnce(Output output, Map<String, Integer> expectedWindows) {
        assertEquals(expectedWindows.keySet(), output.finals.keySet(), "streams with final statistics");
        assertEquals(expectedWindows.keySet(), output.events.stream().map(Output::streamOf)
                .collect(Collectors.toSet()), "streams with events");
        for (Map.Entry<String, Integer> expected : expectedWindows.entrySet()) {
            List<Long> indices = output.eventsOf(expected.getKey()).stream().map(EmotionEvent::getWindowIndex)
                    .sorted().toList();
            assertEquals(LongStream.range(0, expected.getValue()).boxed().toList(), indices,
                    expected.getKey() + ": window indices (a repeat is a duplicate, a hole a loss)");
        }
        assertFalse(output.duplicateFinals, "a stream had two final statistics records");
    }

    /** Produces the calls concurrently in real time and reads the committed output until every final arrives. */
    private static Output produceAndCollect(List<CallStream> calls, java.util.Set<String> expectedStreams,
                                            Runnable midCall) throws Exception {
        Output output = new Output();
        try (OutputReader reader = new OutputReader(kafka.bootstrapServers(), registry.ccompatUrl(),
                List.of("call-emotions", "call-emotion-stats"), false);
             Producer<String, AudioChunk> producer = ProduceCommand.newProducer(kafka.bootstrapServers(),
                     registry.ccompatUrl())) {
            CallAudioSender sender = new CallAudioSender(producer, "call-audio", CHUNK, false);
            ExecutorService pool = Executors.newFixedThreadPool(calls.size() + 1);
            List<Future<?>> tasks = new ArrayList<>();
            Instant start = Instant.now();
            for (CallStream call : calls) {
                tasks.add(pool.submit(() -> sender.send(call)));
            }
            if (midCall != null) {
                tasks.add(pool.submit(() -> {
                    Thread.sleep(12_000);
                    midCall.run();
                    return null;
                }));
            }
            pool.shutdown();
            double longest = calls.stream().mapToDouble(CallStream::seconds).max().orElseThrow();
            Instant deadline = start.plusSeconds((long) longest + 120);
            while (!output.finals.keySet().containsAll(expectedStreams) && Instant.now().isBefore(deadline)) {
                reader.poll(Duration.ofMillis(500), output.events::add, output::addStats);
                for (Future<?> task : tasks) {
                    if (task.isDone()) {
                        task.get(); // rethrows a failed send or restart
                    }
                }
            }
            // Read a little longer: a duplicate would arrive after the final.
            Instant settle = Instant.now().plusSeconds(3);
            while (Instant.now().isBefore(settle)) {
                reader.poll(Duration.ofMillis(500), output.events::add, output::addStats);
            }
        }
        return output;
    }

    private static CallStream mono(String callId, Profile profile, double seconds, int rate, AudioEncoding encoding,
                                   SpeakerRole speaker) {
        return new CallStream(callId, List.of(speaker), rate, encoding,
                new float[][] {SyntheticSpeech.generate(profile, seconds, rate, callId.hashCode())});
    }

    /** 8 kHz mu-law, customer on channel 0 and agent on channel 1. */
    private static CallStream stereo(String callId, Profile customer, Profile agent, double seconds) {
        return new CallStream(callId, List.of(SpeakerRole.CUSTOMER, SpeakerRole.AGENT), 8000, AudioEncoding.MULAW,
                new float[][] {SyntheticSpeech.generate(customer, seconds, 8000, callId.hashCode()),
                        SyntheticSpeech.generate(agent, seconds, 8000, callId.hashCode() + 1)});
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The committed output of one test. */
    private static final class Output {
        final List<EmotionEvent> events = new CopyOnWriteArrayList<>();
        final Map<String, CallEmotionStats> finals = new java.util.concurrent.ConcurrentHashMap<>();
        volatile boolean duplicateFinals;

        void addStats(CallEmotionStats stats) {
            if (stats.getFinal$() && finals.put(stats.getCallId() + "/" + stats.getSpeaker(), stats) != null) {
                duplicateFinals = true;
            }
        }

        List<EmotionEvent> eventsOf(String stream) {
            return events.stream().filter(e -> streamOf(e).equals(stream)).toList();
        }

        static String streamOf(EmotionEvent event) {
            return event.getCallId() + "/" + event.getSpeaker();
        }
    }
}
