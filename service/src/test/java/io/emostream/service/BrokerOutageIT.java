package io.emostream.service;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A broker outage in the middle of a load: the packaged service (child process) serves three real-time calls when
 * the in-process broker is stopped for 60 s and started again on the same port with the same data. The service
 * must recover by itself: readiness goes down during the outage and comes back, the process stays up, every
 * window of every stream arrives exactly once ({@code read_committed}) with its final statistics, and nothing is
 * dead-lettered because of the outage.
 *
 * <p>The producer keeps sending during the outage: its buffer holds the chunks, and with {@code max.block.ms} and
 * {@code delivery.timeout.ms} above the outage no chunk is lost on the producer's side (with the defaults, the
 * send that blocks for metadata past 60 s fails: {@code CallAudioSender} reports every failed chunk). The service's {@code inactivity-timeout} is set above the outage:
 * a stream whose chunks are held up longer than that is ended when the broker returns (docs/operations.md).
 */
class BrokerOutageIT {

    private static final Duration CHUNK = Duration.ofMillis(100);
    private static final Duration OUTAGE = Duration.ofSeconds(60);
    private static final double CALL_SECONDS = 75.5;
    private static final int WINDOWS = 25; // 75.5 s in 3-s windows without overlap

    private static EmbeddedKafka kafka;
    private static ApicurioRegistry registry;
    private static ServiceProcess service;
    private static int httpPort;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startStack() throws Exception {
        // a fixed port: a broker restarted on a random port would be a different address
        kafka = EmbeddedKafka.start(LocalKafkaStackResource.freePort());
        LocalKafkaStackResource.createServiceTopics(kafka, 4);
        registry = LocalKafkaStackResource.startRegistry();
        Path workDir = Files.createDirectories(Path.of("target", "it-broker-outage"));
        httpPort = LocalKafkaStackResource.freePort();
        service =
                LocalKafkaStackResource.startReadyService(
                        LocalKafkaStackResource.serviceEnvironment(
                                kafka, registry, Files.createTempDirectory(workDir, "state-")),
                        Map.of("emostream.window.inactivity-timeout", "150s"),
                        httpPort,
                        workDir.resolve("service.log"));
    }

    @AfterAll
    static void stopStack() throws Exception {
        LocalKafkaStackResource.closeAll(service, registry, kafka);
    }

