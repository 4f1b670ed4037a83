package io.emostream.cli;

import java.util.List;

/**
 * Confusion matrix (rows true label, columns predicted label) and the figures derived from it. Precision, recall
 * or F1 of a class with a zero denominator count as 0, and macro-F1 is the unweighted mean over all labels, as in
 * models/train/train.py, so the two report the same number.
 */
public final class ClassificationMetrics {

    private final List<String> labels;
    private final int[][] confusion;

    public ClassificationMetrics(List<String> labels) {
        this.labels = List.copyOf(labels);
        this.confusion = new int[labels.size()][labels.size()];
    }

    /** Counts one clip of true label index {@code truth} predicted as {@code predicted}. */
    public void add(int truth, int predicted) {
        confusion[truth][predicted]++;
    }

    public List<String> labels() {
        return labels;
    }

    /** A copy of the counts, {@code [true][predicted]}. */
    public int[][] confusion() {
        int[][] copy = new int[confusion.length][];
        for (int i = 0; i < confusion.length; i++) {
            copy[i] = confusion[i].clone();
        }
        return copy;
    }

    public int total() {
        int total = 0;
        for (int[] row : confusion) {
            for (int count : row) {
                total += count;
            }
        }
        return total;
    }

    public double accuracy() {
        int correct = 0;
        for (int k = 0; k < confusion.length; k++) {
            correct += confusion[k][k];
        }
        int total = total();
        return total == 0 ? 0 : (double) correct / total;
    }

    /** Clips whose true label is class k. */
    public int support(int k) {
        int sum = 0;
        for (int count : confusion[k]) {
            sum += count;
        }
        return sum;
    }

    /** Clips predicted as class k. */
    public int predicted(int k) {
        int sum = 0;
        for (int[] row : confusion) {
            sum += row[k];
        }
        return sum;
    }

    public double precision(int k) {
        int predicted = predicted(k);
        return predicted == 0 ? 0 : (double) confusion[k][k] / predicted;
    }

    public double recall(int k) {
        int support = support(k);
        return support == 0 ? 0 : (double) confusion[k][k] / support;
    }

    public double f1(int k) {
        double p = precision(k);
        double r = recall(k);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public double macroF1() {
        if (labels.isEmpty()) {
            return 0;
        }
        double sum = 0;
        for (int k = 0; k < labels.size(); k++) {
            sum += f1(k);
        }
        return sum / labels.size();
    }
}
