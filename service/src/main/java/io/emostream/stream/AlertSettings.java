package io.emostream.stream;

import io.emostream.avro.SpeakerRole;
import java.util.Objects;
import java.util.Set;

/**
 * The alert rules of the topology ({@link AlertRules}) and where their output goes. The defaults are defined once,
 * here, as string constants that the service's configuration mapping uses in its {@code @WithDefault}s.
 *
 * <ul>
 *   <li><b>ESCALATION_STARTED / ESCALATION_ENDED</b> follow the {@code escalation} flag of the call statistics
 *       ({@link EscalationRule}); a stream that ends while escalated gets an ESCALATION_ENDED.</li>
 *   <li><b>SUSTAINED_NEGATIVE_VALENCE</b>: the mean valence of a watched speaker's last {@code negativeValenceWindows}
 *       speech windows is below {@code negativeValenceThreshold} (windows without speech neither extend nor break
 *       the run). Raised once; raised again only after the mean has come back to the threshold or above.</li>
 *   <li><b>AGENT_CUSTOMER_MISMATCH</b>: an agent window labelled {@code mismatchAgentLabel} and a customer window
 *       labelled {@code mismatchCustomerLabel}, both with at least {@code mismatchMinConfidence}, overlap in wall-clock
 *       capture time by at least half of the shorter window. Raised once; raised again only after a pair of
 *       overlapping windows that does not match.</li>
 * </ul>
 *
 * @param topic                     AlertEvent output (default {@value #DEFAULT_TOPIC})
 * @param stateStore                per-call alert state (default {@value #DEFAULT_STATE_STORE})
 * @param negativeValenceThreshold  mean valence below which the watched speakers' run raises an alert (default
 *                                  {@value #DEFAULT_NEGATIVE_VALENCE_THRESHOLD}, in [-1, 1])
 * @param negativeValenceWindows    speech windows the mean is taken over (default
 *                                  {@value #DEFAULT_NEGATIVE_VALENCE_WINDOWS}, at least 1)
 * @param negativeValenceSpeakers   speakers watched for negative valence (default {@value #DEFAULT_NEGATIVE_VALENCE_SPEAKERS})
 * @param mismatchAgentLabel        agent label of a mismatch (default {@value #DEFAULT_MISMATCH_AGENT_LABEL})
 * @param mismatchCustomerLabel     customer label of a mismatch (default {@value #DEFAULT_MISMATCH_CUSTOMER_LABEL})
 * @param mismatchMinConfidence     minimum confidence of both windows (default {@value #DEFAULT_MISMATCH_MIN_CONFIDENCE})
 */
public record AlertSettings(
        String topic,
        String stateStore,
        float negativeValenceThreshold,
        int negativeValenceWindows,
        Set<SpeakerRole> negativeValenceSpeakers,
        String mismatchAgentLabel,
        String mismatchCustomerLabel,
        float mismatchMinConfidence) {

    public static final String DEFAULT_TOPIC = "call-emotion-alerts";
    public static final String DEFAULT_STATE_STORE = "emostream-alert-state";
    public static final String DEFAULT_NEGATIVE_VALENCE_THRESHOLD = "-0.3";
    public static final String DEFAULT_NEGATIVE_VALENCE_WINDOWS = "3";
    public static final String DEFAULT_NEGATIVE_VALENCE_SPEAKERS = "CUSTOMER";
    public static final String DEFAULT_MISMATCH_AGENT_LABEL = "happy";
    public static final String DEFAULT_MISMATCH_CUSTOMER_LABEL = "angry";
    public static final String DEFAULT_MISMATCH_MIN_CONFIDENCE = "0.5";

    public AlertSettings {
        Objects.requireNonNull(topic, "alerts topic");
        Objects.requireNonNull(stateStore, "alerts state store");
        Objects.requireNonNull(mismatchAgentLabel, "mismatch agent label");
        Objects.requireNonNull(mismatchCustomerLabel, "mismatch customer label");
        if (topic.isBlank()) {
            throw new IllegalArgumentException("alerts topic must not be blank");
        }
        if (!(negativeValenceThreshold >= -1f && negativeValenceThreshold <= 1f)) {
            throw new IllegalArgumentException(
                    "alert rule: negative valence threshold must be in [-1, 1], was "
                            + negativeValenceThreshold);
        }
        if (negativeValenceWindows < 1) {
            throw new IllegalArgumentException(
                    "alert rule: negative valence windows must be >= 1, was "
                            + negativeValenceWindows);
        }
        negativeValenceSpeakers =
                Set.copyOf(
                        Objects.requireNonNull(
                                negativeValenceSpeakers, "negative valence speakers"));
        if (!(mismatchMinConfidence >= 0f && mismatchMinConfidence <= 1f)) {
            throw new IllegalArgumentException(
                    "alert rule: mismatch min confidence must be in [0, 1], was "
                            + mismatchMinConfidence);
        }
    }

    /**
     * Fails with a clear message when a mismatch label is not one of the model's: the rule would never fire.
     *
     * @param modelLabels the classifier's labels
     */
    public void requireModelLabels(java.util.List<String> modelLabels) {
        for (String label : java.util.List.of(mismatchAgentLabel, mismatchCustomerLabel)) {
            if (!modelLabels.contains(label)) {
                throw new IllegalArgumentException(
                        "alert rule: mismatch label '"
                                + label
                                + "' is not one of the model's labels "
                                + modelLabels);
            }
        }
    }

    /** The documented defaults. */
    public static AlertSettings defaults() {
        return new AlertSettings(
                DEFAULT_TOPIC,
                DEFAULT_STATE_STORE,
                Float.parseFloat(DEFAULT_NEGATIVE_VALENCE_THRESHOLD),
                Integer.parseInt(DEFAULT_NEGATIVE_VALENCE_WINDOWS),
                Set.of(SpeakerRole.valueOf(DEFAULT_NEGATIVE_VALENCE_SPEAKERS)),
                DEFAULT_MISMATCH_AGENT_LABEL,
                DEFAULT_MISMATCH_CUSTOMER_LABEL,
                Float.parseFloat(DEFAULT_MISMATCH_MIN_CONFIDENCE));
    }

    public AlertSettings withTopic(String newTopic) {
        return new AlertSettings(
                newTopic,
                stateStore,
                negativeValenceThreshold,
                negativeValenceWindows,
                negativeValenceSpeakers,
                mismatchAgentLabel,
                mismatchCustomerLabel,
                mismatchMinConfidence);
    }
}
