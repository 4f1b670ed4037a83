package io.emostream.analysis;

import java.util.Map;

/**
 * The analysis of one window of audio: either no speech, or an emotion with its probabilities.
 *
 * @param speech        false when the speech gate found too little speech to judge
 * @param label         one of the model's labels, or {@link #NO_SPEECH}
 * @param confidence    probability of {@code label}; 0 for no speech
 * @param probabilities probability per model label in the model's output order; empty for no speech
 * @param valence       Russell circumplex valence in [-1, 1]; null for no speech
 * @param arousal       Russell circumplex arousal in [-1, 1]; null for no speech
 * @param speechRatio   share of the window's frames judged to be speech, 0 to 1
 */
public record WindowResult(
        boolean speech,
        String label,
        float confidence,
        Map<String, Float> probabilities,
        Float valence,
        Float arousal,
        float speechRatio) {

    /** Label of a window that holds too little speech to judge. */
    public static final String NO_SPEECH = "no_speech";

    public static WindowResult noSpeech(float speechRatio) {
        return new WindowResult(false, NO_SPEECH, 0f, Map.of(), null, null, speechRatio);
    }
}
