package io.emostream.audio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads RIFF/WAVE files: integer PCM of 8 (unsigned), 16, 24 and 32 bits, IEEE float of 32 and 64 bits, G.711
 * mu-law and A-law, plain or as WAVE_FORMAT_EXTENSIBLE, any sample rate and channel count. Unknown chunks (LIST,
 * fact, ...) are skipped, honouring the pad byte after odd-sized chunks. Integer samples are scaled by
 * 2^-(bits-1); 8-bit samples are unsigned with 128 as zero; float samples are clamped to [-1, 1].
 */
public final class WavReader {

    private static final int FORMAT_PCM = 1;
    private static final int FORMAT_FLOAT = 3;
    private static final int FORMAT_ALAW = 6;
    private static final int FORMAT_MULAW = 7;
    private static final int FORMAT_EXTENSIBLE = 0xFFFE;

    private WavReader() {}

    /** @throws AudioFormatException naming the file and the problem when it is not a readable WAV file */
    public static PcmAudio read(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read WAV file " + path + ": " + e.getMessage(), e);
        }
        return parse(bytes, String.valueOf(path.getFileName()));
    }

    /** Parses WAV bytes; {@code name} only labels error messages. */
    public static PcmAudio parse(byte[] bytes, String name) {
        String where = "WAV file " + name + ": ";
        if (bytes.length < 12) {
            throw new AudioFormatException(
                    where + "only " + bytes.length + " bytes, too short for a RIFF header");
        }
        if (!fourCc(bytes, 0).equals("RIFF") || !fourCc(bytes, 8).equals("WAVE")) {
            throw new AudioFormatException(
                    where
                            + "not a RIFF/WAVE file (starts with '"
                            + printable(bytes, 0)
                            + "' ... '"
                            + printable(bytes, 8)
                            + "')");
        }
        Format format = null;
        int pos = 12;
        while (pos + 8 <= bytes.length) {
            String id = fourCc(bytes, pos);
            long size = u32(bytes, pos + 4);
            int body = pos + 8;
            long available = bytes.length - (long) body;
            if (id.equals("fmt ")) {
                if (size > available) {
                    throw new AudioFormatException(
                            where
                                    + "fmt chunk declares "
                                    + size
                                    + " bytes but only "
                                    + available
                                    + " remain (truncated)");
                }
                format = parseFormat(bytes, body, (int) size, where);
            } else if (id.equals("data")) {
                if (format == null) {
                    throw new AudioFormatException(where + "data chunk comes before the fmt chunk");
                }
                if (size == 0xFFFFFFFFL) {
                    size = available; // streaming writers that never patched the size
                } else if (size > available) {
                    throw new AudioFormatException(
                            where
                                    + "data chunk declares "
                                    + size
                                    + " bytes but only "
                                    + available
                                    + " remain (truncated)");
                }
                return decode(bytes, body, (int) size, format, where);
            }
            long next = body + size + (size & 1); // chunks are word aligned
            if (next > bytes.length) {
                break;
            }
            pos = (int) next;
        }
        throw new AudioFormatException(
                where + (format == null ? "missing fmt chunk" : "missing data chunk"));
    }

    private record Format(int tag, int channels, int sampleRate, int blockAlign, int bits) {}

    private static Format parseFormat(byte[] b, int at, int size, String where) {
        if (size < 16) {
            throw new AudioFormatException(
                    where + "fmt chunk has " + size + " bytes, needs at least 16");
        }
        int tag = u16(b, at);
        int channels = u16(b, at + 2);
        long sampleRate = u32(b, at + 4);
        int blockAlign = u16(b, at + 12);
        int bits = u16(b, at + 14);
        if (tag == FORMAT_EXTENSIBLE) {
            if (size < 40) {
                throw new AudioFormatException(
                        where
                                + "WAVE_FORMAT_EXTENSIBLE fmt chunk has "
                                + size
                                + " bytes, needs 40");
            }
            tag = u16(b, at + 24); // first two bytes of the sub-format GUID
        }
        if (channels == 0) {
            throw new AudioFormatException(where + "zero channels");
        }
        if (sampleRate == 0 || sampleRate > Integer.MAX_VALUE) {
            throw new AudioFormatException(where + "invalid sample rate " + sampleRate);
        }
        boolean supported =
                switch (tag) {
                    case FORMAT_PCM -> bits == 8 || bits == 16 || bits == 24 || bits == 32;
                    case FORMAT_FLOAT -> bits == 32 || bits == 64;
                    case FORMAT_ALAW, FORMAT_MULAW -> bits == 8;
                    default -> false;
                };
        if (!supported) {
            throw new AudioFormatException(
                    where
                            + "unsupported format tag "
                            + tag
                            + " with "
                            + bits
                            + " bits per sample (supported: PCM 8/16/24/32, float 32/64, A-law/mu-law 8)");
        }
        int expectedAlign = channels * bits / 8;
        if (blockAlign != expectedAlign) {
            throw new AudioFormatException(
                    where
                            + "block align "
                            + blockAlign
                            + " does not match "
                            + channels
                            + " channel(s) of "
                            + bits
                            + " bits ("
                            + expectedAlign
                            + ")");
        }
        return new Format(tag, channels, (int) sampleRate, blockAlign, bits);
    }

    private static PcmAudio decode(byte[] b, int at, int size, Format f, String where) {
        if (size % f.blockAlign() != 0) {
            throw new AudioFormatException(
                    where
                            + "data chunk of "
                            + size
                            + " bytes is not a whole number of "
                            + f.blockAlign()
                            + "-byte frames");
        }
        int frames = size / f.blockAlign();
        float[][] channels = new float[f.channels()][frames];
        int bytesPerSample = f.bits() / 8;
        int pos = at;
        for (int frame = 0; frame < frames; frame++) {
            for (int ch = 0; ch < f.channels(); ch++, pos += bytesPerSample) {
                channels[ch][frame] = sample(b, pos, f, where);
            }
        }
        return new PcmAudio(f.sampleRate(), channels);
    }

    private static float sample(byte[] b, int p, Format f, String where) {
        switch (f.tag()) {
            case FORMAT_PCM:
                switch (f.bits()) {
                    case 8:
                        return ((b[p] & 0xFF) - 128) / 128f;
                    case 16:
                        return (short) ((b[p] & 0xFF) | b[p + 1] << 8) / 32768f;
                    case 24:
                        return ((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | b[p + 2] << 16) / 8388608f;
                    default:
                        return (float) (s32(b, p) / 2147483648.0);
                }
            case FORMAT_FLOAT:
                {
                    double v =
                            f.bits() == 32
                                    ? Float.intBitsToFloat(s32(b, p))
                                    : Double.longBitsToDouble(
                                            (s32(b, p) & 0xFFFFFFFFL)
                                                    | ((long) s32(b, p + 4) << 32));
                    if (!Double.isFinite(v)) {
                        throw new AudioFormatException(where + "non-finite float sample " + v);
                    }
                    return (float) Math.max(-1.0, Math.min(1.0, v));
                }
            case FORMAT_ALAW:
                return G711.alawToLinear(b[p]) / 32768f;
            default:
                return G711.ulawToLinear(b[p]) / 32768f;
        }
    }

    private static String fourCc(byte[] b, int at) {
        return new String(b, at, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static String printable(byte[] b, int at) {
        StringBuilder sb = new StringBuilder();
        for (int i = at; i < at + 4 && i < b.length; i++) {
            int c = b[i] & 0xFF;
            sb.append(c >= 32 && c < 127 ? (char) c : '?');
        }
        return sb.toString();
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    private static int s32(byte[] b, int at) {
        return (b[at] & 0xFF)
                | (b[at + 1] & 0xFF) << 8
                | (b[at + 2] & 0xFF) << 16
                | (b[at + 3] & 0xFF) << 24;
    }

    private static long u32(byte[] b, int at) {
        return s32(b, at) & 0xFFFFFFFFL;
    }
}
