package io.emostream.cli;

/**
 * Expected calibration error over equal-width confidence bins, as {@code expected_calibration_error} in
 * {@code models/train/train.py}: bin b of B covers {@code (b/B, (b+1)/B]}, the first bin also takes confidence 0;
 * {@code ECE = sum_b (n_b / N) |accuracy_b - mean confidence_b|}, where confidence is the top probability and a clip
 * is correct when its argmax is its true label.
 */
final class ReliabilityBins {

    static final int DEFAULT_BINS = 15;

    private final int bins;
    private final int[] counts;
    private final int[] correct;
    private final double[] confidenceSums;

    ReliabilityBins(int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("need at least one bin, got " + bins);
        }
        this.bins = bins;
        this.counts = new int[bins];
        this.correct = new int[bins];
        this.confidenceSums = new double[bins];
    }

    /** The bin of a confidence in [0, 1]: the b with {@code b/B < c <= (b+1)/B}, 0 for c = 0. */
    int binOf(double confidence) {
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence must be in [0, 1], got " + confidence);
        }
        for (int b = 0; b < bins; b++) {
            if (confidence <= upper(b)) {
                return b;
            }
        }
        return bins - 1;
    }

    void add(double confidence, boolean isCorrect) {
        int b = binOf(confidence);
        counts[b]++;
        confidenceSums[b] += confidence;
        if (isCorrect) {
            correct[b]++;
        }
    }

    int bins() {
        return bins;
    }

    double lower(int b) {
        return (double) b / bins;
    }

    double upper(int b) {
        return (double) (b + 1) / bins;
    }

    int count(int b) {
        return counts[b];
    }

    /** Share of correct clips in bin b; NaN when it is empty. */
    double accuracy(int b) {
        return counts[b] == 0 ? Double.NaN : (double) correct[b] / counts[b];
    }

    /** Mean confidence in bin b; NaN when it is empty. */
    double confidence(int b) {
        return counts[b] == 0 ? Double.NaN : confidenceSums[b] / counts[b];
    }

    int total() {
        int total = 0;
        for (int count : counts) {
            total += count;
        }
        return total;
    }

    /** Expected calibration error; 0 for no clips. */
    double ece() {
        int total = total();
        if (total == 0) {
            return 0;
        }
        double ece = 0;
        for (int b = 0; b < bins; b++) {
            if (counts[b] > 0) {
                ece += (double) counts[b] / total * Math.abs(accuracy(b) - confidence(b));
            }
        }
        return ece;
    }
}
