package io.emostream.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.SystemLimitException;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro binary decoding of one byte-array slice that checks every length and count read from the data against the
 * bytes that remain <em>before</em> allocating anything. Avro's own {@code BinaryDecoder} allocates a string or
 * bytes value of the declared length first and reads afterwards, so 16 bytes that declare a 2,000,000,000-byte
 * string cost a 2 GB allocation (an {@link OutOfMemoryError}); here they fail at once with an
 * {@link EOFException} naming the declared and the remaining length.
 *
 * <p>Bounds: a string, bytes value or skipped block longer than the bytes left; an array or map block of more
 * items than bytes left (every item of a useful schema takes at least one byte; an array of {@code null}s longer
 * than the rest of the record is refused); Avro's {@code org.apache.avro.limits.*} system properties still apply.
 * The encoding itself is Avro's: zig-zag varints, little-endian floats, blocks with optional byte sizes.
 */
final class BoundedBinaryDecoder extends Decoder {

    private final byte[] buf;
    private int pos;
    private final int limit;

    BoundedBinaryDecoder(byte[] data, int offset, int length) {
        if (offset < 0 || length < 0 || offset > data.length - length) {
            throw new IndexOutOfBoundsException(
                    "slice " + offset + "+" + length + " of " + data.length + " bytes");
        }
        this.buf = data;
        this.pos = offset;
        this.limit = offset + length;
    }

    /** True when every byte of the slice has been read. */
    boolean isEnd() {
        return pos == limit;
    }

    int remaining() {
        return limit - pos;
    }

    private int checkLength(long length, String what) throws IOException {
        if (length < 0) {
            throw new IOException("negative " + what + " length " + length);
        }
        if (length > remaining()) {
            throw new EOFException(
                    "the record declares a "
                            + what
                            + " of "
                            + length
                            + " bytes but only "
                            + remaining()
                            + " bytes remain");
        }
        return (int) length;
    }

    private long checkCount(long count, String what) throws IOException {
        if (count > remaining()) {
            throw new EOFException(
                    "the record declares a block of "
                            + count
                            + " "
                            + what
                            + " items but only "
                            + remaining()
                            + " bytes remain");
        }
        return count;
    }

    /** Skips {@code length} bytes after checking them ({@code pos += ...} would lose a pos moved by the length read). */
    private void skip(long length, String what) throws IOException {
        int n = checkLength(length, what);
        pos += n;
    }

    private int readByte() throws IOException {
        if (pos >= limit) {
            throw new EOFException("the record ends inside a value");
        }
        return buf[pos++] & 0xff;
    }

    @Override
    public void readNull() {}

    @Override
    public boolean readBoolean() throws IOException {
        int b = readByte();
        if (b > 1) {
            throw new IOException("invalid boolean byte " + b);
        }
        return b == 1;
    }

    @Override
    public int readInt() throws IOException {
        int value = 0;
        for (int shift = 0; shift < 32; shift += 7) {
            int b = readByte();
            value |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (value >>> 1) ^ -(value & 1);
            }
        }
        throw new IOException("invalid int encoding (more than 5 bytes)");
    }

    @Override
    public long readLong() throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (value >>> 1) ^ -(value & 1);
            }
        }
        throw new IOException("invalid long encoding (more than 10 bytes)");
    }

    @Override
    public float readFloat() throws IOException {
        checkLength(Float.BYTES, "float");
        int bits =
                (buf[pos] & 0xff)
                        | (buf[pos + 1] & 0xff) << 8
                        | (buf[pos + 2] & 0xff) << 16
                        | (buf[pos + 3] & 0xff) << 24;
        pos += Float.BYTES;
        return Float.intBitsToFloat(bits);
    }

    @Override
    public double readDouble() throws IOException {
        checkLength(Double.BYTES, "double");
        long bits = 0;
        for (int i = Double.BYTES - 1; i >= 0; i--) {
            bits = bits << 8 | (buf[pos + i] & 0xff);
        }
        pos += Double.BYTES;
        return Double.longBitsToDouble(bits);
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = checkLength(readLong(), "string");
        SystemLimitException.checkMaxStringLength(length);
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        System.arraycopy(buf, pos, result.getBytes(), 0, length);
        pos += length;
        return result;
    }

    @Override
    public String readString() throws IOException {
        int length = checkLength(readLong(), "string");
        SystemLimitException.checkMaxStringLength(length);
        String result = new String(buf, pos, length, StandardCharsets.UTF_8);
        pos += length;
        return result;
    }

    @Override
    public void skipString() throws IOException {
        skip(readLong(), "string");
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = checkLength(readLong(), "bytes value");
        SystemLimitException.checkMaxBytesLength(length);
        ByteBuffer result;
        if (old != null && length <= old.capacity()) {
            result = old;
            result.clear();
        } else {
            result = ByteBuffer.allocate(length);
        }
        result.put(buf, pos, length);
        result.flip();
        pos += length;
        return result;
    }

    @Override
    public void skipBytes() throws IOException {
        skip(readLong(), "bytes value");
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        checkLength(length, "fixed");
        System.arraycopy(buf, pos, bytes, start, length);
        pos += length;
    }

    @Override
    public void skipFixed(int length) throws IOException {
        skip(length, "fixed");
    }

    @Override
    public int readEnum() throws IOException {
        return readInt();
    }

    @Override
    public int readIndex() throws IOException {
        return readInt();
    }

    /** Item count of the next block; a negative count is followed by the block's byte size, which is not needed. */
    private long readItemCount(String what) throws IOException {
        long count = readLong();
        if (count < 0) {
            if (count == Long.MIN_VALUE) {
                throw new IOException("invalid block item count " + count);
            }
            readLong();
            count = -count;
        }
        return checkCount(count, what);
    }

    /** Skips blocks that carry their byte size; returns the item count of the first block without one (or 0). */
    private long skipItems(String what) throws IOException {
        long count = readLong();
        while (count < 0) {
            skip(readLong(), what + " block");
            count = readLong();
        }
        return checkCount(count, what);
    }

    @Override
    public long readArrayStart() throws IOException {
        return readItemCount("array");
    }

    @Override
    public long arrayNext() throws IOException {
        return readItemCount("array");
    }

    @Override
    public long skipArray() throws IOException {
        return skipItems("array");
    }

    @Override
    public long readMapStart() throws IOException {
        return readItemCount("map");
    }

    @Override
    public long mapNext() throws IOException {
        return readItemCount("map");
    }

    @Override
    public long skipMap() throws IOException {
        return skipItems("map");
    }
}
