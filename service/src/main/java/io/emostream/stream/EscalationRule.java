package io.emostream.stream;

import java.util.Objects;

/**
 * When a speaker counts as escalating: at least {@code minConsecutiveSpeechWindows} speech windows in a row whose
 * label is {@code label} with confidence at least {@code minConfidence}. Windows without speech neither extend nor
 * break a run (pauses between angry sentences are normal); a speech window with another label, or with too low a
 * confidence, breaks it.
 *
 * @param label                       model label that signals escalation (default {@code angry})
 * @param minConsecutiveSpeechWindows speech windows in a row needed (default 3)
 * @param minConfidence               minimum probability of {@code label} in each of them (default 0.6)
 */
public record EscalationRule(String label, int minConsecutiveSpeechWindows, float minConfidence) {

    public EscalationRule {
        Objects.requireNonNull(label, "escalation label");
        if (minConsecutiveSpeechWindows < 1) {
            throw new IllegalArgumentException(
                    "escalation rule: minConsecutiveSpeechWindows must be >= 1, was "
                            + minConsecutiveSpeechWindows);
        }
        if (!(minConfidence >= 0f && minConfidence <= 1f)) {
            throw new IllegalArgumentException(
                    "escalation rule: minConfidence must be in [0, 1], was " + minConfidence);
        }
    }

    /** {@code angry} in 3 consecutive speech windows with confidence >= 0.6. */
    public static EscalationRule defaults() {
        return new EscalationRule("angry", 3, 0.6f);
    }

    boolean matches(String windowLabel, float confidence) {
        return label.equals(windowLabel) && confidence >= minConfidence;
    }
}
