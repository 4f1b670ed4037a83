package io.emostream.audio;

import java.util.SplittableRandom;

/**
 * Adds white Gaussian noise at a signal-to-noise ratio, as {@code add_noise} in {@code models/train/features.py}:
 * the noise standard deviation is {@code sqrt(P / 10^(snr/10))} where {@code P} is the clip's mean power (at least
 * 1e-12). The random numbers differ from torch's, but a seed always gives the same noise.
 */
public final class NoiseMixer {

    private NoiseMixer() {
    }

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
