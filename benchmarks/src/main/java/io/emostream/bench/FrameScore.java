package io.emostream.bench;

/**
 * Frame counts of a detector against a reference (true and false positives, false negatives, true negatives),
 * summed over clips, and the scores drawn from them. Not thread-safe: one per thread, then {@link #add(FrameScore)}.
 */
final class FrameScore {

    private long truePositives;
    private long falsePositives;
    private long falseNegatives;
    private long trueNegatives;
    private long clips;
    private double talkErrorFrames;

    /**
     * Adds one clip: {@code decided[i]} is scored against {@code reference[i]} (the same length), and the clip's
     * talk-time error {@code |speech frames decided - speech frames of the reference|} is summed.
     */
    void add(boolean[] reference, boolean[] decided) {
        if (reference.length != decided.length) {
            throw new IllegalArgumentException(
                    "reference has " + reference.length + " frames, decisions " + decided.length);
        }
        long referenceSpeech = 0;
        long decidedSpeech = 0;
        for (int i = 0; i < reference.length; i++) {
            if (reference[i]) {
                referenceSpeech++;
                if (decided[i]) {
                    truePositives++;
                } else {
                    falseNegatives++;
                }
            } else if (decided[i]) {
                falsePositives++;
            } else {
                trueNegatives++;
            }
            if (decided[i]) {
                decidedSpeech++;
            }
        }
        clips++;
        talkErrorFrames += Math.abs(decidedSpeech - referenceSpeech);
    }

    /** Adds another score's counts. */
    void add(FrameScore other) {
        truePositives += other.truePositives;
        falsePositives += other.falsePositives;
        falseNegatives += other.falseNegatives;
        trueNegatives += other.trueNegatives;
        clips += other.clips;
        talkErrorFrames += other.talkErrorFrames;
    }

    long truePositives() {
        return truePositives;
    }

    long falsePositives() {
        return falsePositives;
    }

    long falseNegatives() {
        return falseNegatives;
    }

    long trueNegatives() {
        return trueNegatives;
    }

    long clips() {
        return clips;
    }

    /** TP / (TP + FP); NaN when nothing was decided speech. */
    double precision() {
        return ratio(truePositives, truePositives + falsePositives);
    }

    /** TP / (TP + FN); NaN when the reference has no speech. */
    double recall() {
        return ratio(truePositives, truePositives + falseNegatives);
    }

    /** 2 TP / (2 TP + FP + FN); NaN when neither reference nor decisions have speech. */
    double f1() {
        return ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives);
    }

    /** Mean absolute talk-time error per clip, in frames; NaN with no clip. */
    double talkErrorFrames() {
        return clips == 0 ? Double.NaN : talkErrorFrames / clips;
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? Double.NaN : (double) numerator / denominator;
    }

    /**
     * {@code decisions} with every run of at most {@code maxGap} non-speech frames between two speech frames turned
     * into speech (a hangover, as the conversation metrics bridge pauses between syllables); runs at the start or
     * the end are left as they are. A new array.
     */
    static boolean[] bridge(boolean[] decisions, int maxGap) {
        boolean[] out = decisions.clone();
        int lastSpeech = -1;
        for (int i = 0; i < out.length; i++) {
            if (!decisions[i]) {
                continue;
            }
            if (lastSpeech >= 0 && i - lastSpeech - 1 <= maxGap) {
                for (int j = lastSpeech + 1; j < i; j++) {
                    out[j] = true;
                }
            }
            lastSpeech = i;
        }
        return out;
    }
}
