package io.emostream.stream;

import java.nio.ByteBuffer;

/**
 * One entry of the chunk store: a chunk's decoded mono samples at the source rate, or a run of silence that
 * stands in for missing chunks. Value layout (big-endian):
 * <pre>
 *   byte kind (0 = audio, 1 = gap silence) | int64 sampleCount | int64 captureTimeMs | audio only: float32 x sampleCount
 * </pre>
 * Samples are kept as float32 so that every input encoding round-trips exactly; silence stores no samples, so a
 * gap of any length costs one small entry.
 */
record BufferedChunk(boolean silence, long sampleCount, long captureTimeMs, float[] samples) {

    static final int HEADER_BYTES = 1 + Long.BYTES + Long.BYTES;

    static BufferedChunk audio(float[] samples, long captureTimeMs) {
        return new BufferedChunk(false, samples.length, captureTimeMs, samples);
    }

    static BufferedChunk silence(long sampleCount, long captureTimeMs) {
        return new BufferedChunk(true, sampleCount, captureTimeMs, null);
    }

    byte[] encode() {
        int sampleBytes = silence ? 0 : samples.length * Float.BYTES;
        ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES + sampleBytes);
        buffer.put((byte) (silence ? 1 : 0)).putLong(sampleCount).putLong(captureTimeMs);
        if (!silence) {
            buffer.asFloatBuffer().put(samples);
        }
        return buffer.array();
    }

    static BufferedChunk decode(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        boolean silence = buffer.get() == 1;
        long count = buffer.getLong();
        long capture = buffer.getLong();
        if (silence) {
            return silence(count, capture);
        }
        float[] samples = new float[(int) count];
        buffer.asFloatBuffer().get(samples);
        return new BufferedChunk(false, count, capture, samples);
    }

    /** Reads only the header: sample count and capture time, without copying samples. */
    static BufferedChunk decodeHeader(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        boolean silence = buffer.get() == 1;
        return new BufferedChunk(silence, buffer.getLong(), buffer.getLong(), null);
    }

    /** Copies samples {@code [from, to)} of this chunk to {@code target} at {@code targetOffset}; silence stays 0. */
    void copyTo(long from, long to, float[] target, int targetOffset) {
        if (!silence && to > from) {
            System.arraycopy(samples, (int) from, target, targetOffset, (int) (to - from));
        }
    }
}
