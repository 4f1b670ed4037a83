package io.emostream.conversation;

import io.emostream.dsp.SpeechGate;
import java.time.Duration;

/**
 * Decides, frame by frame, whether a speaker is making speech sounds. The one seam between the conversation metrics
 * and the detector behind them: today {@link GateActivityDetector} (the speech gate's per-frame voicing decisions);
 * a voice-activity model can take its place without any other change. Implementations are thread-safe.
 */
public interface SpeechActivityDetector {

    /** How long one decision lasts: decision {@code i} covers {@code [i * frame, (i + 1) * frame)} of the audio. */
    Duration frame();

    /**
     * The decisions for the first {@code validSamples} samples of {@code samples} (mono, [-1, 1], at
     * {@code sampleRate} Hz; the rest is padding), one per whole {@link #frame()}: {@code floor(valid duration /
     * frame)} of them. A detector may judge a frame in the context of the whole passage (the speech gate's adaptive
     * level does), so callers pass a whole window and keep the frames they need ({@link ActivityFrames#ofNewAudio}).
     */
    boolean[] detect(float[] samples, int sampleRate, int validSamples);

    /**
     * As {@link #detect(float[], int, int)}, given the speech gate's decision on the same window (null if there is
     * none): a detector built on the gate reuses its frames instead of running the gate a second time. This default
     * ignores it.
     */
    default boolean[] detect(
            float[] samples, int sampleRate, int validSamples, SpeechGate.SpeechDecision gate) {
        return detect(samples, sampleRate, validSamples);
    }
}
