package io.emostream.stream;

import java.util.Objects;

/**
 * When a speaker counts as escalating: at least {@code minConsecutiveSpeechWindows} speech windows in a row whose
 * label is {@code label} with confidence at least {@code minConfidence}. Windows without speech neither extend nor
 * break a run (pauses between angry sentences are normal); a speech window with another label, or with too low a
 * confidence, breaks it.
 *
 * @param label                       model label that signals escalation (default {@value #DEFAULT_LABEL})
 * @param minConsecutiveSpeechWindows speech windows in a row needed (default {@value #DEFAULT_CONSECUTIVE_WINDOWS})
 * @param minConfidence               minimum probability of {@code label} in each of them (default
 *                                    {@value #DEFAULT_MIN_CONFIDENCE}; derived from the shipped model's calibration,
 *                                    see docs/operations.md)
 */
public record EscalationRule(String label, int minConsecutiveSpeechWindows, float minConfidence) {

    /** Default of {@link #label}. */
    public static final String DEFAULT_LABEL = "angry";

    /** Default of {@link #minConsecutiveSpeechWindows}. */
    public static final String DEFAULT_CONSECUTIVE_WINDOWS = "3";

    /** Default of {@link #minConfidence}. */
    public static final String DEFAULT_MIN_CONFIDENCE = "0.6";

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

    /** The documented defaults. */
    public static EscalationRule defaults() {
        return new EscalationRule(
                DEFAULT_LABEL,
                Integer.parseInt(DEFAULT_CONSECUTIVE_WINDOWS),
                Float.parseFloat(DEFAULT_MIN_CONFIDENCE));
    }

    boolean matches(String windowLabel, float confidence) {
        return label.equals(windowLabel) && confidence >= minConfidence;
    }
}