    @Test
    void aSixtySecondBrokerOutageMidCallLosesAndDuplicatesNothing() throws Exception {
        List<CallStream> calls =
                List.of(
                        mono("outage-a", Profile.AGITATED, 16000, AudioEncoding.PCM16LE),
                        mono("outage-b", Profile.SUBDUED, 8000, AudioEncoding.ALAW),
                        stereo("outage-c"));
        Map<String, Integer> expected = new HashMap<>();
        for (CallStream call : calls) {
            for (SpeakerRole speaker : call.speakers()) {
                expected.put(call.callId() + "/" + speaker, WINDOWS);
            }
        }
        List<EmotionEvent> events = new CopyOnWriteArrayList<>();
        Map<String, CallEmotionStats> finals = new ConcurrentHashMap<>();
        List<String> duplicateFinals = new CopyOnWriteArrayList<>();
        boolean[] readyDuringOutage = {true};
        Duration[] backToReady = {null};

        ExecutorService pool = Executors.newFixedThreadPool(calls.size() + 1);
        // A producer that rides through the outage: send() waits for metadata, and batches for
        // delivery, longer
        // than the outage lasts (the defaults, 60 s and 120 s, lose the chunk whose send blocks
        // past 60 s).
        Map<String, Object> patient =
                Map.of(
                        ProducerConfig.MAX_BLOCK_MS_CONFIG, 180_000,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 180_000);
        try (Producer<String, AudioChunk> producer =
                CallAudioSender.newProducer(
                        kafka.bootstrapServers(), registry.ccompatUrl(), patient)) {
            CallAudioSender sender = new CallAudioSender(producer, "call-audio", CHUNK, false);
            List<Future<?>> tasks = new ArrayList<>();
            for (CallStream call : calls) {
                tasks.add(pool.submit(() -> sender.send(call)));
            }
            tasks.add(
                    pool.submit(
                            () -> {
                                Thread.sleep(10_000);
                                kafka.stopBroker();
                                Instant end = Instant.now().plus(OUTAGE);
                                boolean sawNotReady = false;
                                while (Instant.now().isBefore(end)) {
                                    sawNotReady |= readyStatus() != 200;
                                    Thread.sleep(1000);
                                }
                                readyDuringOutage[0] = !sawNotReady;
                                kafka.startBroker();
                                Instant restarted = Instant.now();
                                Instant deadline = restarted.plusSeconds(120);
                                // the first ready answer counts: a rebalance right after it may
                                // take readiness down again for a moment (asking twice raced)
                                while (Instant.now().isBefore(deadline)) {
                                    if (readyStatus() == 200) {
                                        backToReady[0] = Duration.between(restarted, Instant.now());
                                        break;
                                    }
                                    Thread.sleep(500);
                                }
                                return null;
                            }));
            for (Future<?> task : tasks) {
                task.get(); // the sends end with a flush, so every chunk reached the broker
            }
        } finally {
            pool.shutdownNow();
        }

        try (OutputReader reader =
                new OutputReader(
                        kafka.bootstrapServers(),
                        registry.ccompatUrl(),
                        List.of("call-emotions", "call-emotion-stats"),
                        true)) { // this class's topics hold only this test's output
            Instant deadline = Instant.now().plusSeconds(180);
            while (!finals.keySet().containsAll(expected.keySet())
                    && Instant.now().isBefore(deadline)) {
                reader.poll(
                        Duration.ofMillis(500),
                        events::add,
                        stats -> {
                            String stream = stats.getCallId() + "/" + stats.getSpeaker();
                            if (stats.getFinal$() && finals.put(stream, stats) != null) {
                                duplicateFinals.add(stream);
                            }
                        });
            }
            Instant settle = Instant.now().plusSeconds(3); // a duplicate would come after the final
            while (Instant.now().isBefore(settle)) {
                reader.poll(Duration.ofMillis(500), events::add, stats -> {});
            }
        }

        assertFalse(readyDuringOutage[0], "readiness never went down while the broker was away");
        assertTrue(backToReady[0] != null, "not ready again within 120 s of the broker's return");
        assertTrue(service.isAlive(), "the service process exited");
        assertEquals(expected.keySet(), finals.keySet(), "streams with final statistics");
        assertTrue(duplicateFinals.isEmpty(), "two final statistics for " + duplicateFinals);
        for (Map.Entry<String, Integer> stream : expected.entrySet()) {
            List<Long> indices =
                    events.stream()
                            .filter(
                                    e ->
                                            (e.getCallId() + "/" + e.getSpeaker())
                                                    .equals(stream.getKey()))
                            .map(EmotionEvent::getWindowIndex)
                            .sorted()
                            .toList();
            assertEquals(
                    LongStream.range(0, stream.getValue()).boxed().toList(),
                    indices,
                    stream.getKey() + ": window indices (a repeat is a duplicate, a hole a loss)");
            CallEmotionStats last = finals.get(stream.getKey());
            assertEquals((long) stream.getValue(), last.getWindowsTotal(), stream.getKey());
            assertEquals(0L, last.getGaps(), stream.getKey() + ": no chunk was lost in the outage");
            assertEquals(0L, last.getLateChunks(), stream.getKey());
        }
        assertEquals(
                0,
                LocalKafkaStackResource.committedDeadLetters(kafka, "broker-outage-it-dlq"),
                "records dead-lettered because of the outage");
        System.out.printf(
                "BrokerOutageIT: ready again %d ms after the broker returned%n",
                backToReady[0].toMillis());
    }

    private static int readyStatus() {
        try {
            return http.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    "http://localhost:"
                                                            + httpPort
                                                            + "/q/health/ready"))
                                    .timeout(Duration.ofSeconds(5))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return -1; // no answer counts as not ready
        }
    }

    private static CallStream mono(
            String callId, Profile profile, int rate, AudioEncoding encoding) {
        return new CallStream(
                callId,
                List.of(SpeakerRole.CUSTOMER),
                rate,
                encoding,
                new float[][] {
                    SyntheticSpeech.generate(profile, CALL_SECONDS, rate, callId.hashCode())
                });
    }

    /** 8 kHz mu-law, customer on channel 0 and agent on channel 1. */
    private static CallStream stereo(String callId) {
        return new CallStream(
                callId,
                List.of(SpeakerRole.CUSTOMER, SpeakerRole.AGENT),
                8000,
                AudioEncoding.MULAW,
                new float[][] {
                    SyntheticSpeech.generate(
                            Profile.CHEERFUL, CALL_SECONDS, 8000, callId.hashCode()),
                    SyntheticSpeech.generate(
                            Profile.CALM, CALL_SECONDS, 8000, callId.hashCode() + 1)
                });
    }
}
