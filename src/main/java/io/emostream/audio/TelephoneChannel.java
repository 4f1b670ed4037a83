package io.emostream.audio;

import java.util.Arrays;

/**
 * Simulates a narrow-band telephone line on 16 kHz audio, as {@code telephone_channel} in
 * {@code models/train/features.py}: resample to 8 kHz, quantise to 16 bits (clamp to [-1, 1 - 2^-15], scale by
 * 32768, round half-to-even), G.711 mu-law encode and decode, scale back by 1/32768, resample to 16 kHz and cut to
 * the input length.
 */
public final class TelephoneChannel {

    public static final int WIDE_RATE = 16000;
    public static final int NARROW_RATE = 8000;

    private TelephoneChannel() {
    }

    /** Returns a new array of {@code samples16k.length} samples. */
    public static float[] apply(float[] samples16k) {
        float[] narrow = Resampler.of(WIDE_RATE, NARROW_RATE).process(samples16k);
        for (int i = 0; i < narrow.length; i++) {
            short pcm = SampleEncoder.toPcm16(narrow[i]);
            narrow[i] = G711.ulawToLinear(G711.linearToUlaw(pcm)) / 32768f;
        }
        float[] wide = Resampler.of(NARROW_RATE, WIDE_RATE).process(narrow);
        return wide.length == samples16k.length ? wide : Arrays.copyOf(wide, samples16k.length);
    }
}
