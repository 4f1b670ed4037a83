package io.emostream.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.audio.SampleEncoder;
import io.emostream.audio.SampleEncoding;
import io.emostream.avro.AudioChunk;
import io.emostream.avro.AudioEncoding;
import io.emostream.avro.SpeakerRole;
import io.emostream.serde.AvroWireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed seeds of {@link ChunkIntakeFuzzTest#chunkRecord}: four valid chunks (PCM16 16 kHz mono, μ-law 8 kHz
 * stereo with a channel layout, A-law 8 kHz mono, FLOAT32 16 kHz with end of stream), each of its own call, laid out
 * for the target's raw branch. {@code FuzzedDataProvider} takes primitives from the end of the input and bytes from
 * its start, so a seed is the 16-byte key, a {@code 0x00} (even: the body goes behind a valid wire header), the Avro
 * body and a final {@code 0x00} (the branch boolean, false). Without seeds the fuzzer starts from bytes that never
 * pass the Avro decoder, and the checks behind it go unexplored.
 *
 * <p>This test builds the seeds, checks that each committed file is the same bytes, and checks that each, sent as the
 * target sends it, is accepted with no dead letter. {@code -Demostream.fuzz.writeSeeds=true} rewrites the files
 * (after a schema change).
 */
class ChunkIntakeFuzzSeedsTest {

    static final Path SEEDS =
            Path.of("src/test/resources/io/emostream/stream/ChunkIntakeFuzzTestInputs/chunkRecord");

    @TempDir Path state;

    @Test
    void eachCommittedSeedIsAValidChunkForTheRawBranch() throws IOException {
        Map<String, AudioChunk> seeds = seeds();
        boolean write = Boolean.getBoolean("emostream.fuzz.writeSeeds");
        try (TopologyHarness h =
                new TopologyHarness(
                        TopologySettings.defaults(), new LoudnessTestClassifier(), state)) {
            for (Map.Entry<String, AudioChunk> seed : seeds.entrySet()) {
                byte[] bytes = layout(h, seed.getValue());
                Path file = SEEDS.resolve(seed.getKey());
                if (write) {
                    Files.write(file, bytes);
                }
                assertArrayEquals(
                        bytes,
                        Files.readAllBytes(file),
                        file
                                + " differs from the seed built here (-Demostream.fuzz.writeSeeds=true)");

                // as the target reads it: last byte the branch, then 16 key bytes, then the body
                assertEquals(0, bytes[bytes.length - 1], "the raw branch");
                byte[] key = Arrays.copyOfRange(bytes, 0, 16);
                byte[] body = Arrays.copyOfRange(bytes, 16, bytes.length - 1);
                assertEquals(0, body[0] % 2, "behind a valid header");
                byte[] value =
                        ByteBuffer.allocate(AvroWireFormat.HEADER_LENGTH + body.length - 1)
                                .put(AvroWireFormat.MAGIC_BYTE)
                                .putInt(h.chunkSchemaId)
                                .put(body, 1, body.length - 1)
                                .array();
                double accepted = h.count(StreamMetrics.CHUNKS);
                h.sendRaw(key, value, new RecordHeaders());
                assertTrue(
                        h.deadLetters.readRecordsToList().isEmpty(),
                        seed.getKey() + " was dead-lettered");
                assertEquals(
                        accepted + 1, h.count(StreamMetrics.CHUNKS), seed.getKey() + " accepted");
            }
        }
    }

    /** Key, 0x00, the Avro body without its wire header, 0x00. */
    private static byte[] layout(TopologyHarness h, AudioChunk chunk) throws IOException {
        byte[] key = chunk.getCallId().getBytes(StandardCharsets.UTF_8);
        assertEquals(16, key.length, "the target reads a 16-byte key");
        byte[] wire = h.encode(chunk);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(key);
        out.write(0);
        out.write(wire, AvroWireFormat.HEADER_LENGTH, wire.length - AvroWireFormat.HEADER_LENGTH);
        out.write(0);
        return out.toByteArray();
    }

    private static Map<String, AudioChunk> seeds() {
        Map<String, AudioChunk> seeds = new LinkedHashMap<>();
        seeds.put(
                "seed-pcm16-16k-mono",
                chunk("seed-call-000001", 16_000, AudioEncoding.PCM16LE, 1, null, false));
        seeds.put(
                "seed-mulaw-8k-stereo",
                chunk(
                        "seed-call-000002",
                        8_000,
                        AudioEncoding.MULAW,
                        2,
                        List.of(SpeakerRole.CUSTOMER, SpeakerRole.AGENT),
                        false));
        seeds.put(
                "seed-alaw-8k-mono",
                chunk("seed-call-000003", 8_000, AudioEncoding.ALAW, 1, null, false));
        seeds.put(
                "seed-float32-16k-end-of-stream",
                chunk("seed-call-000004", 16_000, AudioEncoding.FLOAT32LE, 1, null, true));
        return seeds;
    }

    /** 20 ms of a 220-Hz tone, sequence 0, at the harness's start. */
    private static AudioChunk chunk(
            String callId,
            int rate,
            AudioEncoding encoding,
            int channels,
            List<SpeakerRole> layout,
            boolean endOfStream) {
        float[] tone = TopologyHarness.tone(rate / 50, 0.3f, rate);
        float[][] samples = new float[channels][];
        Arrays.fill(samples, tone);
        return AudioChunk.newBuilder()
                .setCallId(callId)
                .setSpeaker(SpeakerRole.AGENT)
                .setChannelLayout(layout)
                .setSequence(0)
                .setCaptureTimestamp(TopologyHarness.START)
                .setSampleRate(rate)
                .setEncoding(encoding)
                .setChannelCount(channels)
                .setEndOfStream(endOfStream)
                .setAudio(
                        ByteBuffer.wrap(
                                SampleEncoder.encode(
                                        samples, SampleEncoding.valueOf(encoding.name()))))
                .build();
    }
}
