package io.emostream.stream;

import static io.emostream.stream.TopologyHarness.START;
import static io.emostream.stream.TopologyHarness.concat;
import static io.emostream.stream.TopologyHarness.split;
import static io.emostream.stream.TopologyHarness.tone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.avro.AlertEvent;
import io.emostream.avro.AlertType;
import io.emostream.avro.AudioChunk;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import io.emostream.avro.SpeakerRole;
import io.emostream.serde.AvroWireDeserializer;
import io.emostream.serde.AvroWireFormat;
import io.emostream.serde.AvroWireSerializer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules inside the real topology (TopologyTestDriver, real wire-format serdes over an in-memory
 * registry, {@link LoudnessTestClassifier}: the amplitude of a tone picks the label). Windows are 1 s at 8 kHz.
 * Tone amplitudes: 0.8 angry (valence -0.6), 0.4 happy (0.7), 0.2 neutral (0), 0.1 sad (-0.5).
 */
class AlertTopologyTest {

    private static final int RATE = 8000;
    private static final float ANGRY = 0.8f;
    private static final float HAPPY = 0.4f;
    private static final float NEUTRAL = 0.2f;
    private static final float SAD = 0.1f;

    @TempDir Path stateDir;

    private final TestSchemaRegistry registry = new TestSchemaRegistry();
    private final MutableClock clock = new MutableClock(START);
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> input;
    private TestOutputTopic<String, AlertEvent> alerts;
    private TestOutputTopic<String, EmotionEvent> events;
    private TestOutputTopic<String, CallEmotionStats> stats;
    private int chunkSchemaId;

