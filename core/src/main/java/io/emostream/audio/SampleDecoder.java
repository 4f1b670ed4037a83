package io.emostream.audio;

/**
 * Decodes raw interleaved sample bytes to one float array per channel, samples in [-1, 1].
 * PCM16 and G.711 samples are scaled by 1/32768; float samples are clamped to [-1, 1] and must be finite.
 */
public final class SampleDecoder {

    /** Most channels accepted in one stream. */
    public static final int MAX_CHANNELS = 8;

    /** G.711 code to sample, as {@link #sampleAt} computes it, for every code. */
    private static final float[] ULAW = g711Table(SampleEncoding.MULAW);

    private static final float[] ALAW = g711Table(SampleEncoding.ALAW);

    private SampleDecoder() {}

    /**
     * Decodes and deinterleaves {@code data}.
     *
     * @throws AudioFormatException      when the channel count is outside 1..8 or the byte count is not a whole
     *                                   number of frames
     * @throws NonFiniteSampleException  (an AudioFormatException) when a float sample is NaN or infinite
     */
    public static float[][] decode(byte[] data, SampleEncoding enc, int channels) {
        int frames = frameCount(data, enc, channels);
        float[][] out = new float[channels][];
        for (int ch = 0; ch < channels; ch++) {
            out[ch] = decodeChannel(data, enc, channels, ch, frames);
        }
        return out;
    }

    /** Decodes one channel (0-based) of interleaved {@code data}. */
    public static float[] decodeChannel(
            byte[] data, SampleEncoding enc, int channels, int channel) {
        int frames = frameCount(data, enc, channels);
        if (channel < 0 || channel >= channels) {
            throw new AudioFormatException(
                    "channel " + channel + " does not exist in " + channels + "-channel audio");
        }
        return decodeChannel(data, enc, channels, channel, frames);
    }

    /**
     * One loop per encoding rather than a switch per sample: this runs on every chunk of every call (the intake),
     * and the per-sample switch showed in the stream thread's profile. Same values as {@link #sampleAt}.
     */
    private static float[] decodeChannel(
            byte[] data, SampleEncoding enc, int channels, int channel, int frames) {
        int bps = enc.bytesPerSample();
        float[] out = new float[frames];
        int stride = channels * bps;
        int offset = channel * bps;
        switch (enc) {
            case PCM16LE -> {
                for (int frame = 0; frame < frames; frame++, offset += stride) {
                    out[frame] = (short) ((data[offset] & 0xFF) | (data[offset + 1] << 8)) / 32768f;
                }
            }
            case MULAW, ALAW -> {
                float[] table = enc == SampleEncoding.MULAW ? ULAW : ALAW;
                for (int frame = 0; frame < frames; frame++, offset += stride) {
                    out[frame] = table[data[offset] & 0xFF];
                }
            }
            default -> {
                for (int frame = 0; frame < frames; frame++, offset += stride) {
                    out[frame] = sampleAt(data, offset, enc);
                }
            }
        }
        return out;
    }

    private static float[] g711Table(SampleEncoding enc) {
        float[] table = new float[256];
        byte[] code = new byte[1];
        for (int i = 0; i < 256; i++) {
            code[0] = (byte) i;
            table[i] = sampleAt(code, 0, enc);
        }
        return table;
    }

    /** Number of frames in {@code data}, validating channels and byte count. */
    public static int frameCount(byte[] data, SampleEncoding enc, int channels) {
        if (enc == null) {
            throw new AudioFormatException("sample encoding is missing");
        }
        if (channels < 1 || channels > MAX_CHANNELS) {
            throw new AudioFormatException(
                    "channel count " + channels + " is outside 1.." + MAX_CHANNELS);
        }
        if (data == null) {
            throw new AudioFormatException("audio data is missing");
        }
        int frameBytes = channels * enc.bytesPerSample();
        if (data.length % frameBytes != 0) {
            throw new AudioFormatException(
                    data.length
                            + " bytes of "
                            + enc
                            + " audio with "
                            + channels
                            + " channel(s) is not a whole number of "
                            + frameBytes
                            + "-byte frames");
        }
        return data.length / frameBytes;
    }

    private static float sampleAt(byte[] data, int offset, SampleEncoding enc) {
        switch (enc) {
            case PCM16LE:
                return (short) ((data[offset] & 0xFF) | (data[offset + 1] << 8)) / 32768f;
            case FLOAT32LE:
                {
                    int bits =
                            (data[offset] & 0xFF)
                                    | (data[offset + 1] & 0xFF) << 8
                                    | (data[offset + 2] & 0xFF) << 16
                                    | (data[offset + 3] & 0xFF) << 24;
                    float value = Float.intBitsToFloat(bits);
                    if (!Float.isFinite(value)) {
                        throw new NonFiniteSampleException(
                                "float32 sample at byte " + offset + " is " + value);
                    }
                    return Math.max(-1f, Math.min(1f, value));
                }
            case MULAW:
                return G711.ulawToLinear(data[offset]) / 32768f;
            case ALAW:
                return G711.alawToLinear(data[offset]) / 32768f;
            default:
                throw new AudioFormatException("unsupported sample encoding " + enc);
        }
    }
}
