package io.emostream.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.emostream.avro.AlertEvent;
import io.emostream.avro.AudioChunk;
import io.emostream.avro.AudioEncoding;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import io.emostream.avro.SpeakerRole;
import io.emostream.dashboard.DashboardFeed;
import io.emostream.dashboard.DashboardState;
import io.emostream.local.CallAudioSender;
import io.emostream.local.SyntheticSpeech;
import io.emostream.serde.AvroWireDeserializer;
import io.emostream.serde.AvroWireSerdeConfig;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The Quarkus service against a real (embedded) broker and a real registry: readiness follows Kafka Streams,
 * {@code /model} describes the loaded model, and a produced call shows up in {@code /calls} and
 * {@code /calls/{id}/stats} with final statistics.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalKafkaStackResource.class, restrictToAnnotatedClass = true)
class ServiceQuarkusTest {

    @ConfigProperty(name = "quarkus.kafka-streams.bootstrap-servers")
    String bootstrap;

    @ConfigProperty(name = "emostream.serde.schema-registry-url")
    String registryUrl;

    @TestHTTPResource("/dashboard/api/events")
    URL dashboardEvents;

    @Inject EmostreamConfig emostream;

    @Inject DashboardService dashboard;

    /** One server-sent event as received, with the time it arrived. */
    record Sse(String name, String data, long arrivedNanos) {}

