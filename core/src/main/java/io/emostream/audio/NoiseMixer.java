package io.emostream.audio;

import java.util.SplittableRandom;

/**
 * Adds noise at a signal-to-noise ratio relative to the clip's mean power {@code P} (at least 1e-12). White
 * Gaussian noise as {@code add_noise} in {@code models/train/features.py}: the noise standard deviation is
 * {@code sqrt(P / 10^(snr/10))}; the random numbers differ from torch's, but a seed always gives the same noise.
 * A given noise signal (a real recording, {@link NoiseRecordings}) is scaled so that its mean power is
 * {@code P / 10^(snr/10)}, as the real-noise augmentation of {@code models/train/train.py}.
 */
public final class NoiseMixer {

    private NoiseMixer() {}

    /** Returns {@code samples} plus noise; the input is not modified. */
    public static float[] addWhiteNoise(float[] samples, double snrDb, long seed) {
        if (!Double.isFinite(snrDb)) {
            throw new IllegalArgumentException("SNR must be finite, got " + snrDb);
        }
        double power = 0;
        for (float s : samples) {
            power += (double) s * s;
        }
        power = Math.max(samples.length == 0 ? 0 : power / samples.length, 1e-12);
        double scale = Math.sqrt(power / Math.pow(10.0, snrDb / 10.0));
        SplittableRandom random = new SplittableRandom(seed);
        float[] out = new float[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = (float) (samples[i] + gaussian(random) * scale);
        }
        return out;
    }

    /**
     * Returns {@code samples} plus {@code noise} (the same length) scaled to {@code snrDb} below the clip's mean
     * power; the inputs are not modified. Silent noise (mean power below 1e-12) is scaled as if at 1e-12.
     */
    public static float[] addNoise(float[] samples, float[] noise, double snrDb) {
        if (!Double.isFinite(snrDb)) {
            throw new IllegalArgumentException("SNR must be finite, got " + snrDb);
        }
        if (noise.length != samples.length) {
            throw new IllegalArgumentException(
                    "noise has " + noise.length + " samples, the clip " + samples.length);
        }
        double noisePower = Math.max(meanPower(noise), 1e-12);
        double scale =
                Math.sqrt(
                        Math.max(meanPower(samples), 1e-12)
                                / (noisePower * Math.pow(10.0, snrDb / 10.0)));
        float[] out = new float[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = (float) (samples[i] + noise[i] * scale);
        }
        return out;
    }

    /** Mean of the squared samples (0 for none). */
    public static double meanPower(float[] samples) {
        double power = 0;
        for (float s : samples) {
            power += (double) s * s;
        }
        return samples.length == 0 ? 0 : power / samples.length;
    }

    /** Standard normal deviate (Marsaglia polar method). */
    private static double gaussian(SplittableRandom random) {
        double u;
        double v;
        double s;
        do {
            u = random.nextDouble(-1.0, 1.0);
            v = random.nextDouble(-1.0, 1.0);
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }
}
