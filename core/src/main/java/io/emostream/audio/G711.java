package io.emostream.audio;

/**
 * ITU-T G.711 mu-law and A-law companding, bit-identical to Python's {@code audioop} (lin2ulaw/ulaw2lin,
 * lin2alaw/alaw2lin), which follows the Sun reference implementation (g711.c). Encoding works on the 14-bit
 * (mu-law) or 13-bit (A-law) magnitude of the 16-bit sample, as audioop does; decoding is a table lookup.
 */
public final class G711 {

    private static final int MU_BIAS = 0x84;
    private static final int MU_CLIP = 8159;
    private static final short[] SEG_UEND = {0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF};
    private static final short[] SEG_AEND = {0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF};

    private static final short[] ULAW_TO_LINEAR = new short[256];
    private static final short[] ALAW_TO_LINEAR = new short[256];

    static {
        for (int code = 0; code < 256; code++) {
            ULAW_TO_LINEAR[code] = computeUlawToLinear(code);
            ALAW_TO_LINEAR[code] = computeAlawToLinear(code);
        }
    }

    private G711() {}

    /** Encodes a signed 16-bit sample to a mu-law byte (as audioop.lin2ulaw). */
    public static byte linearToUlaw(short pcm) {
        int value = pcm >> 2; // 14-bit magnitude as in audioop
        int mask;
        if (value < 0) {
            value = -value;
            mask = 0x7F;
        } else {
            mask = 0xFF;
        }
        if (value > MU_CLIP) {
            value = MU_CLIP;
        }
        value += MU_BIAS >> 2;
        int seg = segment(value, SEG_UEND);
        if (seg >= 8) {
            return (byte) (0x7F ^ mask);
        }
        int uval = (seg << 4) | ((value >> (seg + 1)) & 0xF);
        return (byte) (uval ^ mask);
    }

    /** Decodes a mu-law byte to a signed 16-bit sample (as audioop.ulaw2lin). */
    public static short ulawToLinear(byte code) {
        return ULAW_TO_LINEAR[code & 0xFF];
    }

    /** Encodes a signed 16-bit sample to an A-law byte (as audioop.lin2alaw). */
    public static byte linearToAlaw(short pcm) {
        int value = pcm >> 3; // 13-bit magnitude as in audioop
        int mask;
        if (value >= 0) {
            mask = 0xD5;
        } else {
            mask = 0x55;
            value = -value - 1;
        }
        int seg = segment(value, SEG_AEND);
        if (seg >= 8) {
            return (byte) (0x7F ^ mask);
        }
        int aval = seg << 4;
        if (seg < 2) {
            aval |= (value >> 1) & 0xF;
        } else {
            aval |= (value >> seg) & 0xF;
        }
        return (byte) (aval ^ mask);
    }

    /** Decodes an A-law byte to a signed 16-bit sample (as audioop.alaw2lin). */
    public static short alawToLinear(byte code) {
        return ALAW_TO_LINEAR[code & 0xFF];
    }

    private static int segment(int value, short[] table) {
        for (int i = 0; i < table.length; i++) {
            if (value <= table[i]) {
                return i;
            }
        }
        return table.length;
    }

    private static short computeUlawToLinear(int code) {
        int u = ~code & 0xFF;
        int t = ((u & 0x0F) << 3) + MU_BIAS;
        t <<= (u & 0x70) >> 4;
        return (short) ((u & 0x80) != 0 ? (MU_BIAS - t) : (t - MU_BIAS));
    }

    private static short computeAlawToLinear(int code) {
        int a = (code ^ 0x55) & 0xFF;
        int t = (a & 0x0F) << 4;
        int seg = (a & 0x70) >> 4;
        switch (seg) {
            case 0:
                t += 8;
                break;
            case 1:
                t += 0x108;
                break;
            default:
                t += 0x108;
                t <<= seg - 1;
        }
        return (short) ((a & 0x80) != 0 ? t : -t);
    }
}