    private void start(AlertSettings alertSettings) {
        TopologySettings settings =
                TopologySettings.defaults().toBuilder()
                        .window(Duration.ofSeconds(1), Duration.ofSeconds(1))
                        .build();
        chunkSchemaId =
                registry.register(settings.inputTopic() + "-value", AudioChunk.getClassSchema());
        AvroWireDeserializer<AudioChunk> chunks =
                new AvroWireDeserializer<>(registry, AudioChunk.class);
        chunks.configure(Map.of(), false);
        AvroWireSerializer<EmotionEvent> eventSerializer = new AvroWireSerializer<>(registry);
        eventSerializer.configure(Map.of(), false);
        AvroWireSerializer<CallEmotionStats> statsSerializer = new AvroWireSerializer<>(registry);
        statsSerializer.configure(Map.of(), false);
        AvroWireSerializer<AlertEvent> alertSerializer = new AvroWireSerializer<>(registry);
        alertSerializer.configure(Map.of(), false);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "emostream-alert-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        driver =
                new TopologyTestDriver(
                        EmotionTopology.build(
                                settings,
                                new LoudnessTestClassifier(),
                                chunks,
                                eventSerializer,
                                statsSerializer,
                                alertSettings,
                                alertSerializer,
                                new SimpleMeterRegistry(),
                                clock),
                        props,
                        START);
        input =
                driver.createInputTopic(
                        settings.inputTopic(),
                        new ByteArraySerializer(),
                        new ByteArraySerializer());
        AvroWireDeserializer<AlertEvent> alertDeserializer =
                new AvroWireDeserializer<>(registry, AlertEvent.class);
        alertDeserializer.configure(Map.of(), false);
        alerts =
                driver.createOutputTopic(
                        alertSettings.topic(), new StringDeserializer(), alertDeserializer);
        AvroWireDeserializer<EmotionEvent> eventDeserializer =
                new AvroWireDeserializer<>(registry, EmotionEvent.class);
        eventDeserializer.configure(Map.of(), false);
        events =
                driver.createOutputTopic(
                        settings.eventsTopic(), new StringDeserializer(), eventDeserializer);
        AvroWireDeserializer<CallEmotionStats> statsDeserializer =
                new AvroWireDeserializer<>(registry, CallEmotionStats.class);
        statsDeserializer.configure(Map.of(), false);
        stats =
                driver.createOutputTopic(
                        settings.statsTopic(), new StringDeserializer(), statsDeserializer);
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private void send(AudioChunk chunk) {
        input.pipeInput(
                new TestRecord<>(
                        chunk.getCallId().getBytes(StandardCharsets.UTF_8),
                        AvroWireFormat.encode(chunkSchemaId, chunk),
                        clock.instant()));
    }

    /** One second (one window) of a tone per amplitude. */
    private static float[] windows(float... amplitudes) {
        float[][] parts = new float[amplitudes.length][];
        for (int i = 0; i < amplitudes.length; i++) {
            parts[i] = tone(RATE, amplitudes[i], RATE);
        }
        return concat(parts);
    }

    /** Agent (channel 0) and customer (channel 1) as stereo chunks of 0.5 s, same capture times. */
    private void sendStereo(String callId, float[] agent, float[] customer, boolean endOfStream) {
        int chunk = RATE / 2;
        for (int seq = 0; seq * chunk < agent.length; seq++) {
            int from = seq * chunk;
            float[][] channels = {
                Arrays.copyOfRange(agent, from, from + chunk),
                Arrays.copyOfRange(customer, from, from + chunk)
            };
            AudioChunk c =
                    EmotionTopologyTest.stereo(
                            callId,
                            seq,
                            RATE,
                            channels,
                            List.of(SpeakerRole.AGENT, SpeakerRole.CUSTOMER));
            c.setEndOfStream(endOfStream && (seq + 1) * chunk >= agent.length);
            send(c);
        }
    }

    private KeyValueStore<String, byte[]> alertStore() {
        return driver.getKeyValueStore(AlertSettings.DEFAULT_STATE_STORE);
    }

    @Test
    void escalationStartsAndEndsAndSustainedNegativeValenceIsRaisedOnce() {
        start(AlertSettings.defaults());
        String call = "alert-escalation";
        // angry x3 (escalation from window 0, mean valence -0.6), neutral (escalation ends, mean
        // -0.4 stays below
        // -0.3: no second alert), happy x2 (mean back above), sad x3 (mean -0.5: raised again),
        // then the end.
        split(
                        call,
                        SpeakerRole.CUSTOMER,
                        RATE,
                        windows(ANGRY, ANGRY, ANGRY, NEUTRAL, HAPPY, HAPPY, SAD, SAD, SAD),
                        RATE / 4,
                        true)
                .forEach(this::send);

        List<AlertEvent> raised = alerts.readValuesToList();
        assertEquals(
                List.of(
                        AlertType.SUSTAINED_NEGATIVE_VALENCE,
                        AlertType.ESCALATION_STARTED,
                        AlertType.ESCALATION_ENDED,
                        AlertType.SUSTAINED_NEGATIVE_VALENCE),
                raised.stream().map(AlertEvent::getType).toList(),
                raised.toString());

        AlertEvent negative = raised.get(0);
        assertEquals(call, negative.getCallId());
        assertEquals(SpeakerRole.CUSTOMER, negative.getSpeaker());
        assertEquals(0, negative.getFromWindowIndex());
        assertEquals(2, negative.getToWindowIndex());
        assertEquals(0, negative.getWindowStartOffsetMs());
        assertEquals(3000, negative.getWindowEndOffsetMs());
        assertEquals(START, negative.getWindowStartTime());
        assertEquals(START.plusMillis(3000), negative.getWindowEndTime());
        assertEquals(-0.6f, negative.getValue(), 1e-6);
        assertEquals(
                "customer mean valence -0.60 over the last 3 speech windows (below -0.30, windows 0-2)",
                negative.getMessage());
        assertEquals("loudness-test", negative.getModelId());
        assertEquals("1", negative.getModelVersion());
        assertEquals(START, negative.getRaisedAt());

        AlertEvent started = raised.get(1);
        assertEquals(0, started.getFromWindowIndex());
        assertEquals(2, started.getToWindowIndex());
        assertEquals(START, started.getWindowStartTime());
        assertEquals(START.plusMillis(3000), started.getWindowEndTime());
        assertNull(started.getValue());
        assertEquals(
                "customer angry in 3 speech windows in a row (from window 0)",
                started.getMessage());

        AlertEvent ended = raised.get(2);
        assertEquals(0, ended.getFromWindowIndex());
        assertEquals(3, ended.getToWindowIndex());
        assertEquals(4000, ended.getWindowEndOffsetMs());
        assertEquals(
                "customer no longer angry (window 3: neutral, confidence 0.60)",
                ended.getMessage());

        AlertEvent again = raised.get(3);
        assertEquals(6, again.getFromWindowIndex());
        assertEquals(8, again.getToWindowIndex());
        assertEquals(-0.5f, again.getValue(), 1e-6);

        // Same transaction as the window: the escalation alert's window is the one whose stats
        // carry the flag.
        CallEmotionStats flagged =
                stats.readValuesToList().stream()
                        .filter(CallEmotionStats::getEscalation)
                        .findFirst()
                        .orElseThrow();
        assertEquals(3, flagged.getWindowsTotal());
        // Every speaker ended: the call's alert state is gone.
        assertNull(alertStore().get(call));
    }

    @Test
    void aStreamThatEndsWhileEscalatedEndsTheEscalation() {
        start(AlertSettings.defaults());
        split("alert-end", SpeakerRole.CUSTOMER, RATE, windows(ANGRY, ANGRY, ANGRY), RATE / 2, true)
                .forEach(this::send);
        List<AlertEvent> raised = alerts.readValuesToList();
        assertEquals(
                List.of(
                        AlertType.SUSTAINED_NEGATIVE_VALENCE,
                        AlertType.ESCALATION_STARTED,
                        AlertType.ESCALATION_ENDED),
                raised.stream().map(AlertEvent::getType).toList());
        assertEquals(
                "customer stream ended while angry (last window 2)", raised.get(2).getMessage());
        assertNull(alertStore().get("alert-end"));
    }

    @Test
    void happyAgentAgainstAngryCustomerIsRaisedOncePerEpisode() {
        start(AlertSettings.defaults());
        String call = "alert-mismatch";
        // windows:        0      1      2        3      4
        float[] agent = windows(HAPPY, HAPPY, HAPPY, HAPPY, NEUTRAL);
        float[] customer = windows(ANGRY, ANGRY, NEUTRAL, ANGRY, ANGRY);
        sendStereo(call, agent, customer, false);

        List<AlertEvent> raised =
                alerts.readValuesToList().stream()
                        .filter(a -> a.getType() == AlertType.AGENT_CUSTOMER_MISMATCH)
                        .toList();
        // window 0 raises it, window 1 continues it, window 2 (customer neutral) clears it, window
        // 3 raises it again,
        // window 4 (agent neutral) clears it.
        assertEquals(2, raised.size(), raised.toString());
        assertEquals(0, raised.get(0).getToWindowIndex());
        assertEquals(3, raised.get(1).getToWindowIndex());
        assertEquals(
                "agent happy (0.70, window 3) while customer angry (0.80, window 3)",
                raised.get(1).getMessage());
        assertEquals(START.plusMillis(3000), raised.get(1).getWindowStartTime());
        assertEquals(START.plusMillis(4000), raised.get(1).getWindowEndTime());
        assertNotNull(alertStore().get(call), "state kept while the call is live");
        assertEquals(
                10,
                events.readValuesToList().size(),
                "events still reach their topic through the tap");
    }

    @Test
    void rulesAreConfigurable() {
        // Watch the agent too, with a stricter threshold: sad (-0.5) no longer counts, angry (-0.6)
        // does.
        start(
                new AlertSettings(
                        "my-alerts",
                        AlertSettings.DEFAULT_STATE_STORE,
                        -0.55f,
                        2,
                        Set.of(SpeakerRole.AGENT, SpeakerRole.CUSTOMER),
                        "neutral",
                        "sad",
                        0.5f));
        sendStereo(
                "alert-config",
                windows(SAD, SAD, ANGRY, ANGRY),
                windows(NEUTRAL, NEUTRAL, SAD, NEUTRAL),
                false);
        List<AlertEvent> raised = alerts.readValuesToList();
        assertEquals(
                List.of(AlertType.SUSTAINED_NEGATIVE_VALENCE),
                raised.stream()
                        .filter(a -> a.getType() == AlertType.SUSTAINED_NEGATIVE_VALENCE)
                        .map(AlertEvent::getType)
                        .toList());
        assertEquals(
                SpeakerRole.AGENT,
                raised.stream()
                        .filter(a -> a.getType() == AlertType.SUSTAINED_NEGATIVE_VALENCE)
                        .findFirst()
                        .orElseThrow()
                        .getSpeaker());
        // customer sad at window 2, agent angry (not 'neutral'): no mismatch under this rule
        assertTrue(
                raised.stream().noneMatch(a -> a.getType() == AlertType.AGENT_CUSTOMER_MISMATCH));
    }

    @Test
    void badRulesAreRejectedWithAClearMessage() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new AlertSettings(
                                        "a",
                                        "s",
                                        -1.5f,
                                        3,
                                        Set.of(SpeakerRole.CUSTOMER),
                                        "happy",
                                        "angry",
                                        0.5f));
        assertEquals(
                "alert rule: negative valence threshold must be in [-1, 1], was -1.5",
                e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new AlertSettings(
                                        "a",
                                        "s",
                                        -0.3f,
                                        0,
                                        Set.of(SpeakerRole.CUSTOMER),
                                        "happy",
                                        "angry",
                                        0.5f));
        assertEquals("alert rule: negative valence windows must be >= 1, was 0", e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                start(
                                        new AlertSettings(
                                                "a",
                                                "s",
                                                -0.3f,
                                                3,
                                                Set.of(SpeakerRole.CUSTOMER),
                                                "hapy",
                                                "angry",
                                                0.5f)));
        assertEquals(
                "alert rule: mismatch label 'hapy' is not one of the model's labels [angry, happy, neutral, sad]",
                e.getMessage());
    }
}
