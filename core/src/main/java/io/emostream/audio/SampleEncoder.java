package io.emostream.audio;

/**
 * Interleaves per-channel float samples into raw bytes of a {@link SampleEncoding}. Floats are clamped to
 * [-1, 1 - 2^-15] and rounded half-to-even to 16 bits (as torch's {@code round}) before PCM16 or G.711 coding.
 */
public final class SampleEncoder {

    private SampleEncoder() {}

    public static byte[] encode(float[][] channels, SampleEncoding enc) {
        if (channels == null
                || channels.length < 1
                || channels.length > SampleDecoder.MAX_CHANNELS) {
            throw new AudioFormatException(
                    "channel count "
                            + (channels == null ? 0 : channels.length)
                            + " is outside 1.."
                            + SampleDecoder.MAX_CHANNELS);
        }
        int frames = channels[0].length;
        for (int ch = 1; ch < channels.length; ch++) {
            if (channels[ch].length != frames) {
                throw new AudioFormatException(
                        "channel "
                                + ch
                                + " has "
                                + channels[ch].length
                                + " samples but channel 0 has "
                                + frames);
            }
        }
        int bps = enc.bytesPerSample();
        byte[] out = new byte[frames * channels.length * bps];
        int offset = 0;
        for (int frame = 0; frame < frames; frame++) {
            for (float[] channel : channels) {
                float value = channel[frame];
                switch (enc) {
                    case PCM16LE:
                        {
                            short s = toPcm16(value);
                            out[offset] = (byte) s;
                            out[offset + 1] = (byte) (s >> 8);
                            break;
                        }
                    case FLOAT32LE:
                        {
                            int bits = Float.floatToRawIntBits(value);
                            out[offset] = (byte) bits;
                            out[offset + 1] = (byte) (bits >> 8);
                            out[offset + 2] = (byte) (bits >> 16);
                            out[offset + 3] = (byte) (bits >> 24);
                            break;
                        }
                    case MULAW:
                        out[offset] = G711.linearToUlaw(toPcm16(value));
                        break;
                    case ALAW:
                        out[offset] = G711.linearToAlaw(toPcm16(value));
                        break;
                    default:
                        throw new AudioFormatException("unsupported sample encoding " + enc);
                }
                offset += bps;
            }
        }
        return out;
    }

    /** Float in [-1, 1] to a 16-bit sample: clamp to [-1, 1 - 2^-15], scale by 32768, round half-to-even. */
    public static short toPcm16(float value) {
        float clamped = Math.max(-1f, Math.min(1f - 1f / 32768f, value));
        if (Float.isNaN(value)) {
            clamped = 0f;
        }
        return (short) Math.rint(clamped * 32768f);
    }
}