    @Test
    void servesHealthModelAndCallStatistics() throws Exception {
        awaitReady();
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body(containsString("Kafka Streams running"))
                .body(containsString("RUNNING"));

        given().get("/model")
                .then()
                .statusCode(200)
                .body("id", notNullValue())
                .body("version", notNullValue())
                .body("labels", hasItem("angry"))
                .body("features.n_mels", equalTo(80))
                .body("features.sample_rate", equalTo(16000));

        given().get("/calls/never-seen/stats").then().statusCode(404);

        // A call is listed from its first chunk, before it has a window (and so before any
        // statistics).
        String early = "quarkus-test-early-" + System.nanoTime();
        try (Producer<String, AudioChunk> producer =
                CallAudioSender.newProducer(bootstrap, registryUrl)) {
            producer.send(
                            new ProducerRecord<>(
                                    "call-audio",
                                    early,
                                    AudioChunk.newBuilder()
                                            .setCallId(early)
                                            .setSpeaker(SpeakerRole.AGENT)
                                            .setSequence(0)
                                            .setCaptureTimestamp(Instant.now())
                                            .setSampleRate(16000)
                                            .setEncoding(AudioEncoding.PCM16LE)
                                            .setChannelCount(1)
                                            .setAudio(ByteBuffer.wrap(new byte[3200]))
                                            .setEndOfStream(false)
                                            .build()))
                    .get();
        }
        Instant listedBy = Instant.now().plusSeconds(30);
        Response listing = given().get("/calls");
        while (!listing.asString().contains(early) && Instant.now().isBefore(listedBy)) {
            Thread.sleep(250);
            listing = given().get("/calls");
        }
        List<Map<String, Object>> listed = listing.jsonPath().getList("calls");
        Map<String, Object> earlyCall =
                listed.stream().filter(c -> early.equals(c.get("callId"))).findFirst().orElse(null);
        assertTrue(earlyCall != null, "call " + early + " not listed: " + listing.asString());
        assertEquals(List.of("AGENT"), earlyCall.get("speakers"));
        assertEquals(0, ((Number) earlyCall.get("windows")).intValue());
        assertEquals(false, earlyCall.get("final"));

        // 7.5 s of speech-like audio: two full 3 s windows plus a 1.5 s trailing window.
        String callId = "quarkus-test-call-" + System.nanoTime();
        CallAudioSender.CallStream call =
                new CallAudioSender.CallStream(
                        callId,
                        List.of(SpeakerRole.CUSTOMER),
                        16000,
                        AudioEncoding.PCM16LE,
                        new float[][] {
                            SyntheticSpeech.generate(
                                    SyntheticSpeech.Profile.AGITATED, 7.5, 16000, 7)
                        });
        try (Producer<String, AudioChunk> producer =
                CallAudioSender.newProducer(bootstrap, registryUrl)) {
            long chunks =
                    new CallAudioSender(producer, "call-audio", Duration.ofMillis(100), true)
                            .send(call);
            assertEquals(75, chunks);
        }

        Response stats = awaitFinalStats(callId, Duration.ofSeconds(60));
        stats.then()
                .body("callId", equalTo(callId))
                .body("speakers[0].speaker", equalTo("CUSTOMER"))
                .body("speakers[0].final", equalTo(true))
                .body("speakers[0].windowsTotal", equalTo(3))
                .body("speakers[0].gaps", equalTo(0))
                .body("speakers[0].duplicates", equalTo(0));

        given().get("/calls").then().statusCode(200).body("calls.callId", hasItem(callId));

        // A stereo call as `./emostream produce --stereo-agent` sends it: 8 kHz mu-law, customer
        // and agent
        // interleaved in one stream, 20-ms chunks (the command itself is tested in the tools
        // module).
        float[] customer = SyntheticSpeech.generate(SyntheticSpeech.Profile.CHEERFUL, 6.5, 8000, 3);
        float[] agent =
                java.util.Arrays.copyOf(
                        SyntheticSpeech.generate(SyntheticSpeech.Profile.CALM, 4.0, 8000, 4),
                        customer.length);
        String stereoCall = "quarkus-test-stereo-" + System.nanoTime();
        try (Producer<String, AudioChunk> producer =
                CallAudioSender.newProducer(bootstrap, registryUrl)) {
            long chunks =
                    new CallAudioSender(producer, "call-audio", Duration.ofMillis(20), true)
                            .send(
                                    new CallAudioSender.CallStream(
                                            stereoCall,
                                            List.of(SpeakerRole.CUSTOMER, SpeakerRole.AGENT),
                                            8000,
                                            AudioEncoding.MULAW,
                                            new float[][] {customer, agent}));
            assertEquals(325, chunks);
        }
        Response stereo = awaitFinalStats(stereoCall, Duration.ofSeconds(60));
        List<Map<String, Object>> speakers = stereo.jsonPath().getList("speakers");
        assertEquals(2, speakers.size(), stereo.asString());
        for (Map<String, Object> speaker : speakers) {
            assertEquals(true, speaker.get("final"), stereo.asString());
            assertEquals(
                    2,
                    speaker.get("windowsTotal"),
                    stereo.asString()); // 6.5 s: 2 full windows + 0.5 s
        }
        assertEquals(
                List.of("AGENT", "CUSTOMER"),
                speakers.stream().map(s -> s.get("speaker")).toList());

        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("emostream_"))
                .body(containsString("kafka_stream"))
                .body(not(containsString("emostream_nonexistent")));
    }

    /**
     * The dashboard: the page is served by the service, and its event stream starts with a snapshot and then pushes
     * every window of a produced call, its final statistics, within 1 s of the window reaching an independent
     * read_committed consumer (polling every 10 ms: as close to "committed" as a client can observe).
     */
    @Test
    void dashboardPushesEveryWindowOfACallWithinASecond() throws Exception {
        awaitReady();
        given().get("/dashboard/")
                .then()
                .statusCode(200)
                .contentType(containsString("text/html"))
                .body(containsString("<script src=\"app.js\"></script>"));
        given().get("/dashboard/app.js").then().statusCode(200).body(containsString("EventSource"));
        // no other test of this class opens /dashboard/api, and the page and its script do not
        // start the feed
        assertNull(
                dashboard.feed(),
                "the feed starts on the first /dashboard/api request, not with the service");
        given().get("/dashboard/api/calls/never-seen")
                .then()
                .statusCode(404)
                .body("error", containsString("never-seen"));
        assertNotNull(dashboard.feed(), "the first /dashboard/api request starts the feed");

        List<Sse> received = new CopyOnWriteArrayList<>();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<Stream<String>> stream =
                http.send(
                        HttpRequest.newBuilder(dashboardEvents.toURI())
                                .header("Accept", "text/event-stream")
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, stream.statusCode());
        assertTrue(
                stream.headers()
                        .firstValue("content-type")
                        .orElse("")
                        .startsWith("text/event-stream"));
        Thread reader =
                new Thread(
                        () -> {
                            String[] name = {null};
                            StringBuilder data = new StringBuilder();
                            try {
                                stream.body()
                                        .forEach(
                                                line -> {
                                                    if (line.startsWith("event:")) {
                                                        name[0] = line.substring(6).trim();
                                                    } else if (line.startsWith("data:")) {
                                                        data.append(line.substring(5).trim());
                                                    } else if (line.isEmpty() && name[0] != null) {
                                                        received.add(
                                                                new Sse(
                                                                        name[0],
                                                                        data.toString(),
                                                                        System.nanoTime()));
                                                        name[0] = null;
                                                        data.setLength(0);
                                                    }
                                                });
                            } catch (java.io.UncheckedIOException closed) {
                                // the test closed the stream
                            }
                        },
                        "sse-reader");
        reader.setDaemon(true);
        reader.start();

        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        config.put(AvroWireSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
        config.put(AvroWireSerdeConfig.READER_CLASS, EmotionEvent.class.getName());
        Map<Long, Long> committedAt = new ConcurrentHashMap<>();
        String callId = "dashboard-call-" + System.nanoTime();
        AvroWireDeserializer<EmotionEvent> values = new AvroWireDeserializer<>();
        values.configure(config, false);
        try (KafkaConsumer<String, EmotionEvent> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), values)) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor("call-emotions").stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            Instant deadline = Instant.now().plusSeconds(30);
            while (received.stream().noneMatch(e -> e.name().equals("snapshot"))
                    && Instant.now().isBefore(deadline)) {
                Thread.sleep(50);
            }
            assertEquals("snapshot", received.get(0).name(), "a snapshot comes first: " + received);

            CallAudioSender.CallStream call =
                    new CallAudioSender.CallStream(
                            callId,
                            List.of(SpeakerRole.CUSTOMER),
                            16000,
                            AudioEncoding.PCM16LE,
                            new float[][] {
                                SyntheticSpeech.generate(
                                        SyntheticSpeech.Profile.CALM, 9.5, 16000, 11)
                            });
            Thread sender =
                    new Thread(
                            () -> {
                                try (Producer<String, AudioChunk> producer =
                                        CallAudioSender.newProducer(bootstrap, registryUrl)) {
                                    new CallAudioSender(
                                                    producer,
                                                    "call-audio",
                                                    Duration.ofMillis(100),
                                                    true)
                                            .send(call);
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            },
                            "call-sender");
            sender.start();
            deadline = Instant.now().plusSeconds(60);
            while (Instant.now().isBefore(deadline)
                    && received.stream()
                            .noneMatch(
                                    e ->
                                            e.name().equals("stats")
                                                    && e.data().contains(callId)
                                                    && e.data().contains("\"final\":true"))) {
                for (ConsumerRecord<String, EmotionEvent> record :
                        consumer.poll(Duration.ofMillis(10))) {
                    if (record.key().equals(callId)) {
                        committedAt.putIfAbsent(record.value().getWindowIndex(), System.nanoTime());
                    }
                }
            }
            sender.join();
        }
        List<Sse> windows =
                received.stream()
                        .filter(e -> e.name().equals("window") && e.data().contains(callId))
                        .toList();
        assertEquals(
                3, windows.size(), "9.5 s: 3 windows (the 0.5 s tail is too short): " + windows);
        assertEquals(
                3,
                committedAt.size(),
                "the independent consumer saw the same windows: " + committedAt);
        for (long index = 0; index < 3; index++) {
            long i = index;
            Sse pushed =
                    windows.stream()
                            .filter(e -> e.data().contains("\"index\":" + i + ","))
                            .findFirst()
                            .orElseThrow(
                                    () -> new AssertionError("no window " + i + " in " + windows));
            long lagMs = (pushed.arrivedNanos() - committedAt.get(index)) / 1_000_000;
            assertTrue(
                    lagMs < 1000,
                    "window " + index + " pushed " + lagMs + " ms after it was committed");
        }
        given().get("/dashboard/api/calls/{id}", callId)
                .then()
                .statusCode(200)
                .body("ended", equalTo(true))
                .body("speakers.CUSTOMER.windows.size()", equalTo(3))
                .body("speakers.CUSTOMER.stats.final", equalTo(true))
                .body("speakers.CUSTOMER.stats.windowsTotal", equalTo(3));
        given().get("/dashboard/api/calls")
                .then()
                .statusCode(200)
                .body("calls.callId", hasItem(callId));
        stream.body().close();

        // A new instance's feed reads the look-back first: the ended call is there with its history
        // ...
        DashboardState replayed =
                new DashboardState(10, 10, 10, Duration.ofMinutes(10), AvroJson::toPlain);
        try (DashboardFeed feed = newFeed(replayed, Duration.ofMinutes(5))) {
            Instant deadline = Instant.now().plusSeconds(30);
            while (!replayed.call(callId)
                            .map(c -> Boolean.TRUE.equals(c.get("ended")))
                            .orElse(false)
                    && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
            }
            assertEquals(
                    true,
                    replayed.call(callId)
                            .orElseThrow(() -> new AssertionError("not replayed"))
                            .get("ended"));
        }
        // ... and with (almost) no look-back it starts at the end.
        DashboardState fresh =
                new DashboardState(10, 10, 10, Duration.ofMinutes(10), AvroJson::toPlain);
        try (DashboardFeed feed = newFeed(fresh, Duration.ofMillis(1))) {
            Instant deadline = Instant.now().plusSeconds(30);
            while (feed.assignment().size() < 6 && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
            }
            assertEquals(6, feed.assignment().size(), "all partitions of the three topics");
            Thread.sleep(1500);
            assertTrue(fresh.call(callId).isEmpty(), "nothing older than the look-back is read");
        }
    }

    private DashboardFeed newFeed(DashboardState state, Duration lookBack) {
        return new DashboardFeed(
                        Map.of("bootstrap.servers", bootstrap),
                        "call-emotions",
                        "call-emotion-stats",
                        "call-emotion-alerts",
                        ServiceWiring.valueDeserializer(emostream, EmotionEvent.class),
                        ServiceWiring.valueDeserializer(emostream, CallEmotionStats.class),
                        ServiceWiring.valueDeserializer(emostream, AlertEvent.class),
                        state,
                        lookBack,
                        Duration.ofMillis(100),
                        java.time.Clock.systemUTC())
                .start();
    }

    private static void awaitReady() throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(90);
        while (Instant.now().isBefore(deadline)) {
            if (given().get("/q/health/ready").statusCode() == 200) {
                return;
            }
            Thread.sleep(250);
        }
        fail("/q/health/ready not UP after 90 s: " + given().get("/q/health/ready").asString());
    }

    private Response awaitFinalStats(String callId, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Response last = null;
        while (Instant.now().isBefore(deadline)) {
            last = given().get("/calls/{id}/stats", callId);
            if (last.statusCode() == 200) {
                List<Map<String, Object>> speakers = last.jsonPath().getList("speakers");
                if (!speakers.isEmpty()
                        && speakers.stream().allMatch(s -> Boolean.TRUE.equals(s.get("final")))) {
                    return last;
                }
            }
            Thread.sleep(250);
        }
        assertTrue(
                false,
                "no final stats for "
                        + callId
                        + " after "
                        + timeout
                        + ": "
                        + (last == null ? "no answer" : last.statusCode() + " " + last.asString())
                        + "; dead letters: "
                        + deadLetterReasons());
        return last;
    }

    /** The reason and message headers of every record on the dead-letter topic, to explain a failure. */
    private List<String> deadLetterReasons() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> reasons = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor("call-audio-dlq").stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(5))) {
                StringBuilder line = new StringBuilder();
                for (String name : List.of("emostream.dlq.reason", "emostream.dlq.message")) {
                    var header = r.headers().lastHeader(name);
                    line.append(
                                    header == null
                                            ? "-"
                                            : new String(header.value(), StandardCharsets.UTF_8))
                            .append(' ');
                }
                reasons.add(line.toString().strip());
            }
        }
        return reasons;
    }
}
