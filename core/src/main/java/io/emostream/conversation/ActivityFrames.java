package io.emostream.conversation;

import io.emostream.dsp.SpeechGate;
import java.time.Duration;
import java.util.Arrays;

/**
 * A speaker's speech decisions for a run of consecutive frames of its stream: {@code speech[i]} is frame
 * {@code firstFrame + i}, where frame {@code k} of a stream covers {@code [k * frame, (k + 1) * frame)} after the
 * stream's first sample. Frames are counted on the stream's own sample clock, so the frames of successive windows
 * follow each other without a gap or an overlap.
 *
 * @param firstFrame index of the first frame since the stream began
 * @param speech     one decision per frame
 */
public record ActivityFrames(long firstFrame, boolean[] speech) {

    public ActivityFrames {
        if (firstFrame < 0) {
            throw new IllegalArgumentException(
                    "first frame must not be negative, was " + firstFrame);
        }
        speech = speech.clone();
    }

    /** Frames of this run; the decision of frame {@code firstFrame + i} is {@code speech()[i]}. */
    public int frames() {
        return speech.length;
    }

    /**
     * The decisions for the <em>new</em> audio of a window: windows overlap when their hop is shorter than their
     * length, and each stretch of audio must count once. The window holds stream samples {@code [windowStart,
     * windowStart + validSamples)} (the rest of {@code window} is padding); its new audio begins at {@code newFrom}
     * (the end of the previous window, or the window's start). The result covers the stream frames whose start lies
     * in {@code [newFrom, windowStart + validSamples)} rounded down to whole frames: {@code frameOf(newFrom)} to
     * {@code frameOf(end)} exclusive, so the frames of successive windows join exactly. The detector judges the
     * whole window (its context), and each new frame takes the decision of the window frame nearest to it.
     *
     * @param silent true for a window that holds only gap silence: no detector is asked, every frame is not speech
     * @param gate   the classifier's speech-gate decision on the window, which the detector may reuse (the gate
     *               then runs once per window); null if there is none
     */
    public static ActivityFrames ofNewAudio(
            SpeechActivityDetector detector,
            float[] window,
            int sampleRate,
            int validSamples,
            long windowStart,
            long newFrom,
            boolean silent,
            SpeechGate.SpeechDecision gate) {
        long end = windowStart + validSamples;
        if (newFrom < windowStart || newFrom > end) {
            throw new IllegalArgumentException(
                    "new audio from "
                            + newFrom
                            + " lies outside the window ["
                            + windowStart
                            + ", "
                            + end
                            + ")");
        }
        Duration frame = detector.frame();
        long first = frameOf(newFrom, sampleRate, frame);
        int count = (int) (frameOf(end, sampleRate, frame) - first);
        boolean[] speech = new boolean[count];
        if (!silent && count > 0) {
            boolean[] inWindow = detector.detect(window, sampleRate, validSamples, gate);
            double windowStartFrames = framesIn(windowStart, sampleRate, frame);
            for (int i = 0; i < count && inWindow.length > 0; i++) {
                long at = Math.round(first + i - windowStartFrames);
                speech[i] = inWindow[(int) Math.max(0, Math.min(inWindow.length - 1, at))];
            }
        }
        return new ActivityFrames(first, speech);
    }

    /** The frame in which sample {@code sample} of a stream at {@code sampleRate} lies (whole frames before it). */
    public static int frameOf(int sample, int sampleRate, Duration frame) {
        return (int) frameOf((long) sample, sampleRate, frame);
    }

    static long frameOf(long sample, int sampleRate, Duration frame) {
        return (long) Math.floor(framesIn(sample, sampleRate, frame));
    }

    private static double framesIn(long samples, int sampleRate, Duration frame) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, was " + sampleRate);
        }
        // exact for the usual rates and frames: 20 ms at 8, 16 or 48 kHz are whole numbers of
        // samples
        return samples * 1e9 / ((double) sampleRate * frame.toNanos());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ActivityFrames that
                && firstFrame == that.firstFrame
                && Arrays.equals(speech, that.speech);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(firstFrame) * 31 + Arrays.hashCode(speech);
    }

    @Override
    public String toString() {
        StringBuilder bits = new StringBuilder(speech.length);
        for (boolean s : speech) {
            bits.append(s ? '1' : '0');
        }
        return "ActivityFrames[firstFrame=" + firstFrame + ", speech=" + bits + "]";
    }
}
