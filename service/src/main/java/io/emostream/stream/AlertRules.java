package io.emostream.stream;

import io.emostream.avro.AlertEvent;
import io.emostream.avro.AlertType;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import io.emostream.avro.SpeakerRole;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The alert rules of {@link AlertSettings}, as pure functions of a call's {@link AlertState} and the next record:
 * {@link #onEvent} for each {@code EmotionEvent}, {@link #onStats} for each {@code CallEmotionStats}. They update
 * the state and return the alerts to emit (usually none). No I/O, no clock of their own.
 */
final class AlertRules {

    /** Windows kept per speaker for overlap matching and offsets. */
    static final int RECENT_WINDOWS = 4;

    private final AlertSettings settings;
    private final EscalationRule escalation;
    private final long hopMs;

    AlertRules(AlertSettings settings, EscalationRule escalation, long hopMs) {
        this.settings = settings;
        this.escalation = escalation;
        this.hopMs = hopMs;
    }

    List<AlertEvent> onEvent(AlertState state, EmotionEvent event, long nowMs) {
        List<AlertEvent> alerts = new ArrayList<>();
        state.modelId = event.getModelId();
        state.modelVersion = event.getModelVersion();
        SpeakerRole role = event.getSpeaker();
        AlertState.Speaker speaker = state.speaker(role.name());
        AlertState.Window window = windowOf(event);
        push(speaker.recent, window, RECENT_WINDOWS);

        if (settings.negativeValenceSpeakers().contains(role)
                && window.speech
                && window.valence != null) {
            push(speaker.valenceRun, window, settings.negativeValenceWindows());
            if (speaker.valenceRun.size() == settings.negativeValenceWindows()) {
                double mean =
                        speaker.valenceRun.stream().mapToDouble(w -> w.valence).average().orElse(0);
                if (mean < settings.negativeValenceThreshold()) {
                    if (!speaker.negativeValence) {
                        speaker.negativeValence = true;
                        AlertState.Window first = speaker.valenceRun.get(0);
                        alerts.add(
                                alert(
                                        state,
                                        event.getCallId(),
                                        role,
                                        AlertType.SUSTAINED_NEGATIVE_VALENCE,
                                        first,
                                        window,
                                        (float) mean,
                                        nowMs,
                                        String.format(
                                                Locale.ROOT,
                                                "%s mean valence %.2f over the last %d speech windows "
                                                        + "(below %.2f, windows %d-%d)",
                                                name(role),
                                                mean,
                                                settings.negativeValenceWindows(),
                                                settings.negativeValenceThreshold(),
                                                first.index,
                                                window.index)));
                    }
                } else {
                    speaker.negativeValence = false;
                }
            }
        }

        if (role == SpeakerRole.AGENT || role == SpeakerRole.CUSTOMER) {
            SpeakerRole otherRole =
                    role == SpeakerRole.AGENT ? SpeakerRole.CUSTOMER : SpeakerRole.AGENT;
            AlertState.Speaker other = state.speakers.get(otherRole.name());
            boolean overlapped = false;
            AlertState.Window matched = null;
            if (other != null) {
                for (AlertState.Window candidate : other.recent) {
                    if (overlaps(window, candidate)) {
                        overlapped = true;
                        AlertState.Window agent = role == SpeakerRole.AGENT ? window : candidate;
                        AlertState.Window customer = role == SpeakerRole.AGENT ? candidate : window;
                        if (mismatches(agent, customer)) {
                            matched = candidate;
                        }
                    }
                }
            }
            if (matched != null && !state.mismatch) {
                state.mismatch = true;
                AlertState.Window agent = role == SpeakerRole.AGENT ? window : matched;
                AlertState.Window customer = role == SpeakerRole.AGENT ? matched : window;
                alerts.add(
                        alert(
                                state,
                                event.getCallId(),
                                role,
                                AlertType.AGENT_CUSTOMER_MISMATCH,
                                window,
                                window,
                                null,
                                nowMs,
                                String.format(
                                        Locale.ROOT,
                                        "agent %s (%.2f, window %d) while customer %s (%.2f, window %d)",
                                        agent.label,
                                        agent.confidence,
                                        agent.index,
                                        customer.label,
                                        customer.confidence,
                                        customer.index)));
            } else if (matched == null && overlapped) {
                state.mismatch = false;
            }
        }
        return alerts;
    }

    List<AlertEvent> onStats(AlertState state, CallEmotionStats stats, long nowMs) {
        List<AlertEvent> alerts = new ArrayList<>();
        SpeakerRole role = stats.getSpeaker();
        AlertState.Speaker speaker = state.speaker(role.name());
        AlertState.Window last =
                speaker.recent.isEmpty() ? null : speaker.recent.get(speaker.recent.size() - 1);
        if (last == null) {
            // statistics before any window (a stream that ended without audio): nothing to judge
            speaker.ended |= stats.getFinal$();
            return alerts;
        }
        if (stats.getEscalation() && !speaker.escalation) {
            speaker.escalation = true;
            speaker.escalationFrom =
                    stats.getEscalationWindowIndex() != null
                            ? stats.getEscalationWindowIndex()
                            : last.index;
            alerts.add(
                    alert(
                            state,
                            stats.getCallId(),
                            role,
                            AlertType.ESCALATION_STARTED,
                            extrapolate(last, speaker.escalationFrom),
                            last,
                            null,
                            nowMs,
                            String.format(
                                    Locale.ROOT,
                                    "%s %s in %d speech windows in a row (from window %d)",
                                    name(role),
                                    escalation.label(),
                                    escalation.minConsecutiveSpeechWindows(),
                                    speaker.escalationFrom)));
        } else if (!stats.getEscalation() && speaker.escalation) {
            speaker.escalation = false;
            alerts.add(
                    alert(
                            state,
                            stats.getCallId(),
                            role,
                            AlertType.ESCALATION_ENDED,
                            extrapolate(last, speaker.escalationFrom),
                            last,
                            null,
                            nowMs,
                            String.format(
                                    Locale.ROOT,
                                    "%s no longer %s (window %d: %s, confidence %.2f)",
                                    name(role),
                                    escalation.label(),
                                    last.index,
                                    last.label,
                                    last.confidence)));
        }
        if (stats.getFinal$()) {
            if (speaker.escalation) {
                speaker.escalation = false;
                alerts.add(
                        alert(
                                state,
                                stats.getCallId(),
                                role,
                                AlertType.ESCALATION_ENDED,
                                extrapolate(last, speaker.escalationFrom),
                                last,
                                null,
                                nowMs,
                                String.format(
                                        Locale.ROOT,
                                        "%s stream ended while %s (last window %d)",
                                        name(role),
                                        escalation.label(),
                                        last.index)));
            }
            speaker.ended = true;
        }
        return alerts;
    }

    private boolean mismatches(AlertState.Window agent, AlertState.Window customer) {
        return agent.speech
                && customer.speech
                && settings.mismatchAgentLabel().equals(agent.label)
                && agent.confidence >= settings.mismatchMinConfidence()
                && settings.mismatchCustomerLabel().equals(customer.label)
                && customer.confidence >= settings.mismatchMinConfidence();
    }

    /** Wall-clock overlap of at least half the shorter window. */
    static boolean overlaps(AlertState.Window a, AlertState.Window b) {
        long overlap = Math.min(a.endTime, b.endTime) - Math.max(a.startTime, b.startTime);
        long shorter = Math.min(a.endTime - a.startTime, b.endTime - b.startTime);
        return overlap > 0 && 2 * overlap >= shorter;
    }

    /**
     * Window {@code index} of the same stream, derived from a later window {@code ref}: windows start every hop,
     * and the capture time moves with the offset.
     */
    private AlertState.Window extrapolate(AlertState.Window ref, long index) {
        if (index == ref.index) {
            return ref;
        }
        AlertState.Window w = new AlertState.Window();
        w.index = index;
        w.startOffsetMs = index * hopMs;
        w.startTime = ref.startTime - (ref.startOffsetMs - w.startOffsetMs);
        return w;
    }

    private static AlertState.Window windowOf(EmotionEvent event) {
        AlertState.Window w = new AlertState.Window();
        w.index = event.getWindowIndex();
        w.startOffsetMs = event.getWindowStartOffsetMs();
        w.endOffsetMs = event.getWindowEndOffsetMs();
        w.startTime = event.getWindowStartTime().toEpochMilli();
        w.endTime = event.getWindowEndTime().toEpochMilli();
        w.speech = event.getSpeech();
        w.label = event.getLabel();
        w.confidence = event.getConfidence();
        w.valence = event.getValence();
        return w;
    }

    private static AlertEvent alert(
            AlertState state,
            String callId,
            SpeakerRole speaker,
            AlertType type,
            AlertState.Window from,
            AlertState.Window to,
            Float value,
            long nowMs,
            String message) {
        return AlertEvent.newBuilder()
                .setCallId(callId)
                .setSpeaker(speaker)
                .setType(type)
                .setFromWindowIndex(from.index)
                .setToWindowIndex(to.index)
                .setWindowStartOffsetMs(from.startOffsetMs)
                .setWindowEndOffsetMs(to.endOffsetMs)
                .setWindowStartTime(Instant.ofEpochMilli(from.startTime))
                .setWindowEndTime(Instant.ofEpochMilli(to.endTime))
                .setValue(value)
                .setMessage(message)
                .setModelId(state.modelId)
                .setModelVersion(state.modelVersion)
                .setRaisedAt(Instant.ofEpochMilli(nowMs))
                .build();
    }

    private static String name(SpeakerRole role) {
        return role.name().toLowerCase(Locale.ROOT);
    }

    private static <T> void push(List<T> list, T value, int max) {
        list.add(value);
        while (list.size() > max) {
            list.remove(0);
        }
    }
}
