package io.emostream.stream;

import java.nio.ByteBuffer;

/**
 * One entry of the chunk store: a chunk's decoded mono samples at the source rate, or a run of silence that
 * stands in for missing chunks. Value layout (big-endian):
 * <pre>
 *   byte kind | int64 sampleCount | int64 captureTimeMs | samples
 *   kind 0 = audio as float32 x sampleCount, 1 = gap silence (no samples), 2 = audio as int16 x sampleCount (/ 32768)
 * </pre>
 * Every input encoding round-trips exactly: PCM16 and G.711 decode to multiples of 1/32768 in [-1, 1), which kind 2
 * holds in half the bytes of float32 (half the store's bytes and its changelog's); anything else (float32 input)
 * stays kind 0. Silence stores no samples, so a gap of any length costs one small entry. Entries of kind 0 written
 * before kind 2 existed decode as before.
 */
record BufferedChunk(boolean silence, long sampleCount, long captureTimeMs, float[] samples) {

    static final int HEADER_BYTES = 1 + Long.BYTES + Long.BYTES;

    static BufferedChunk audio(float[] samples, long captureTimeMs) {
        return new BufferedChunk(false, samples.length, captureTimeMs, samples);
    }

    static BufferedChunk silence(long sampleCount, long captureTimeMs) {
        return new BufferedChunk(true, sampleCount, captureTimeMs, null);
    }

    private static final byte FLOAT32 = 0;
    private static final byte SILENCE = 1;
    private static final byte PCM16 = 2;
    private static final float SCALE = 32768f;

    byte[] encode() {
        if (silence) {
            return ByteBuffer.allocate(HEADER_BYTES)
                    .put(SILENCE)
                    .putLong(sampleCount)
                    .putLong(captureTimeMs)
                    .array();
        }
        byte[] pcm16 = pcm16Entry(samples, sampleCount, captureTimeMs);
        if (pcm16 != null) {
            return pcm16;
        }
        ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES + samples.length * Float.BYTES);
        buffer.put(FLOAT32).putLong(sampleCount).putLong(captureTimeMs);
        buffer.asFloatBuffer().put(samples);
        return buffer.array();
    }

    /**
     * The kind-2 entry of {@code samples} if every one is k / 32768 for an integer k in [-32768, 32767], so int16
     * holds it bit for bit (-0.0 is not: it would come back as 0.0); else null. One pass that converts and checks
     * at once, writing big-endian bytes by hand: a {@code ShortBuffer} view per entry and a check pass before it
     * showed in the stream thread's profile (this runs once per chunk).
     */
    private static byte[] pcm16Entry(float[] samples, long sampleCount, long captureTimeMs) {
        byte[] entry = new byte[HEADER_BYTES + samples.length * Short.BYTES];
        ByteBuffer.wrap(entry).put(PCM16).putLong(sampleCount).putLong(captureTimeMs);
        for (int i = 0, p = HEADER_BYTES; i < samples.length; i++, p += 2) {
            float sample = samples[i];
            float scaled = sample * SCALE; // exact: a power-of-two scale
            if (!(scaled >= Short.MIN_VALUE && scaled <= Short.MAX_VALUE)) {
                return null;
            }
            short value = (short) scaled;
            if (Float.floatToRawIntBits(value / SCALE) != Float.floatToRawIntBits(sample)) {
                return null;
            }
            entry[p] = (byte) (value >> 8);
            entry[p + 1] = (byte) value;
        }
        return entry;
    }

    static BufferedChunk decode(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(requireHeader(value));
        byte kind = buffer.get();
        long count = buffer.getLong();
        long capture = buffer.getLong();
        if (kind == SILENCE) {
            return silence(count, capture);
        }
        int bytesPerSample =
                switch (kind) {
                    case PCM16 -> Short.BYTES;
                    case FLOAT32 -> Float.BYTES;
                    default ->
                            throw new UnreadableStateException(
                                    "chunk store entry of unknown kind " + kind, null);
                };
        int sampleBytes = value.length - HEADER_BYTES;
        if (sampleBytes % bytesPerSample != 0 || count != sampleBytes / bytesPerSample) {
            throw new UnreadableStateException(
                    "chunk store entry of "
                            + value.length
                            + " bytes does not hold "
                            + count
                            + " samples of "
                            + bytesPerSample
                            + " bytes",
                    null);
        }
        float[] samples = new float[(int) count];
        if (kind == PCM16) {
            for (int i = 0, p = HEADER_BYTES; i < samples.length; i++, p += 2) {
                samples[i] = (short) ((value[p] << 8) | (value[p + 1] & 0xFF)) / SCALE;
            }
        } else {
            buffer.asFloatBuffer().get(samples);
        }
        return new BufferedChunk(false, count, capture, samples);
    }

    /** Reads only the header: sample count and capture time, without copying samples. */
    static BufferedChunk decodeHeader(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(requireHeader(value));
        boolean silence = buffer.get() == SILENCE;
        return new BufferedChunk(silence, buffer.getLong(), buffer.getLong(), null);
    }

    /** An entry too short for its header is unreadable state, not a {@code BufferUnderflowException} mid-window. */
    private static byte[] requireHeader(byte[] value) {
        if (value.length < HEADER_BYTES) {
            throw new UnreadableStateException(
                    "chunk store entry of "
                            + value.length
                            + " bytes is shorter than its "
                            + HEADER_BYTES
                            + "-byte header",
                    null);
        }
        return value;
    }

    /** Copies samples {@code [from, to)} of this chunk to {@code target} at {@code targetOffset}; silence stays 0. */
    void copyTo(long from, long to, float[] target, int targetOffset) {
        if (!silence && to > from) {
            System.arraycopy(samples, (int) from, target, targetOffset, (int) (to - from));
        }
    }
}
