package io.emostream.stream;

import io.emostream.analysis.WindowResult;
import io.emostream.avro.CallEmotionStats;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Running emotion statistics of one stream, small and of fixed size (labels + two bounded deques), so that it can
 * live inside the per-stream state record. Produces the statistics fields of {@link CallEmotionStats}.
 */
final class SpeakerStats {

    /** Per label, in model label order. */
    private final LinkedHashMap<String, LabelTotals> labels = new LinkedHashMap<>();

    long windowsTotal;
    long windowsWithSpeech;
    private double valenceSum;
    private double arousalSum;
    private long valenceCount;
    private long arousalCount;

    /** Labels of the last windows (speech or not), oldest first. */
    private final Deque<String> recentLabels = new ArrayDeque<>();

    /** (window index, valence) of the last speech windows that had a valence, oldest first. */
    private final Deque<double[]> recentValence = new ArrayDeque<>();

    private int escalationRun;
    private long escalationRunStart = -1;
    boolean escalation;
    long escalationWindowIndex = -1;

    private static final class LabelTotals {
        long windows;
        double speechMs;
        double probabilitySum;
    }

    SpeakerStats(List<String> modelLabels) {
        for (String label : modelLabels) {
            labels.put(label, new LabelTotals());
        }
    }

    /** Adds one classified window of {@code audioMs} milliseconds of real (unpadded) audio. */
    void add(
            long windowIndex,
            WindowResult result,
            double audioMs,
            EscalationRule rule,
            int trendWindows) {
        windowsTotal++;
        push(recentLabels, result.label(), trendWindows);
        if (!result.speech()) {
            return;
        }
        windowsWithSpeech++;
        LabelTotals totals = labels.computeIfAbsent(result.label(), l -> new LabelTotals());
        totals.windows++;
        totals.speechMs += audioMs * result.speechRatio();
        result.probabilities()
                .forEach(
                        (label, p) ->
                                labels.computeIfAbsent(label, l -> new LabelTotals())
                                                .probabilitySum +=
                                        p);
        if (result.valence() != null) {
            valenceSum += result.valence();
            valenceCount++;
            push(recentValence, new double[] {windowIndex, result.valence()}, trendWindows);
        }
        if (result.arousal() != null) {
            arousalSum += result.arousal();
            arousalCount++;
        }
        if (rule.matches(result.label(), result.confidence())) {
            if (escalationRun == 0) {
                escalationRunStart = windowIndex;
            }
            escalationRun++;
            if (escalationRun >= rule.minConsecutiveSpeechWindows() && !escalation) {
                escalation = true;
                escalationWindowIndex = escalationRunStart;
            }
        } else {
            escalationRun = 0;
            escalation = false;
        }
    }

    private static <T> void push(Deque<T> deque, T value, int max) {
        deque.addLast(value);
        while (deque.size() > max) {
            deque.removeFirst();
        }
    }

    /** Fills the statistics fields of {@code target}. */
    void fill(CallEmotionStats.Builder target) {
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<String, Float> share = new LinkedHashMap<>();
        Map<String, Float> meanProbability = new LinkedHashMap<>();
        double speechMsTotal = labels.values().stream().mapToDouble(t -> t.speechMs).sum();
        String dominant = null;
        double dominantShare = -1;
        for (Map.Entry<String, LabelTotals> e : labels.entrySet()) {
            LabelTotals t = e.getValue();
            counts.put(e.getKey(), t.windows);
            double s = speechMsTotal > 0 ? t.speechMs / speechMsTotal : 0;
            share.put(e.getKey(), (float) s);
            meanProbability.put(
                    e.getKey(),
                    windowsWithSpeech > 0 ? (float) (t.probabilitySum / windowsWithSpeech) : 0f);
            if (windowsWithSpeech > 0 && s > dominantShare) {
                dominantShare = s;
                dominant = e.getKey();
            }
        }
        target.setWindowsTotal(windowsTotal)
                .setWindowsWithSpeech(windowsWithSpeech)
                .setLabelCounts(counts)
                .setLabelSpeechShare(share)
                .setMeanProbabilities(meanProbability)
                .setDominantLabel(dominant)
                .setMeanValence(valenceCount > 0 ? (float) (valenceSum / valenceCount) : null)
                .setMeanArousal(arousalCount > 0 ? (float) (arousalSum / arousalCount) : null)
                .setRecentLabels(new ArrayList<>(recentLabels))
                .setValenceTrend(valenceTrend())
                .setEscalation(escalation)
                .setEscalationWindowIndex(
                        escalationWindowIndex >= 0 ? escalationWindowIndex : null);
    }

    /** Least-squares slope of valence over window index; null with fewer than two points or one window index. */
    Float valenceTrend() {
        int n = recentValence.size();
        if (n < 2) {
            return null;
        }
        double meanX = 0;
        double meanY = 0;
        for (double[] p : recentValence) {
            meanX += p[0];
            meanY += p[1];
        }
        meanX /= n;
        meanY /= n;
        double sxy = 0;
        double sxx = 0;
        for (double[] p : recentValence) {
            sxy += (p[0] - meanX) * (p[1] - meanY);
            sxx += (p[0] - meanX) * (p[0] - meanX);
        }
        return sxx == 0 ? null : (float) (sxy / sxx);
    }

    void write(DataOutput out) throws IOException {
        out.writeLong(windowsTotal);
        out.writeLong(windowsWithSpeech);
        out.writeShort(labels.size());
        for (Map.Entry<String, LabelTotals> e : labels.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue().windows);
            out.writeDouble(e.getValue().speechMs);
            out.writeDouble(e.getValue().probabilitySum);
        }
        out.writeDouble(valenceSum);
        out.writeLong(valenceCount);
        out.writeDouble(arousalSum);
        out.writeLong(arousalCount);
        out.writeShort(recentLabels.size());
        for (String label : recentLabels) {
            out.writeUTF(label);
        }
        out.writeShort(recentValence.size());
        for (double[] p : recentValence) {
            out.writeLong((long) p[0]);
            out.writeFloat((float) p[1]);
        }
        out.writeInt(escalationRun);
        out.writeLong(escalationRunStart);
        out.writeBoolean(escalation);
        out.writeLong(escalationWindowIndex);
    }

    static SpeakerStats read(DataInput in) throws IOException {
        SpeakerStats stats = new SpeakerStats(List.of());
        stats.windowsTotal = in.readLong();
        stats.windowsWithSpeech = in.readLong();
        int labelCount = in.readShort();
        for (int i = 0; i < labelCount; i++) {
            LabelTotals t = new LabelTotals();
            String label = in.readUTF();
            t.windows = in.readLong();
            t.speechMs = in.readDouble();
            t.probabilitySum = in.readDouble();
            stats.labels.put(label, t);
        }
        stats.valenceSum = in.readDouble();
        stats.valenceCount = in.readLong();
        stats.arousalSum = in.readDouble();
        stats.arousalCount = in.readLong();
        int recent = in.readShort();
        for (int i = 0; i < recent; i++) {
            stats.recentLabels.addLast(in.readUTF());
        }
        int valences = in.readShort();
        for (int i = 0; i < valences; i++) {
            stats.recentValence.addLast(new double[] {in.readLong(), in.readFloat()});
        }
        stats.escalationRun = in.readInt();
        stats.escalationRunStart = in.readLong();
        stats.escalation = in.readBoolean();
        stats.escalationWindowIndex = in.readLong();
        return stats;
    }
}
