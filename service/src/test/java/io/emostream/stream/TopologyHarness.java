package io.emostream.stream;

import io.emostream.analysis.WindowClassifier;
import io.emostream.audio.SampleEncoder;
import io.emostream.audio.SampleEncoding;
import io.emostream.avro.AudioChunk;
import io.emostream.avro.AudioEncoding;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import io.emostream.avro.SpeakerRole;
import io.emostream.serde.AvroWireDeserializer;
import io.emostream.serde.AvroWireFormat;
import io.emostream.serde.AvroWireSerializer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The real topology in a TopologyTestDriver, with the real wire-format deserializer over an in-memory registry,
 * a hand-moved clock (advanced together with the driver's wall clock) and a simple meter registry.
 */
final class TopologyHarness implements AutoCloseable {

    static final Instant START = Instant.parse("2026-01-01T10:00:00Z");
    static final String APP_ID = "emostream-test";

    final TopologySettings settings;
    final TestSchemaRegistry registry = new TestSchemaRegistry();
    final MutableClock clock;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> input;
    final TestOutputTopic<String, EmotionEvent> events;
    final TestOutputTopic<String, CallEmotionStats> stats;
    final TestOutputTopic<byte[], byte[]> deadLetters;
    final int chunkSchemaId;

    TopologyHarness(TopologySettings settings, WindowClassifier classifier, Path stateDir) {
        this(settings, classifier, stateDir, START);
    }

    /**
     * A harness whose clocks start at {@code start}; on the state directory of a closed harness it is the instance
     * that takes the task over after a stall.
     */
    TopologyHarness(
            TopologySettings settings, WindowClassifier classifier, Path stateDir, Instant start) {
        this.settings = settings;
        this.clock = new MutableClock(start);
        chunkSchemaId =
                registry.register(settings.inputTopic() + "-value", AudioChunk.getClassSchema());
        AvroWireDeserializer<AudioChunk> chunkDeserializer =
                new AvroWireDeserializer<>(registry, AudioChunk.class);
        chunkDeserializer.configure(Map.of(), false);
        AvroWireSerializer<EmotionEvent> eventSerializer = new AvroWireSerializer<>(registry);
        eventSerializer.configure(Map.of(), false);
        AvroWireSerializer<CallEmotionStats> statsSerializer = new AvroWireSerializer<>(registry);
        statsSerializer.configure(Map.of(), false);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        driver =
                new TopologyTestDriver(
                        EmotionTopology.build(
                                settings,
                                classifier,
                                chunkDeserializer,
                                eventSerializer,
                                statsSerializer,
                                meters,
                                clock),
                        props,
                        start);
        input =
                driver.createInputTopic(
                        settings.inputTopic(),
                        new ByteArraySerializer(),
                        new ByteArraySerializer());
        AvroWireDeserializer<EmotionEvent> eventDeserializer =
                new AvroWireDeserializer<>(registry, EmotionEvent.class);
        eventDeserializer.configure(Map.of(), false);
        AvroWireDeserializer<CallEmotionStats> statsDeserializer =
                new AvroWireDeserializer<>(registry, CallEmotionStats.class);
        statsDeserializer.configure(Map.of(), false);
        events =
                driver.createOutputTopic(
                        settings.eventsTopic(), new StringDeserializer(), eventDeserializer);
        stats =
                driver.createOutputTopic(
                        settings.statsTopic(), new StringDeserializer(), statsDeserializer);
        deadLetters =
                driver.createOutputTopic(
                        settings.deadLetterTopic(),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer());
    }

    // ---- input

    byte[] encode(AudioChunk chunk) {
        return AvroWireFormat.encode(chunkSchemaId, chunk);
    }

    void send(AudioChunk chunk) {
        sendRaw(
                chunk.getCallId().getBytes(StandardCharsets.UTF_8),
                encode(chunk),
                new RecordHeaders());
    }

    void sendRaw(byte[] key, byte[] value, Headers headers) {
        input.pipeInput(new TestRecord<>(key, value, headers, clock.instant()));
    }

    /** Moves the test clock and the driver's wall clock together, firing wall-clock punctuations. */
    void advance(Duration d) {
        clock.advance(d);
        driver.advanceWallClockTime(d);
    }

    // ---- chunks

    /** Builder pre-filled for a mono FLOAT32LE chunk of {@code samples} starting at sample {@code startSample}. */
    static AudioChunk.Builder mono(
            String callId,
            SpeakerRole speaker,
            long sequence,
            int sampleRate,
            float[] samples,
            long startSample) {
        return AudioChunk.newBuilder()
                .setCallId(callId)
                .setSpeaker(speaker)
                .setSequence(sequence)
                .setCaptureTimestamp(START.plusMillis(startSample * 1000 / sampleRate))
                .setSampleRate(sampleRate)
                .setEncoding(AudioEncoding.FLOAT32LE)
                .setChannelCount(1)
                .setAudio(
                        ByteBuffer.wrap(
                                SampleEncoder.encode(
                                        new float[][] {samples}, SampleEncoding.FLOAT32LE)))
                .setEndOfStream(false);
    }

    /** Cuts {@code signal} into chunks of {@code chunkSamples}; the last one carries endOfStream when asked. */
    static List<AudioChunk> split(
            String callId,
            SpeakerRole speaker,
            int sampleRate,
            float[] signal,
            int chunkSamples,
            boolean endOfStream) {
        List<AudioChunk> chunks = new java.util.ArrayList<>();
        for (int start = 0, seq = 0; start < signal.length; start += chunkSamples, seq++) {
            float[] part =
                    java.util.Arrays.copyOfRange(
                            signal, start, Math.min(signal.length, start + chunkSamples));
            boolean last = start + chunkSamples >= signal.length;
            chunks.add(
                    mono(callId, speaker, seq, sampleRate, part, start)
                            .setEndOfStream(endOfStream && last)
                            .build());
        }
        return chunks;
    }

    /** A sine of {@code amplitude} at 220 Hz: RMS = amplitude / sqrt(2). */
    static float[] tone(int samples, float amplitude, int sampleRate) {
        float[] out = new float[samples];
        for (int i = 0; i < samples; i++) {
            out[i] = (float) (amplitude * Math.sin(2 * Math.PI * 220 * i / sampleRate));
        }
        return out;
    }

    /** A signal whose value encodes its position, to check which samples landed in which window. */
    static float[] ramp(int samples) {
        float[] out = new float[samples];
        for (int i = 0; i < samples; i++) {
            out[i] = 0.25f + 0.5f * i / samples;
        }
        return out;
    }

    static float[] concat(float[]... parts) {
        return io.emostream.analysis.TestSignals.concat(parts);
    }

    // ---- state and metrics

    KeyValueStore<Bytes, byte[]> chunkStore() {
        return driver.getKeyValueStore(settings.chunkStore());
    }

    KeyValueStore<Bytes, byte[]> streamStore() {
        return driver.getKeyValueStore(settings.streamStateStore());
    }

    KeyValueStore<String, byte[]> conversationStore() {
        return driver.getKeyValueStore(settings.conversationStore());
    }

    KeyValueStore<String, CallEmotionStats> callStatsStore() {
        return driver.getKeyValueStore(settings.callStatsStore());
    }

    /**
     * Copies every entry of this harness's stores into {@code next}'s, as a new owner's restore from the changelogs
     * would (a TopologyTestDriver starts on empty stores).
     */
    void handOverStateTo(TopologyHarness next) {
        entries(streamStore()).forEach(e -> next.streamStore().put(e.key, e.value));
        entries(chunkStore()).forEach(e -> next.chunkStore().put(e.key, e.value));
        entries(conversationStore()).forEach(e -> next.conversationStore().put(e.key, e.value));
        entries(callStatsStore()).forEach(e -> next.callStatsStore().put(e.key, e.value));
    }

    static <K, V> List<KeyValue<K, V>> entries(KeyValueStore<K, V> store) {
        List<KeyValue<K, V>> all = new java.util.ArrayList<>();
        try (KeyValueIterator<K, V> it = store.all()) {
            it.forEachRemaining(all::add);
        }
        return all;
    }

    SpeakerStreamState streamState(String callId, SpeakerRole speaker) {
        byte[] value = streamStore().get(new SpeakerStreamKey(callId, speaker).toBytes());
        return value == null ? null : SpeakerStreamState.decode(value);
    }

    double count(String name, String... tags) {
        Counter counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Override
    public void close() {
        driver.close();
    }
}
