package io.emostream.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.avro.AudioChunk;
import io.emostream.avro.AudioEncoding;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import io.emostream.avro.SpeakerRole;
import io.emostream.local.ApicurioRegistry;
import io.emostream.local.CallAudioSender;
import io.emostream.local.CallAudioSender.CallStream;
import io.emostream.local.EmbeddedKafka;
import io.emostream.local.OutputReader;
import io.emostream.local.ServiceProcess;
import io.emostream.local.SyntheticSpeech;
import io.emostream.local.SyntheticSpeech.Profile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

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
        LocalKafkaStackResource.createServiceTopics(kafka, 4);
        registry = LocalKafkaStackResource.startRegistry();
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
        LocalKafkaStackResource.closeAll(registry, kafka);
    }

    private static ServiceProcess startService(int replica) throws Exception {
        Path stateDir = Files.createDirectories(workDir.resolve("state-" + replica));
        Map<String, String> env =
                LocalKafkaStackResource.serviceEnvironment(kafka, registry, stateDir);
        Map<String, String> properties =
                Map.of(
                        // a crashed replica leaves the group after 6 s instead of 45 s
                        "kafka-streams.consumer.session.timeout.ms", "6000",
                        "kafka-streams.consumer.heartbeat.interval.ms", "1500",
                        // longer than the outage, so no stream is ended for inactivity while its
                        // replica is down
                        "emostream.window.inactivity-timeout", "90s",
                        // the service's own loggers at DEBUG, for the log check
                        // (logsHoldNoAudioAndNoPayloads)
                        "quarkus.log.category.\"io.emostream\".level", "DEBUG");
        return ServiceProcess.start(
                ServiceProcess.defaultJar(),
                env,
                properties,
                ports[replica],
                workDir.resolve("service-" + replica + ".log"));
    }

    @Test
    @Order(1)
    void threeConcurrentCallsGiveEveryWindowAndFinalStatistics() throws Exception {
        List<CallStream> calls =
                List.of(
                        mono(
                                "it-calm",
                                Profile.CALM,
                                9.3,
                                16000,
                                AudioEncoding.PCM16LE,
                                SpeakerRole.CUSTOMER),
                        stereo("it-stereo", Profile.AGITATED, Profile.CALM, 9.3),
                        mono(
                                "it-agent",
                                Profile.CHEERFUL,
                                6.4,
                                16000,
                                AudioEncoding.FLOAT32LE,
                                SpeakerRole.AGENT));
        Map<String, Integer> expectedWindows =
                Map.of(
                        "it-calm/CUSTOMER",
                        3,
                        "it-stereo/CUSTOMER",
                        3,
                        "it-stereo/AGENT",
                        3,
                        "it-agent/AGENT",
                        2);

        Output output = produceAndCollect(calls, expectedWindows.keySet(), null);

        assertExactlyOnce(output, expectedWindows);
        for (EmotionEvent event : output.events) {
            assertEquals(
                    event.getWindowIndex() * 3000,
                    event.getWindowStartOffsetMs(),
                    event.toString());
            assertEquals(
                    event.getWindowStartOffsetMs() + 3000,
                    event.getWindowEndOffsetMs(),
                    event.toString());
            assertTrue(event.getSpeechRatio() >= 0 && event.getSpeechRatio() <= 1);
            if (event.getSpeech()) {
                assertTrue(
                        event.getProbabilities().containsKey(event.getLabel()), event.toString());
                assertEquals(
                        event.getProbabilities().get(event.getLabel()),
                        event.getConfidence(),
                        1e-6);
            } else {
                assertEquals("no_speech", event.getLabel());
            }
        }
        for (Map.Entry<String, CallEmotionStats> entry : output.finals.entrySet()) {
            CallEmotionStats stats = entry.getValue();
            List<EmotionEvent> events = output.eventsOf(entry.getKey());
            assertEquals(events.size(), stats.getWindowsTotal(), entry.getKey());
            assertEquals(
                    events.stream().filter(EmotionEvent::getSpeech).count(),
                    stats.getWindowsWithSpeech(),
                    entry.getKey());
            assertEquals(0, stats.getGaps());
            assertEquals(0, stats.getDuplicates());
            assertEquals(0, stats.getLateChunks());
        }
        // The speech-like signals pass the speech gate in most windows.
        assertTrue(
                output.events.stream().filter(EmotionEvent::getSpeech).count()
                        >= output.events.size() / 2,
                "too few speech windows: " + output.events);

        // Interactive queries: every replica answers for every call, forwarding to the owner when
        // needed.
        for (CallStream call : calls) {
            List<String> servedBy = new ArrayList<>();
            for (int port : ports) {
                HttpResponse<String> response = get(port, "/calls/" + call.callId() + "/stats");
                assertEquals(200, response.statusCode(), response.body());
                assertTrue(response.body().contains("\"final\":true"), response.body());
                servedBy.add(response.body().replaceAll(".*\"servedBy\":\"([^\"]+)\".*", "$1"));
            }
            assertEquals(
                    servedBy.get(0),
                    servedBy.get(1),
                    "both replicas name the same owner of " + call.callId());
        }
        String localCalls = get(ports[0], "/calls").body() + get(ports[1], "/calls").body();
        for (CallStream call : calls) {
            assertTrue(
                    localCalls.contains(call.callId()),
                    call.callId() + " listed by its owner: " + localCalls);
        }
        assertEquals(404, get(ports[0], "/calls/no-such-call/stats").statusCode());

        // The dashboard: each replica reads all partitions itself, so both show every call, ended,
        // with all windows. A replica's feed starts on its first /dashboard/api request (the first
        // GET below) and then reads the look-back, so each replica gets a few seconds to catch up.
        for (int port : ports) {
            for (CallStream call : calls) {
                String path = "/dashboard/api/calls/" + call.callId();
                Instant deadline = Instant.now().plusSeconds(30);
                HttpResponse<String> response = get(port, path);
                while (!dashboardHasEnded(response, call, expectedWindows)
                        && Instant.now().isBefore(deadline)) {
                    Thread.sleep(200);
                    response = get(port, path);
                }
                assertEquals(200, response.statusCode(), port + ": " + response.body());
                assertTrue(
                        response.body().contains("\"ended\":true"), port + ": " + response.body());
                for (SpeakerRole speaker : call.speakers()) {
                    int windows = expectedWindows.get(call.callId() + "/" + speaker);
                    assertTrue(
                            response.body().contains("\"windowsTotal\":" + windows + ","),
                            port + " " + call.callId() + "/" + speaker + ": " + response.body());
                }
            }
        }
    }

    /** Whether a dashboard answer shows the call ended with every expected window of each speaker. */
    private static boolean dashboardHasEnded(
            HttpResponse<String> response, CallStream call, Map<String, Integer> expectedWindows) {
        if (response.statusCode() != 200 || !response.body().contains("\"ended\":true")) {
            return false;
        }
        for (SpeakerRole speaker : call.speakers()) {
            int windows = expectedWindows.get(call.callId() + "/" + speaker);
            if (!response.body().contains("\"windowsTotal\":" + windows + ",")) {
                return false;
            }
        }
        return true;
    }

    @Test
    @Order(2)
    void replicaCrashAndRestartMidCallLosesAndDuplicatesNoWindow() throws Exception {
        List<CallStream> calls =
                List.of(
                        mono(
                                "crash-a",
                                Profile.AGITATED,
                                30.5,
                                16000,
                                AudioEncoding.PCM16LE,
                                SpeakerRole.CUSTOMER),
                        mono(
                                "crash-b",
                                Profile.CALM,
                                30.5,
                                16000,
                                AudioEncoding.PCM16LE,
                                SpeakerRole.CUSTOMER),
                        mono(
                                "crash-c",
                                Profile.SUBDUED,
                                30.5,
                                8000,
                                AudioEncoding.ALAW,
                                SpeakerRole.CUSTOMER),
                        stereo("crash-d", Profile.CHEERFUL, Profile.CALM, 30.5));
        Map<String, Integer> expectedWindows = new HashMap<>();
        for (CallStream call : calls) {
            for (SpeakerRole speaker : call.speakers()) {
                expectedWindows.put(call.callId() + "/" + speaker, 10);
            }
        }
        Runnable crash =
                () -> {
                    try {
                        services.get(0)
                                .kill(); // SIGKILL: open transaction, no offset commit, no group
                        // leave
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

    /**
     * A poison record that meets every replica: a stream-state entry of a format version this release does not know
     * (as a newer release, before a rollback, would leave it), written to the store's changelog. Both replicas are
     * killed and their state directories wiped, so each task restores every entry from the changelogs, and
     * whichever replica owns the poisoned partition decodes the entry in {@code init} and at the next wall-clock
     * check; before ADR 8 the task failed there, the thread was replaced until the client shut down, and the
     * partition moved to the other replica, which failed the same way. Now the entry is dead-lettered once
     * ({@code STATE_UNREADABLE}, read_committed: exactly once even if the partition moves), both replicas stay
     * RUNNING, chunks of the poisoned stream are dead letters, and every other call's windows arrive exactly once.
     * (No real input record makes the shipped model throw: intake refuses what could, such as non-finite samples;
     * a classifier that throws is covered by {@code ProcessingFailureTest}.)
     */
    @Test
    @Order(3)
    void aStateEntryNoReplicaCanDecodeIsDeadLetteredAndStopsNoReplica() throws Exception {
        String poisonedCall = "poison-state";
        byte[] id = poisonedCall.getBytes(StandardCharsets.UTF_8);
        // SpeakerStreamKey layout: int32 length, call id, speaker ordinal
        byte[] stateKey =
                ByteBuffer.allocate(Integer.BYTES + id.length + 1)
                        .putInt(id.length)
                        .put(id)
                        .put((byte) SpeakerRole.CUSTOMER.ordinal())
                        .array();
        byte[] stateValue = {99, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3}; // format version 99
        int partition =
                Utils.toPositive(Utils.murmur2(id))
                        % 4; // the partition of its call id in call-audio
        for (ServiceProcess service : services) {
            service.kill();
        }
        Map<String, Object> producerConfig =
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                        ByteArraySerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                        ByteArraySerializer.class);
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig)) {
            producer.send(
                            new ProducerRecord<>(
                                    "emostream-emostream-stream-state-changelog",
                                    partition,
                                    stateKey,
                                    stateValue))
                    .get();
        }
        for (int i = 0; i < services.size(); i++) {
            deleteRecursively(workDir.resolve("state-" + i));
            services.set(i, startService(i));
        }
        for (ServiceProcess service : services) {
            service.awaitReady(Duration.ofMinutes(3));
        }

        List<CallStream> calls =
                List.of(
                        mono(
                                "after-poison-a",
                                Profile.AGITATED,
                                6.4,
                                16000,
                                AudioEncoding.PCM16LE,
                                SpeakerRole.CUSTOMER),
                        stereo("after-poison-b", Profile.CALM, Profile.CHEERFUL, 6.4),
                        mono(
                                poisonedCall,
                                Profile.CALM,
                                3.5,
                                16000,
                                AudioEncoding.PCM16LE,
                                SpeakerRole.CUSTOMER));
        Map<String, Integer> expectedWindows =
                Map.of(
                        "after-poison-a/CUSTOMER",
                        2,
                        "after-poison-b/CUSTOMER",
                        2,
                        "after-poison-b/AGENT",
                        2);

        Output output = produceAndCollect(calls, expectedWindows.keySet(), null);

        CallEmotionStats poisonedFinal = output.finals.remove(poisonedCall + "/CUSTOMER");
        if (poisonedFinal
                != null) { // emitted when the entry was found, usually before the reader started
            assertEquals(0, poisonedFinal.getWindowsTotal());
        }
        assertTrue(
                output.eventsOf(poisonedCall + "/CUSTOMER").isEmpty(),
                "no event from the poisoned stream");
        assertExactlyOnce(output, expectedWindows);
        for (int port : ports) {
            assertEquals(
                    200,
                    get(port, "/q/health/ready").statusCode(),
                    "replica on " + port + " is RUNNING");
        }

        Map<String, List<ConsumerRecord<byte[], byte[]>>> deadByReason =
                readDeadLetters(poisonedCall);
        List<ConsumerRecord<byte[], byte[]>> unreadable =
                deadByReason.getOrDefault("STATE_UNREADABLE", List.of());
        assertEquals(
                1, unreadable.size(), "the entry is dead-lettered once: " + deadByReason.keySet());
        assertArrayEquals(stateValue, unreadable.get(0).value());
        assertEquals("emostream-stream-state", header(unreadable.get(0), "emostream.dlq.store"));
        assertTrue(
                header(unreadable.get(0), "emostream.dlq.message")
                        .contains("unknown format version 99"));
        int poisonedChunks = (int) Math.ceil(3.5 / CHUNK.toMillis() * 1000);
        int chunkDeadLetters =
                deadByReason.getOrDefault("STREAM_ENDED", List.of()).size()
                        + deadByReason.getOrDefault("PROCESSING_FAILED", List.of()).size();
        assertEquals(
                poisonedChunks,
                chunkDeadLetters,
                "every chunk of the poisoned stream is a dead letter: " + deadByReason.keySet());
    }

    /** Dead letters keyed {@code callId}, by reason, read with read_committed until a quiet second. */
    private static Map<String, List<ConsumerRecord<byte[], byte[]>>> readDeadLetters(
            String callId) {
        Map<String, Object> config =
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                        ByteArrayDeserializer.class,
                        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                        ByteArrayDeserializer.class);
        Map<String, List<ConsumerRecord<byte[], byte[]>>> byReason = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            TopicPartition dlq = new TopicPartition("call-audio-dlq", 0);
            consumer.assign(List.of(dlq));
            consumer.seekToBeginning(List.of(dlq));
            Instant deadline = Instant.now().plusSeconds(30);
            int empty = 0;
            while (empty < 2 && Instant.now().isBefore(deadline)) {
                var records = consumer.poll(Duration.ofMillis(500));
                empty = records.isEmpty() ? empty + 1 : 0;
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (record.key() != null
                            && callId.equals(new String(record.key(), StandardCharsets.UTF_8))) {
                        byReason.computeIfAbsent(
                                        header(record, "emostream.dlq.reason"),
                                        r -> new ArrayList<>())
                                .add(record);
                    }
                }
            }
        }
        return byReason;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
        Header h = record.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * The replicas' logs of the whole run above (valid calls, a crash, a poisonous state entry; the service's loggers
     * at DEBUG) hold no audio and no record payloads: no long base64 or byte-array text, no printed Avro record.
     */
    @Test
    @Order(4)
    void logsHoldNoAudioAndNoPayloads() throws Exception {
        List<Path> logs;
        try (Stream<Path> files = Files.list(workDir)) {
            logs = files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
        }
        assertEquals(2, logs.size(), "one log per replica: " + logs);
        Pattern payload =
                Pattern.compile(
                        "[A-Za-z0-9+/]{256,}={0,2}" // base64 of bytes
                                + "|\\[(-?\\d{1,3}, ){63,}-?\\d{1,3}\\]" // Arrays.toString(byte[])
                                + "|(\\\\x[0-9a-fA-F]{2}){16,}" // escaped bytes
                                + "|\"(audio|samples)\"\\s*:"); // a record printed as JSON
        List<String> offences = new ArrayList<>();
        long lines = 0;
        for (Path log : logs) {
            List<String> content = Files.readAllLines(log);
            lines += content.size();
            assertTrue(
                    content.stream().anyMatch(l -> l.contains("Loaded emotion model")),
                    log + " is a service log");
            for (int i = 0; i < content.size(); i++) {
                if (payload.matcher(content.get(i)).find()) {
                    offences.add(
                            log.getFileName()
                                    + ":"
                                    + (i + 1)
                                    + ": "
                                    + content.get(i)
                                            .substring(0, Math.min(200, content.get(i).length())));
                }
            }
        }
        assertTrue(lines > 100, "the logs have " + lines + " lines");
        assertEquals(List.of(), offences);
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Every expected (call, speaker) has windows 0..n-1 exactly once and exactly one final stats record. */
    private static void assertExactlyOnce(Output output, Map<String, Integer> expectedWindows) {
        assertEquals(
                expectedWindows.keySet(), output.finals.keySet(), "streams with final statistics");
        assertEquals(
                expectedWindows.keySet(),
                output.events.stream().map(Output::streamOf).collect(Collectors.toSet()),
                "streams with events");
        for (Map.Entry<String, Integer> expected : expectedWindows.entrySet()) {
            List<Long> indices =
                    output.eventsOf(expected.getKey()).stream()
                            .map(EmotionEvent::getWindowIndex)
                            .sorted()
                            .toList();
            assertEquals(
                    LongStream.range(0, expected.getValue()).boxed().toList(),
                    indices,
                    expected.getKey()
                            + ": window indices (a repeat is a duplicate, a hole a loss)");
        }
        assertFalse(output.duplicateFinals, "a stream had two final statistics records");
    }

    /** Produces the calls concurrently in real time and reads the committed output until every final arrives. */
    private static Output produceAndCollect(
            List<CallStream> calls, java.util.Set<String> expectedStreams, Runnable midCall)
            throws Exception {
        Output output = new Output();
        try (OutputReader reader =
                        new OutputReader(
                                kafka.bootstrapServers(),
                                registry.ccompatUrl(),
                                List.of("call-emotions", "call-emotion-stats"),
                                false);
                Producer<String, AudioChunk> producer =
                        CallAudioSender.newProducer(
                                kafka.bootstrapServers(), registry.ccompatUrl())) {
            CallAudioSender sender = new CallAudioSender(producer, "call-audio", CHUNK, false);
            ExecutorService pool = Executors.newFixedThreadPool(calls.size() + 1);
            List<Future<?>> tasks = new ArrayList<>();
            Instant start = Instant.now();
            for (CallStream call : calls) {
                tasks.add(pool.submit(() -> sender.send(call)));
            }
            if (midCall != null) {
                tasks.add(
                        pool.submit(
                                () -> {
                                    Thread.sleep(12_000);
                                    midCall.run();
                                    return null;
                                }));
            }
            pool.shutdown();
            double longest = calls.stream().mapToDouble(CallStream::seconds).max().orElseThrow();
            Instant deadline = start.plusSeconds((long) longest + 120);
            while (!output.finals.keySet().containsAll(expectedStreams)
                    && Instant.now().isBefore(deadline)) {
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

    private static CallStream mono(
            String callId,
            Profile profile,
            double seconds,
            int rate,
            AudioEncoding encoding,
            SpeakerRole speaker) {
        return new CallStream(
                callId,
                List.of(speaker),
                rate,
                encoding,
                new float[][] {
                    SyntheticSpeech.generate(profile, seconds, rate, callId.hashCode())
                });
    }

    /** 8 kHz mu-law, customer on channel 0 and agent on channel 1. */
    private static CallStream stereo(
            String callId, Profile customer, Profile agent, double seconds) {
        return new CallStream(
                callId,
                List.of(SpeakerRole.CUSTOMER, SpeakerRole.AGENT),
                8000,
                AudioEncoding.MULAW,
                new float[][] {
                    SyntheticSpeech.generate(customer, seconds, 8000, callId.hashCode()),
                    SyntheticSpeech.generate(agent, seconds, 8000, callId.hashCode() + 1)
                });
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The committed output of one test. */
    private static final class Output {
        final List<EmotionEvent> events = new CopyOnWriteArrayList<>();
        final Map<String, CallEmotionStats> finals = new java.util.concurrent.ConcurrentHashMap<>();
        volatile boolean duplicateFinals;

        void addStats(CallEmotionStats stats) {
            if (stats.getFinal$()
                    && finals.put(stats.getCallId() + "/" + stats.getSpeaker(), stats) != null) {
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
