package io.emostream.stream;

import io.emostream.avro.SpeakerRole;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.utils.Bytes;

/**
 * Identity of one analysed stream: a call and a speaker. Binary key layout (shared by the state stores):
 * <pre>
 *   stream key = int32 big-endian length of callId UTF-8 | callId UTF-8 | speaker ordinal (1 byte)
 *   chunk key  = stream key | sequence as int64 big-endian
 * </pre>
 * The length prefix makes no stream key a prefix of another, and since sequences are never negative the
 * fixed-width big-endian sequence sorts chunk keys of one stream by sequence under the stores' unsigned byte
 * order, so a range scan over one stream returns its chunks in order.
 */
record SpeakerStreamKey(String callId, SpeakerRole speaker) {

    SpeakerStreamKey {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(speaker, "speaker");
    }

    Bytes toBytes() {
        return Bytes.wrap(prefix(0).array());
    }

    /** Key of the chunk with {@code sequence} of this stream. */
    Bytes chunkKey(long sequence) {
        ByteBuffer buffer = prefix(Long.BYTES);
        buffer.putLong(sequence);
        return Bytes.wrap(buffer.array());
    }

    static long sequenceOfChunkKey(Bytes chunkKey) {
        byte[] bytes = chunkKey.get();
        return ByteBuffer.wrap(bytes, bytes.length - Long.BYTES, Long.BYTES).getLong();
    }

    static SpeakerStreamKey fromBytes(Bytes key) {
        ByteBuffer buffer = ByteBuffer.wrap(key.get());
        byte[] id = new byte[buffer.getInt()];
        buffer.get(id);
        return new SpeakerStreamKey(
                new String(id, StandardCharsets.UTF_8), SpeakerRole.values()[buffer.get()]);
    }

    private ByteBuffer prefix(int extra) {
        byte[] id = callId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(Integer.BYTES + id.length + 1 + extra);
        buffer.putInt(id.length).put(id).put((byte) speaker.ordinal());
        return buffer;
    }

    @Override
    public String toString() {
        return callId + "/" + speaker;
    }
}
