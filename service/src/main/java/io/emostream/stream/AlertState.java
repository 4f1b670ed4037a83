package io.emostream.stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the alert rules remember about one call (store {@code emostream-alert-state}, key = call id): per speaker
 * the last few windows, the escalation flag last seen, whether the negative-valence alert is raised, and whether
 * the stream has ended; per call whether the mismatch alert is raised. Small and bounded (a few windows per
 * speaker). Stored as JSON with a version field, so that fields can be added without a migration (unknown fields
 * are ignored, missing ones take their defaults).
 */
final class AlertState {

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    static final int VERSION = 1;

    /** One window as the rules need it. Times are epoch milliseconds; valence is null without speech. */
    public static final class Window {
        public long index;
        public long startOffsetMs;
        public long endOffsetMs;
        public long startTime;
        public long endTime;
        public boolean speech;
        public String label;
        public float confidence;
        public Float valence;
    }

    /** Per speaker. */
    public static final class Speaker {
        /** The last windows of any kind, oldest first (at most {@link AlertRules#RECENT_WINDOWS}). */
        public List<Window> recent = new ArrayList<>();

        /** The last speech windows with a valence, oldest first (at most the rule's window count). */
        public List<Window> valenceRun = new ArrayList<>();

        public boolean escalation;
        public long escalationFrom = -1;
        public boolean negativeValence;
        public boolean ended;
    }

    public int version = VERSION;

    /** Keyed by {@code SpeakerRole} name. */
    public Map<String, Speaker> speakers = new LinkedHashMap<>();

    public boolean mismatch;
    public String modelId = "";
    public String modelVersion = "";

    Speaker speaker(String role) {
        return speakers.computeIfAbsent(role, r -> new Speaker());
    }

    /** True once every speaker seen so far has ended: the state can be deleted. */
    boolean allEnded() {
        return !speakers.isEmpty() && speakers.values().stream().allMatch(s -> s.ended);
    }

    byte[] encode() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static AlertState decode(byte[] bytes) {
        if (bytes == null) {
            return new AlertState();
        }
        try {
            AlertState state = JSON.readValue(bytes, AlertState.class);
            if (state.version > VERSION) {
                throw new IllegalStateException(
                        "alert state version "
                                + state.version
                                + " was written by a newer emostream (this one "
                                + "reads up to "
                                + VERSION
                                + "): run that version again");
            }
            return state;
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable alert state: " + e.getMessage(), e);
        }
    }
}
