package io.emostream.conversation;

import io.emostream.audio.Resampler;
import io.emostream.dsp.SpeechGate;
import io.emostream.dsp.SpeechGate.SpeechGateConfig;
import java.time.Duration;
import java.util.Arrays;

/**
 * The speech gate's per-frame decisions ({@link SpeechGate#speechFrames}) as a {@link SpeechActivityDetector}: the
 * audio is resampled to 16 kHz, and decision {@code i} is that of the gate frame starting at {@code i * hop} (20 ms
 * by default). The gate's frames are 25 ms long, so the last hop or two of the passage have no frame of their own:
 * they take the decision of the last whole frame. A frame counts when it is loud enough and <em>voiced</em>: about
 * half of running speech (unvoiced consonants and the pauses between syllables are not), which is why the
 * conversation metrics smooth the decisions with a hangover ({@link ConversationRules#hangover()}).
 *
 * <p>Cost: none when the classifier's gate decision is passed in ({@link #detect(float[], int, int,
 * SpeechGate.SpeechDecision)}, as the service does); otherwise one more pass of the gate over the window plus the
 * resampling of 8-kHz or 48-kHz audio. Thread-safe.
 */
public final class GateActivityDetector implements SpeechActivityDetector {

    private final SpeechGate gate;

    /** The gate with its default configuration; only {@code minSpeechRatio}, which plays no part here, is tuned. */
    public GateActivityDetector() {
        this(SpeechGateConfig.defaults());
    }

    public GateActivityDetector(SpeechGateConfig config) {
        this.gate = new SpeechGate(config);
    }

    @Override
    public Duration frame() {
        return gate.config().hop();
    }

    @Override
    public boolean[] detect(float[] samples, int sampleRate, int validSamples) {
        if (validSamples < 0 || validSamples > samples.length) {
            throw new IllegalArgumentException(
                    "valid samples " + validSamples + " outside 0.." + samples.length);
        }
        float[] at16k =
                sampleRate == SpeechGate.SAMPLE_RATE
                        ? samples
                        : Resampler.of(sampleRate, SpeechGate.SAMPLE_RATE)
                                .process(Arrays.copyOf(samples, validSamples));
        int valid16k = sampleRate == SpeechGate.SAMPLE_RATE ? validSamples : at16k.length;
        return decisions(gate.speechFrames(at16k, valid16k), sampleRate, validSamples);
    }

    /**
     * Reuses the frames of {@code decision} when there are any: they must come from a gate with this detector's
     * frame and hop (any {@code minSpeechRatio}), on the same window's valid samples at 16 kHz, as {@link
     * io.emostream.analysis.EmotionAnalyser#analyse} gives them. Otherwise the gate runs here.
     */
    @Override
    public boolean[] detect(
            float[] samples, int sampleRate, int validSamples, SpeechGate.SpeechDecision decision) {
        if (decision == null || decision.frames().length == 0) {
            return detect(samples, sampleRate, validSamples);
        }
        if (validSamples < 0 || validSamples > samples.length) {
            throw new IllegalArgumentException(
                    "valid samples " + validSamples + " outside 0.." + samples.length);
        }
        return decisions(decision.frames(), sampleRate, validSamples);
    }

    /** One decision per hop of the valid audio; the last hops, without a whole gate frame, take the last frame's. */
    private boolean[] decisions(boolean[] frames, int sampleRate, int validSamples) {
        boolean[] decisions =
                new boolean[ActivityFrames.frameOf(validSamples, sampleRate, frame())];
        for (int i = 0; i < decisions.length && frames.length > 0; i++) {
            decisions[i] = frames[Math.min(i, frames.length - 1)];
        }
        return decisions;
    }
}
