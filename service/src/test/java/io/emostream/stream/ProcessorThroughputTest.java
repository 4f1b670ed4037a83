package io.emostream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.emostream.avro.AudioChunk;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.SpeakerRole;
import io.emostream.serde.AvroWireDeserializer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both processors driven directly (MockProcessorContext, RocksDB stores without changelog), because
 * TopologyTestDriver flushes RocksDB after every record and so measures nothing useful. Checks that 10 minutes of
 * 20 ms chunks give the expected windows, and prints chunks per second of processor work with the cheap test
 * classifier: the stream-processing overhead without inference (not asserted: the machine is shared).
 */
class ProcessorThroughputTest {

    @TempDir Path stateDir;

    @Test
    void tenMinutesOfTwentyMillisecondChunks() {
        TopologySettings settings = TopologySettings.defaults();
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "throughput");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        MockProcessorContext<Object, Object> context =
                new MockProcessorContext<>(config, new TaskId(0, 0), new File(stateDir.toString()));
        addStore(context, Stores.persistentKeyValueStore(settings.streamStateStore()));
        addStore(context, Stores.persistentKeyValueStore(settings.chunkStore()));
        KeyValueStore<String, CallEmotionStats> callStats =
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(settings.callStatsStore()),
                                Serdes.String(),
                                new CallEmotionStatsSerde())
                        .withLoggingDisabled()
                        .build();
        callStats.init(context.getStateStoreContext(), callStats);
        context.addStateStore(callStats);
        KeyValueStore<String, byte[]> conversations =
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(settings.conversationStore()),
                                Serdes.String(),
                                Serdes.ByteArray())
                        .withLoggingDisabled()
                        .build();
        conversations.init(context.getStateStoreContext(), conversations);
        context.addStateStore(conversations);

        TestSchemaRegistry registry = new TestSchemaRegistry();
        int schemaId = registry.register("call-audio-value", AudioChunk.getClassSchema());
        AvroWireDeserializer<AudioChunk> deserializer =
                new AvroWireDeserializer<>(registry, AudioChunk.class);
        deserializer.configure(Map.of(), false);
        StreamMetrics metrics = new StreamMetrics(new SimpleMeterRegistry());
        ChunkIntakeProcessor intake = new ChunkIntakeProcessor(settings, deserializer, metrics);
        SpeakerStreamProcessor windower =
                new SpeakerStreamProcessor(
                        settings,
                        new LoudnessTestClassifier(),
                        EmotionTopology.ACTIVITY_DETECTOR,
                        metrics,
                        Clock.systemUTC());
        intake.init(context);
        windower.init(context);

        int rate = 16000;
        int chunkSamples = 320;
        int chunks = 30_000; // 600 s
        float[] samples = TopologyHarness.tone(chunkSamples, 0.3f, rate);
        byte[] key = "perf".getBytes(StandardCharsets.UTF_8);
        List<byte[]> values = new ArrayList<>(chunks);
        for (int seq = 0; seq < chunks; seq++) {
            values.add(
                    io.emostream.serde.AvroWireFormat.encode(
                            schemaId,
                            TopologyHarness.mono(
                                            "perf",
                                            SpeakerRole.AGENT,
                                            seq,
                                            rate,
                                            samples,
                                            (long) seq * chunkSamples)
                                    .build()));
        }
        long events = 0;
        long started = 0;
        int warmUp = 3_000;
        for (int seq = 0; seq < chunks; seq++) {
            if (seq == warmUp) {
                started = System.nanoTime();
            }
            context.setRecordMetadata(settings.inputTopic(), 0, seq);
            intake.process(new Record<>(key, values.get(seq), seq));
            List<MockProcessorContext.CapturedForward<?, ?>> forwarded =
                    new ArrayList<>(context.forwarded());
            context.resetForwards();
            for (MockProcessorContext.CapturedForward<?, ?> f : forwarded) {
                @SuppressWarnings("unchecked")
                Record<String, ValidatedChunk> r = (Record<String, ValidatedChunk>) f.record();
                windower.process(r);
            }
            events +=
                    context.forwarded().stream()
                            .filter(
                                    f ->
                                            f.childName()
                                                    .orElse("")
                                                    .equals(EmotionTopology.EVENTS_SINK))
                            .count();
            context.resetForwards();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(
                "ProcessorThroughputTest: %d chunks of 20 ms in %.2f s = %.0f chunks/s (%.1f us/chunk)%n",
                chunks - warmUp,
                seconds,
                (chunks - warmUp) / seconds,
                seconds * 1e6 / (chunks - warmUp));
        assertEquals(200, events, "600 s = 200 windows of 3 s");
        windower.close();
    }

    private static void addStore(
            MockProcessorContext<Object, Object> context, KeyValueBytesStoreSupplier supplier) {
        KeyValueStore<Bytes, byte[]> store =
                Stores.keyValueStoreBuilder(supplier, Serdes.Bytes(), Serdes.ByteArray())
                        .withLoggingDisabled()
                        .build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
    }
}
