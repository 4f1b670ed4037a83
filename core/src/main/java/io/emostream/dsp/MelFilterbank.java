package io.emostream.dsp;

/**
 * Triangular mel filterbank identical to torchaudio 0.13 {@code functional.melscale_fbanks} (Slaney or HTK mel
 * scale, optional Slaney area normalisation), stored sparsely: each filter keeps only its non-zero bins.
 * Built with the same float32 operations as torchaudio ({@link TorchFloat32}), bit-identical to it, then held in
 * float64.
 */
final class MelFilterbank {

    final int nMels;
    final int nFreqs;

    /** First FFT bin of each filter. */
    final int[] firstBin;

    /** Weights of each filter, starting at {@link #firstBin}. */
    final double[][] weights;

    MelFilterbank(
            int nFreqs,
            double fMin,
            double fMax,
            int nMels,
            int sampleRate,
            String melScale,
            String melNorm) {
        this.nMels = nMels;
        this.nFreqs = nFreqs;
        // torchaudio builds the bank in float32; the same float32 operations are repeated here
        // because near the
        // edges of a triangle the weights are differences of nearly equal frequencies, and their
        // float32
        // rounding is visible in bands far below the frame's loudest band.
        // torchaudio: linspace(0, sample_rate // 2, n_freqs) and linspace(mel(f_min), mel(f_max),
        // n_mels + 2)
        float[] allFreqs = TorchFloat32.linspace(0f, (float) (sampleRate / 2), nFreqs);
        float[] melPts =
                TorchFloat32.linspace(
                        (float) hzToMel(fMin, melScale),
                        (float) hzToMel(fMax, melScale),
                        nMels + 2);
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
            if (first
                    < 0) { // an empty filter (too many mels for the FFT size) yields the log floor,
                // as in torch
                firstBin[m] = 0;
                weights[m] = new double[0];
            } else {
                firstBin[m] = first;
                weights[m] = java.util.Arrays.copyOfRange(full, first, last + 1);
            }
        }
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
        return mel >= minLogMel
                ? minLogHz * TorchFloat32.exp(logStep * (mel - minLogMel))
                : 0f + fSp * mel;
    }

    /** torchaudio's _hz_to_mel (Python floats, i.e. float64). */
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

    /** torchaudio's _mel_to_hz in float64 (for tests and band-edge reasoning). */
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
