package io.emostream.bench;

/** A deterministic stand-in for voiced speech at 16 kHz, for the detector tests. */
final class SyntheticVoice {

    private SyntheticVoice() {}

    /**
     * {@code seconds} of a harmonic series (harmonics up to 3.8 kHz) whose pitch glides between 100 and 180 Hz,
     * shaped by three formant bumps (700, 1,200 and 2,500 Hz), in syllables at 4 Hz: each half period voiced under a
     * rounded envelope, the other half silent. About -25 dBFS RMS while voiced. {@code seed} shifts the pitch
     * contour's phase.
     */
    static float[] of(double seconds, int sampleRate, long seed) {
        int n = (int) Math.round(seconds * sampleRate);
        float[] out = new float[n];
        double contourPhase = (seed % 16) * Math.PI / 8;
        double phase = 0;
        for (int i = 0; i < n; i++) {
            double t = (double) i / sampleRate;
            double pitch = 140 + 40 * Math.sin(2 * Math.PI * 0.7 * t + contourPhase);
            phase += 2 * Math.PI * pitch / sampleRate;
            double sum = 0;
            for (int h = 1; h * pitch < 3800; h++) {
                double f = h * pitch;
                double weight =
                        Math.exp(-Math.pow((f - 700) / 300, 2))
                                + 0.6 * Math.exp(-Math.pow((f - 1200) / 300, 2))
                                + 0.3 * Math.exp(-Math.pow((f - 2500) / 400, 2))
                                + 0.05 / h;
                sum += weight * Math.sin(h * phase);
            }
            double envelope = Math.sqrt(Math.max(0, Math.sin(2 * Math.PI * 4 * t)));
            out[i] = (float) (0.1 * sum * envelope);
        }
        return out;
    }
}
