package io.emostream.audio;

import java.util.Arrays;

/**
 * Simulates a narrow-band line on 16 kHz audio, as {@code telephone_channel} in {@code models/train/features.py}
 * and {@code g711_round_trip} / {@code narrowband} in {@code models/train/train.py}: resample to 8 kHz; for a
 * G.711 line quantise to 16 bits (clamp to [-1, 1 - 2^-15], scale by 32768, round half-to-even), encode and decode
 * with mu-law ({@link Channel#TELEPHONE}) or A-law ({@link Channel#ALAW}) and scale back by 1/32768 (a
 * {@link Channel#NARROWBAND} line skips this step); resample to 16 kHz and cut to the input length.
 */
public final class TelephoneChannel {

    public static final int WIDE_RATE = 16000;
    public static final int NARROW_RATE = 8000;

    private TelephoneChannel() {}

    /** The 8 kHz G.711 mu-law line: a new array of {@code samples16k.length} samples. */
    public static float[] apply(float[] samples16k) {
        return apply(samples16k, Channel.TELEPHONE);
    }

    /** {@code samples16k} through {@code line} (not {@link Channel#CLEAN}): a new array of the same length. */
    public static float[] apply(float[] samples16k, Channel line) {
        if (line == Channel.CLEAN) {
            throw new IllegalArgumentException("a clean channel has no line to simulate");
        }
        float[] narrow = Resampler.of(WIDE_RATE, NARROW_RATE).process(samples16k);
        if (line != Channel.NARROWBAND) {
            boolean mu = line == Channel.TELEPHONE;
            for (int i = 0; i < narrow.length; i++) {
                short pcm = SampleEncoder.toPcm16(narrow[i]);
                short decoded =
                        mu
                                ? G711.ulawToLinear(G711.linearToUlaw(pcm))
                                : G711.alawToLinear(G711.linearToAlaw(pcm));
                narrow[i] = decoded / 32768f;
            }
        }
        float[] wide = Resampler.of(NARROW_RATE, WIDE_RATE).process(narrow);
        return wide.length == samples16k.length ? wide : Arrays.copyOf(wide, samples16k.length);
    }
}
