package io.emostream.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.audio.SampleEncoder;
import io.emostream.audio.SampleEncoding;
import io.emostream.avro.AudioChunk;
import io.emostream.avro.AudioEncoding;
import io.emostream.avro.SpeakerRole;
import io.emostream.serde.AvroWireDeserializer;
import io.emostream.serde.AvroWireFormat;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The intake processor alone, with a MockProcessorContext: decoding, channel split, and where it forwards. */
class ChunkIntakeProcessorTest {

    private final TestSchemaRegistry registry = new TestSchemaRegistry();
    private final int schemaId = registry.register("call-audio-value", AudioChunk.getClassSchema());
    private final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    private ChunkIntakeProcessor processor;

    @BeforeEach
    void setUp() {
        AvroWireDeserializer<AudioChunk> deserializer =
                new AvroWireDeserializer<>(registry, AudioChunk.class);
        deserializer.configure(Map.of(), false);
        processor =
                new ChunkIntakeProcessor(
                        TopologySettings.defaults(),
                        deserializer,
                        new StreamMetrics(new SimpleMeterRegistry()));
        processor.init(context);
        context.setRecordMetadata("call-audio", 3, 41);
    }

    private static AudioChunk.Builder chunk(
            String callId, AudioEncoding encoding, int channels, byte[] audio) {
        return AudioChunk.newBuilder()
                .setCallId(callId)
                .setSequence(5)
                .setCaptureTimestamp(Instant.ofEpochMilli(1_000))
                .setSampleRate(8000)
                .setEncoding(encoding)
                .setChannelCount(channels)
                .setAudio(ByteBuffer.wrap(audio));
    }

    @Test
    void stereoPcm16WithoutLayoutIsSplitIntoCustomerAndAgent() {
        float[] left = {0.5f, -0.25f, 0.125f};
        float[] right = {-0.5f, 0.75f, 0f};
        byte[] audio = SampleEncoder.encode(new float[][] {left, right}, SampleEncoding.PCM16LE);
        Record<byte[], byte[]> input =
                new Record<>(
                        "c1".getBytes(StandardCharsets.UTF_8),
                        AvroWireFormat.encode(
                                schemaId, chunk("c1", AudioEncoding.PCM16LE, 2, audio).build()),
                        77L);
        processor.process(input);

        List<CapturedForward<? extends Object, ? extends Object>> forwarded = context.forwarded();
        assertEquals(1, forwarded.size());
        assertEquals(EmotionTopology.WINDOWER, forwarded.get(0).childName().orElseThrow());
        assertEquals("c1", forwarded.get(0).record().key());
        assertEquals(77L, forwarded.get(0).record().timestamp());
        ValidatedChunk chunk = (ValidatedChunk) forwarded.get(0).record().value();
        assertEquals(5, chunk.sequence());
        assertEquals(1_000, chunk.captureTimeMs());
        assertEquals(8000, chunk.sampleRate());
        assertSame(input, chunk.original());
        assertEquals(SpeakerRole.CUSTOMER, chunk.channels().get(0).speaker());
        assertEquals(SpeakerRole.AGENT, chunk.channels().get(1).speaker());
        assertArrayEquals(left, chunk.channels().get(0).samples(), 1e-4f);
        assertArrayEquals(right, chunk.channels().get(1).samples(), 1e-4f);
    }

    @Test
    void monoMuLawBelongsToTheSpeakerField() {
        byte[] audio = SampleEncoder.encode(new float[][] {{0.5f, -0.5f}}, SampleEncoding.MULAW);
        processor.process(
                new Record<>(
                        "c2".getBytes(StandardCharsets.UTF_8),
                        AvroWireFormat.encode(
                                schemaId,
                                chunk("c2", AudioEncoding.MULAW, 1, audio)
                                        .setSpeaker(SpeakerRole.AGENT)
                                        .setChannelLayout(List.of(SpeakerRole.CUSTOMER))
                                        .build()),
                        1L));
        ValidatedChunk chunk = (ValidatedChunk) context.forwarded().get(0).record().value();
        assertEquals(1, chunk.channels().size());
        assertEquals(
                SpeakerRole.AGENT, chunk.channels().get(0).speaker(), "layout is ignored for mono");
        assertArrayEquals(new float[] {0.5f, -0.5f}, chunk.channels().get(0).samples(), 0.02f);
    }

    @Test
    void rejectedRecordGoesOnlyToTheDeadLetterSinkWithItsSourcePosition() {
        byte[] value = {9, 9, 9, 9, 9, 9};
        processor.process(new Record<>("c3".getBytes(StandardCharsets.UTF_8), value, 5L));
        assertEquals(1, context.forwarded().size());
        CapturedForward<? extends Object, ? extends Object> dead = context.forwarded().get(0);
        assertEquals(DeadLetters.SINK, dead.childName().orElseThrow());
        assertSame(value, dead.record().value());
        assertEquals(
                "BAD_MAGIC_BYTE",
                new String(
                        dead.record().headers().lastHeader(DeadLetters.REASON_HEADER).value(),
                        StandardCharsets.UTF_8));
        assertEquals(
                "41",
                new String(
                        dead.record().headers().lastHeader(DeadLetters.OFFSET_HEADER).value(),
                        StandardCharsets.UTF_8));
        assertEquals(
                "3",
                new String(
                        dead.record().headers().lastHeader(DeadLetters.PARTITION_HEADER).value(),
                        StandardCharsets.UTF_8));
        assertTrue(
                new String(
                                dead.record()
                                        .headers()
                                        .lastHeader(DeadLetters.MESSAGE_HEADER)
                                        .value(),
                                StandardCharsets.UTF_8)
                        .contains("magic"));
    }

    @Test
    void chunkWithoutEncodingIsUnsupportedEncoding() {
        // Unreachable through the wire format today (AudioEncoding has no default symbol, so an
        // unknown symbol
        // fails decoding as UNDECODABLE); a lenient deserializer could still hand over a record
        // without one.
        AudioChunk decoded = chunk("c4", AudioEncoding.PCM16LE, 1, new byte[2]).build();
        decoded.setEncoding(null);
        ChunkIntakeProcessor lenient =
                new ChunkIntakeProcessor(
                        TopologySettings.defaults(),
                        (topic, data) -> decoded,
                        new StreamMetrics(new SimpleMeterRegistry()));
        lenient.init(context);
        lenient.process(
                new Record<>(
                        "c4".getBytes(StandardCharsets.UTF_8), new byte[] {0, 0, 0, 0, 1, 2}, 1L));
        assertEquals(
                "UNSUPPORTED_ENCODING",
                new String(
                        context.forwarded()
                                .get(0)
                                .record()
                                .headers()
                                .lastHeader(DeadLetters.REASON_HEADER)
                                .value(),
                        StandardCharsets.UTF_8));
    }
}
