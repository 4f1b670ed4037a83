package io.emostream.dsp;

/**
 * Triangular mel filterbank identical to torchaudio 0.13 {@code functional.melscale_fbanks} (Slaney or HTK mel
 * scale, optional Slaney area normalisation), stored sparsely: each filter keeps only its non-zero bins.
 * Built with the same float32 operations as torchaudio, then held in float64.
 */
final class MelFilterbank {

    final int nMels;
    final int nFreqs;
    /** First FFT bin of each filter. */
    final int[] firstBin;
    /** Weights of each filter, starting at {@link #firstBin}. */
    final double[][] weights;

    MelFilterbank(int nFreqs, double fMin, double fMax, int nMels, int sampleRate, String melScale, String melNorm) {
        this.nMels = nMels;
        this.nFreqs = nFreqs;
        // torchaudio builds the bank in float32; the same float32 operations are repeated here because near the
        // edges of a triangle the weights are differences of nearly equal frequencies, and their float32
        // rounding is visible in bands far below the frame's loudest band.
        float[] allFreqs = linspace(0f, (float) (sampleRate / 2), nFreqs); // linspace(0, sample_rate // 2, ...)
        float[] melPts = linspace((float) hzToMel(fMin, melScale), (float) hzToMel(fMax, melScale), nMels + 2);
        float[] fPts = new float[nMels + 2];
        for (int i = 0; i < fPts.length; i++) {
            fPts[i] = melToHz32(melPts[i], melScale);
        }
        firstBin = new int[nMels];
        weights = new double[nMels][];
        boolean slaney = "slaney".equals(melNorm);
        for (int m = 0; m < nMels; m++) {
            float lowerDiff = fPts[m + 1] - fPts[m];
            float upperDiff = fPts[m + 2] - fPts[m + 1];
            float norm = slaney ? 2.0f / (fPts[m + 2] - fPts[m]) : 1f;
            double[] full = new double[nFreqs];
            int first = -1;
            int last = -1;
            for (int i = 0; i < nFreqs; i++) {
                float down = (-1.0f * (fPts[m] - allFreqs[i])) / lowerDiff;
                float up = (fPts[m + 2] - allFreqs[i]) / upperDiff;
                float w = Math.max(0f, Math.min(down, up));
                if (w > 0) {
                    full[i] = slaney ? w * norm : w;
                    if (first < 0) {
                        first = i;
                    }
                    last = i;
                }
            }
            if (first < 0) { // an empty filter (too many mels for the FFT size) yields the log floor, as in torch
                firstBin[m] = 0;
                weights[m] = new double[0];
            } else {
                firstBin[m] = first;
                weights[m] = java.util.Arrays.copyOfRange(full, first, last + 1);
            }
        }
    }

    /**
     * torch.linspace in float32 exactly as torch 1.13's CPU kernel computes it on this machine class (AVX2 kernel,
     * compiled with FMA contraction): {@code start + step*i} (fused) for the first half and {@code end - step*(n-1-i)}
     * (fused) for the second, where the vectorised loop computes that base once per 8 lanes, two vectors at a time,
     * and adds {@code step*lane} (not fused) for the other lanes; the tail is done one element at a time. Verified
     * bit for bit against torch.linspace for the mel point sets of the golden fixtures.
     */
    static float[] linspace(float start, float end, int steps) {
        float[] out = new float[steps];
        if (steps == 1) {
            out[0] = start;
            return out;
        }
        float step = (end - start) / (float) (steps - 1);
        int halfway = steps / 2;
        final int lanes = 8;
        int i = 0;
        for (; i <= steps - 2 * lanes; i += lanes) {
            float base = linspaceElement(start, end, step, steps, halfway, i);
            for (int lane = 0; lane < lanes; lane++) {
                out[i + lane] = base + step * (float) lane;
            }
        }
        for (; i < steps; i++) {
            out[i] = linspaceElement(start, end, step, steps, halfway, i);
        }
        return out;
    }

    private static float linspaceElement(float start, float end, float step, int steps, int halfway, int i) {
        return i < halfway ? Math.fma(step, (float) i, start) : Math.fma(-step, (float) (steps - i - 1), end);
    }

    /** torchaudio's _mel_to_hz on a float32 tensor. */
    private static float melToHz32(float mel, String melScale) {
        if ("htk".equals(melScale)) {
            return 700.0f * ((float) Math.pow(10.0f, mel / 2595.0f) - 1.0f);
        }
        float fSp = (float) (200.0 / 3);
        float minLogHz = 1000.0f;
        float minLogMel = (float) (1000.0 / (200.0 / 3));
        float logStep = (float) (Math.log(6.4) / 27.0);
        return mel >= minLogMel ? minLogHz * sleefExpf(logStep * (mel - minLogMel)) : 0f + fSp * mel;
    }

    /**
     * exp in float32 as torch 1.13 computes it on CPU tensors (SLEEF {@code expf} u10, AVX2 with FMA), which is not
     * always the correctly rounded value; valid for |d| < 80 (mel points need d < 4).
     */
    static float sleefExpf(float d) {
        final float rLn2 = 1.442695040888963407359924681001892137426645954152985934135449406931f;
        final float l2u = 0.693145751953125f;
        final float l2l = 1.428606765330187045e-06f;
        int q = (int) Math.rint(d * rLn2);
        float s = Math.fma((float) q, -l2u, d);
        s = Math.fma((float) q, -l2l, s);
        float u = 0.000198527617612853646278381f;
        u = Math.fma(u, s, 0.00139304355252534151077271f);
        u = Math.fma(u, s, 0.00833336077630519866943359f);
        u = Math.fma(u, s, 0.0416664853692054748535156f);
        u = Math.fma(u, s, 0.166666671633720397949219f);
        u = Math.fma(u, s, 0.5f);
        u = 1.0f + Math.fma(s * s, u, s);
        return u * (float) Math.scalb(1.0, q);
    }

    static double hzToMel(double freq, String melScale) {
        if ("htk".equals(melScale)) {
            return 2595.0 * Math.log10(1.0 + freq / 700.0);
        }
        double fSp = 200.0 / 3;
        double minLogHz = 1000.0;
        double minLogMel = minLogHz / fSp;
        double logStep = Math.log(6.4) / 27.0;
        return freq >= minLogHz ? minLogMel + Math.log(freq / minLogHz) / logStep : freq / fSp;
    }

    static double melToHz(double mel, String melScale) {
        if ("htk".equals(melScale)) {
            return 700.0 * (Math.pow(10.0, mel / 2595.0) - 1.0);
        }
        double fSp = 200.0 / 3;
        double minLogHz = 1000.0;
        double minLogMel = minLogHz / fSp;
        double logStep = Math.log(6.4) / 27.0;
        return mel >= minLogMel ? minLogHz * Math.exp(logStep * (mel - minLogMel)) : fSp * mel;
    }

    /** Dense weight of filter {@code mel} at FFT bin {@code bin}, for tests. */
    double weight(int mel, int bin) {
        int offset = bin - firstBin[mel];
        return offset >= 0 && offset < weights[mel].length ? weights[mel][offset] : 0.0;
    }
}
