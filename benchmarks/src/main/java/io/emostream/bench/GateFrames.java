package io.emostream.bench;

import io.emostream.dsp.SpeechGate;
import io.emostream.dsp.SpeechGate.SpeechDecision;
import io.emostream.dsp.SpeechGate.SpeechGateConfig;
import java.time.Duration;
import java.util.Arrays;

/**
 * The {@link SpeechGate}'s per-frame decisions, recovered through its public API alone: {@link SpeechGate#assess}
 * returns only the share of speech frames of a window, so each frame is assessed on its own short sub-window.
 *
 * <p>A gate frame is speech when it is above the window's level threshold and either voiced (pitch peak at least
 * {@code minVoicing}) or weakly voiced with a neighbour at the same pitch (the continuity rule). Recovery:
 * <ol>
 *   <li>the level threshold of the whole window is computed as the gate computes it ({@code noisePercentile}-th
 *       percentile of the frame energies plus {@code noiseMarginDb}, at least {@code absoluteFloorDbfs}), and the
 *       sub-windows are judged by a gate whose absolute floor is that threshold and whose adaptive margin is
 *       -400 dB, so that they all use the window's threshold;</li>
 *   <li>{@code s(f)}: frame {@code f} alone (a sub-window of one frame plus {@code hop - 1} samples of look-ahead,
 *       which the pitch search reads and which do not make a second frame): no neighbour, so speech iff loud and
 *       voiced;</li>
 *   <li>{@code c(f)}: frames {@code f} and {@code f + 1} together: the continuity rule links them iff the pair has
 *       more speech frames than {@code s(f) + s(f + 1)} (undecidable but irrelevant when both are voiced);</li>
 *   <li>frame {@code f} is speech iff {@code s(f) || c(f - 1) || c(f)}.</li>
 * </ol>
 * It is exact but for one detail: the gate whitens each frame with a predictor that reads the two decimated samples
 * (8 input samples) before the frame, which a sub-window starting at the frame does not have. The comparison counts
 * how often the recovered frames disagree with the gate's own count ({@link #agrees}).
 *
 * <p>Cost: two small {@code assess} calls per loud frame; not the gate's cost, which is one {@code assess} per
 * window.
 */
final class GateFrames {

    /** Adaptive margin of the sub-window gates: far below any background, so the absolute floor decides. */
    private static final double NO_MARGIN_DB = -400;

    private final SpeechGateConfig config;
    private final SpeechGate gate;
    private final int frameLength;
    private final int hopLength;

    GateFrames(SpeechGateConfig config) {
        this.config = config;
        this.gate = new SpeechGate(config);
        frameLength = samples(config.frame());
        hopLength = Math.max(1, samples(config.hop()));
        int lookAhead =
                4 * ((int) Math.ceil(SpeechGate.SAMPLE_RATE / 4.0 / config.minPitchHz()) + 2);
        if (lookAhead > hopLength - 1) {
            throw new IllegalArgumentException(
                    "the pitch search reads "
                            + lookAhead
                            + " samples past a frame, more than a hop ("
                            + hopLength
                            + ") minus one: the frames cannot be recovered one by one");
        }
    }

    /** The gate of the configuration, for its own {@code assess}. */
    SpeechGate gate() {
        return gate;
    }

    /** Duration of one decision: the gate's hop. */
    Duration hop() {
        return config.hop();
    }

    /** The gate's frame count for {@code validSamples}: {@code 1 + (valid - frame) / hop}, or 0. */
    int frames(int validSamples) {
        return validSamples < frameLength ? 0 : 1 + (validSamples - frameLength) / hopLength;
    }

    /**
     * Per-frame decisions for the first {@code validSamples} samples of a 16-kHz window: element {@code f} for the
     * frame starting at {@code f * hop}.
     */
    boolean[] decide(float[] samples16k, int validSamples) {
        int frames = frames(validSamples);
        boolean[] speech = new boolean[frames];
        if (frames == 0) {
            return speech;
        }
        double[] energy = new double[frames];
        for (int f = 0; f < frames; f++) {
            int start = f * hopLength;
            double sum = 0;
            for (int i = start; i < start + frameLength; i++) {
                sum += samples16k[i] * samples16k[i]; // float products, as the gate sums them
            }
            energy[f] = sum / frameLength;
        }
        double[] sorted = energy.clone();
        Arrays.sort(sorted);
        double background =
                sorted[(int) Math.floor(config.noisePercentile() / 100.0 * (frames - 1))];
        double threshold =
                Math.max(
                        Math.pow(10, config.absoluteFloorDbfs() / 10),
                        Math.max(background, 1e-12) * Math.pow(10, config.noiseMarginDb() / 10));
        SpeechGate fixed = new SpeechGate(fixedThreshold(10 * Math.log10(threshold)));
        boolean[] loud = new boolean[frames];
        boolean[] voiced = new boolean[frames];
        for (int f = 0; f < frames; f++) {
            loud[f] = energy[f] > threshold;
            voiced[f] = loud[f] && count(fixed, samples16k, validSamples, f, 1) == 1;
        }
        boolean[] linked = new boolean[Math.max(0, frames - 1)];
        for (int f = 0; f + 1 < frames; f++) {
            if (loud[f] && loud[f + 1] && !(voiced[f] && voiced[f + 1])) {
                int pair = count(fixed, samples16k, validSamples, f, 2);
                linked[f] = pair > (voiced[f] ? 1 : 0) + (voiced[f + 1] ? 1 : 0);
            }
        }
        for (int f = 0; f < frames; f++) {
            speech[f] = voiced[f] || f > 0 && linked[f - 1] || f + 1 < frames && linked[f];
        }
        return speech;
    }

    /** Whether {@code decided} has as many speech frames as the gate's own {@code assess} counts. */
    boolean agrees(float[] samples16k, int validSamples, boolean[] decided) {
        return speechFrameCount(gate.assess(samples16k, validSamples), decided.length)
                == trueCount(decided);
    }

    /** The gate's own number of speech frames of a window of {@code frames} frames. */
    static int speechFrameCount(SpeechDecision decision, int frames) {
        return Math.round(decision.speechRatio() * frames);
    }

    static int trueCount(boolean[] decided) {
        int n = 0;
        for (boolean d : decided) {
            if (d) {
                n++;
            }
        }
        return n;
    }

    /** Speech frames among {@code frames} frames from frame {@code first}, judged on their own sub-window. */
    private int count(
            SpeechGate fixed, float[] samples16k, int validSamples, int first, int frames) {
        int start = first * hopLength;
        int length = Math.min(validSamples - start, frameLength + frames * hopLength - 1);
        float[] sub = Arrays.copyOfRange(samples16k, start, start + length);
        return speechFrameCount(fixed.assess(sub, length), frames(length));
    }

    private SpeechGateConfig fixedThreshold(double thresholdDbfs) {
        return new SpeechGateConfig(
                config.frame(),
                config.hop(),
                thresholdDbfs,
                config.noisePercentile(),
                NO_MARGIN_DB,
                config.minVoicing(),
                config.minContinuedVoicing(),
                config.minPitchHz(),
                config.maxPitchHz(),
                0,
                Duration.ZERO);
    }

    private static int samples(Duration d) {
        return (int) Math.round(d.toNanos() * SpeechGate.SAMPLE_RATE / 1e9);
    }
}
