package io.emostream.audio;

import java.util.Locale;

/** Sample encodings of raw interleaved call audio. */
public enum SampleEncoding {
    /** Signed 16-bit little-endian PCM. */
    PCM16LE(2),
    /** IEEE 754 32-bit float, little-endian, nominally in [-1, 1]. */
    FLOAT32LE(4),
    /** ITU-T G.711 mu-law, one byte per sample. */
    MULAW(1),
    /** ITU-T G.711 A-law, one byte per sample. */
    ALAW(1);

    private static final String ACCEPTED =
            "PCM16LE (pcm16), FLOAT32LE (float32), MULAW (mulaw, ulaw), ALAW (alaw)";

    private final int bytesPerSample;

    SampleEncoding(int bytesPerSample) {
        this.bytesPerSample = bytesPerSample;
    }

    public int bytesPerSample() {
        return bytesPerSample;
    }

    /**
     * Parses an encoding name case-insensitively; accepts the enum names and the short forms
     * {@code pcm16, float32, mulaw, ulaw, alaw}.
     *
     * @throws AudioFormatException naming the value and the accepted names
     */
    public static SampleEncoding parse(String name) {
        if (name == null) {
            throw new AudioFormatException("sample encoding is missing; accepted: " + ACCEPTED);
        }
        switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "pcm16le":
            case "pcm16":
                return PCM16LE;
            case "float32le":
            case "float32":
                return FLOAT32LE;
            case "mulaw":
            case "ulaw":
                return MULAW;
            case "alaw":
                return ALAW;
            default:
                throw new AudioFormatException(
                        "unknown sample encoding '" + name + "'; accepted: " + ACCEPTED);
        }
    }
}
