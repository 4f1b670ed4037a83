package io.emostream.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.avro.AlertEvent;
import io.emostream.avro.AlertType;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import io.emostream.avro.SpeakerRole;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardStateTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private final DashboardState state =
            new DashboardState(3, 2, 2, Duration.ofMinutes(10), v -> v.toString());

    static EmotionEvent event(String callId, SpeakerRole speaker, long index, String label) {
        return EmotionEvent.newBuilder()
                .setCallId(callId)
                .setSpeaker(speaker)
                .setWindowIndex(index)
                .setWindowStartOffsetMs(index * 3000)
                .setWindowEndOffsetMs(index * 3000 + 3000)
                .setWindowStartTime(T0.plusMillis(index * 3000))
                .setWindowEndTime(T0.plusMillis(index * 3000 + 3000))
                .setSpeech(true)
                .setLabel(label)
                .setConfidence(0.7f)
                .setProbabilities(Map.of(label, 0.7f))
                .setValence(-0.5f)
                .setArousal(0.5f)
                .setSpeechRatio(0.8f)
                .setModelId("m")
                .setModelVersion("1")
                .setProcessedAt(T0)
                .build();
    }

    static CallEmotionStats stats(
            String callId, SpeakerRole speaker, boolean isFinal, boolean escalation) {
        return CallEmotionStats.newBuilder()
                .setCallId(callId)
                .setSpeaker(speaker)
                .setFinal$(isFinal)
                .setWindowsTotal(1)
                .setWindowsWithSpeech(1)
                .setLabelCounts(Map.of())
                .setLabelSpeechShare(Map.of())
                .setMeanProbabilities(Map.of())
                .setEscalation(escalation)
                .setUpdatedAt(T0)
                .build();
    }

    @SuppressWarnings("unchecked")
    private static List<DashboardState.WindowPoint> windows(
            Map<String, Object> call, String speaker) {
        Map<String, Object> speakers = (Map<String, Object>) call.get("speakers");
        return (List<DashboardState.WindowPoint>)
                ((Map<String, Object>) speakers.get(speaker)).get("windows");
    }

    @Test
    void keepsTheLastWindowsInOrderWithoutDuplicatesAndPublishesEachChange() {
        List<DashboardUpdate> seen = new ArrayList<>();
        state.subscribe(seen::add);
        assertEquals(DashboardUpdate.SNAPSHOT, seen.get(0).type());
        for (long i : new long[] {0, 1, 3, 2, 3, 4}) {
            state.onEvent(event("c1", SpeakerRole.CUSTOMER, i, "angry"), T0);
        }
        assertEquals(
                List.of(2L, 3L, 4L),
                windows(state.call("c1").orElseThrow(), "CUSTOMER").stream()
                        .map(DashboardState.WindowPoint::index)
                        .toList(),
                "bounded to 3, sorted, replayed 3 replaced");
        assertEquals(7, seen.size());
        assertEquals(DashboardUpdate.WINDOW, seen.get(6).type());
        assertEquals("c1", seen.get(6).data().get("callId"));
    }

    @Test
    void endedEscalationAlertsAndBounds() {
        state.onEvent(event("c1", SpeakerRole.AGENT, 0, "happy"), T0);
        state.onStats(stats("c1", SpeakerRole.AGENT, false, true), T0);
        assertEquals(true, state.call("c1").orElseThrow().get("escalation"));
        for (int i = 0; i < 3; i++) {
            state.onAlert(
                    AlertEvent.newBuilder()
                            .setCallId("c1")
                            .setSpeaker(SpeakerRole.AGENT)
                            .setType(AlertType.ESCALATION_STARTED)
                            .setFromWindowIndex(0)
                            .setToWindowIndex(0)
                            .setWindowStartOffsetMs(0)
                            .setWindowEndOffsetMs(3000)
                            .setWindowStartTime(T0)
                            .setWindowEndTime(T0)
                            .setMessage("m" + i)
                            .setRaisedAt(T0)
                            .build(),
                    T0);
        }
        assertEquals(
                2,
                ((List<?>) state.call("c1").orElseThrow().get("alerts")).size(),
                "alerts bounded to 2");
        state.onStats(stats("c1", SpeakerRole.AGENT, true, true), T0.plusSeconds(1));
        Map<String, Object> ended = state.call("c1").orElseThrow();
        assertEquals(true, ended.get("ended"));
        assertEquals(false, ended.get("escalation"), "an ended call is not escalating any more");

        // max 2 calls: the one updated longest ago goes
        state.onEvent(event("c2", SpeakerRole.AGENT, 0, "sad"), T0.plusSeconds(2));
        state.onEvent(event("c3", SpeakerRole.AGENT, 0, "sad"), T0.plusSeconds(3));
        assertEquals(
                List.of("c3", "c2"), state.calls().stream().map(c -> c.get("callId")).toList());
        // retention
        List<DashboardUpdate> seen = new ArrayList<>();
        state.subscribe(seen::add);
        assertEquals(1, state.expire(T0.plusSeconds(2).plus(Duration.ofMinutes(10)).plusMillis(1)));
        assertEquals(List.of("c3"), state.calls().stream().map(c -> c.get("callId")).toList());
        assertEquals(DashboardUpdate.REMOVED, seen.get(seen.size() - 1).type());
        assertFalse(state.call("c2").isPresent());
        assertTrue(state.call("c3").isPresent());
    }

    @Test
    void badBoundsAreRejected() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new DashboardState(0, 1, 1, Duration.ofMinutes(1), v -> v));
        assertTrue(e.getMessage().contains("max-windows-per-speaker=0"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new DashboardState(1, 1, 1, Duration.ZERO, v -> v));
    }
}
