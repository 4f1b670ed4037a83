package io.emostream.audio;

/**
 * The one place the resampler's filter constants are written down in Java; they equal {@code RESAMPLE} in
 * {@code models/train/features.py} (torchaudio's "kaiser_best": Kaiser-windowed sinc, about 140 dB stop band,
 * pass band to 0.9476 of the lower Nyquist frequency).
 */
public final class ResamplerSettings {

    /** Zero crossings of the sinc on each side of the centre tap. */
    public static final int LOWPASS_FILTER_WIDTH = 64;

    /** Cut-off as a fraction of the lower of the two Nyquist frequencies. */
    public static final double ROLLOFF = 0.9475937167399596;

    /** Kaiser window shape parameter. */
    public static final double BETA = 14.769656459379492;

    private ResamplerSettings() {}
}
