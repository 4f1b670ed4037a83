package io.emostream.dashboard;

import io.emostream.avro.AlertEvent;
import io.emostream.avro.AlertType;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The live picture the dashboard shows: every call seen on the output topics, per speaker the last windows and the
 * latest statistics, and the call's alerts. Bounded: at most {@code maxWindowsPerSpeaker} windows per speaker,
 * {@code maxAlertsPerCall} alerts per call and {@code maxCalls} calls (the calls updated longest ago go first), and
 * a call with no update for {@code retention} is dropped ({@link #expire}).
 *
 * <p>Every change is also published as a {@link DashboardUpdate} to the subscribed listeners, in the order the
 * changes were made. {@link #subscribe} hands a new listener the whole picture first (a {@code snapshot}) under the
 * same lock, so a listener sees every change exactly once: in the snapshot or as an update after it. Listeners are
 * called with the lock held and must not block (the SSE resource only enqueues).
 *
 * <p>Thread-safe. The feed's consumer thread writes; HTTP threads read and subscribe.
 */
public final class DashboardState {

    /** Receives updates; must not block. */
    public interface Listener {
        void onUpdate(DashboardUpdate update);
    }

    private final int maxWindowsPerSpeaker;
    private final int maxAlertsPerCall;
    private final int maxCalls;
    private final Duration retention;
    private final Function<Object, Object> toPlain;
    private final Map<String, CallView> calls = new LinkedHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param toPlain turns an Avro record into a plain map for JSON (the REST layer's {@code AvroJson::toPlain})
     */
    public DashboardState(
            int maxWindowsPerSpeaker,
            int maxAlertsPerCall,
            int maxCalls,
            Duration retention,
            Function<Object, Object> toPlain) {
        if (maxWindowsPerSpeaker < 1 || maxAlertsPerCall < 1 || maxCalls < 1) {
            throw new IllegalArgumentException(
                    "dashboard bounds must be >= 1: max-windows-per-speaker="
                            + maxWindowsPerSpeaker
                            + ", max-alerts-per-call="
                            + maxAlertsPerCall
                            + ", max-calls="
                            + maxCalls);
        }
        if (retention == null || retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException(
                    "dashboard retention must be positive, was " + retention);
        }
        this.maxWindowsPerSpeaker = maxWindowsPerSpeaker;
        this.maxAlertsPerCall = maxAlertsPerCall;
        this.maxCalls = maxCalls;
        this.retention = retention;
        this.toPlain = Objects.requireNonNull(toPlain, "toPlain");
    }

    /** One window on a speaker's timeline. */
    public record WindowPoint(
            long index,
            long startOffsetMs,
            long endOffsetMs,
            Instant startTime,
            Instant endTime,
            boolean speech,
            String label,
            float confidence,
            Float valence,
            Float arousal) {
        static WindowPoint of(EmotionEvent e) {
            return new WindowPoint(
                    e.getWindowIndex(),
                    e.getWindowStartOffsetMs(),
                    e.getWindowEndOffsetMs(),
                    e.getWindowStartTime(),
                    e.getWindowEndTime(),
                    e.getSpeech(),
                    e.getLabel().intern(),
                    e.getConfidence(),
                    e.getValence(),
                    e.getArousal());
        }
    }

    private static final class SpeakerView {
        final Deque<WindowPoint> windows = new ArrayDeque<>();
        Object stats;
        boolean escalation;
        boolean ended;
    }

    private static final class CallView {
        final String callId;
        final Instant firstSeen;
        Instant updatedAt;
        String modelId;
        String modelVersion;
        final Map<String, SpeakerView> speakers = new TreeMap<>();
        final Deque<Object> alerts = new ArrayDeque<>();

        CallView(String callId, Instant now) {
            this.callId = callId;
            this.firstSeen = now;
            this.updatedAt = now;
        }

        boolean ended() {
            return !speakers.isEmpty() && speakers.values().stream().allMatch(s -> s.ended);
        }

        boolean escalation() {
            return speakers.values().stream().anyMatch(s -> s.escalation);
        }
    }

    // ---- writes (the feed)

    public synchronized void onEvent(EmotionEvent event, Instant now) {
        CallView call = call(event.getCallId(), now);
        call.modelId = event.getModelId();
        call.modelVersion = event.getModelVersion();
        SpeakerView speaker =
                call.speakers.computeIfAbsent(event.getSpeaker().name(), s -> new SpeakerView());
        WindowPoint point = WindowPoint.of(event);
        // A replayed window (look-back overlapping what was already read) replaces, never
        // duplicates.
        speaker.windows.removeIf(w -> w.index() == point.index());
        speaker.windows.addLast(point);
        if (speaker.windows.size() > 1 && point.index() < maxIndexBefore(speaker.windows)) {
            List<WindowPoint> sorted = new ArrayList<>(speaker.windows);
            sorted.sort(Comparator.comparingLong(WindowPoint::index));
            speaker.windows.clear();
            speaker.windows.addAll(sorted);
        }
        while (speaker.windows.size() > maxWindowsPerSpeaker) {
            speaker.windows.removeFirst();
        }
        Map<String, Object> data = base(call);
        data.put("speaker", event.getSpeaker().name());
        data.put("modelId", call.modelId);
        data.put("modelVersion", call.modelVersion);
        data.put("window", point);
        publish(new DashboardUpdate(DashboardUpdate.WINDOW, data));
    }

    public synchronized void onStats(CallEmotionStats stats, Instant now) {
        CallView call = call(stats.getCallId(), now);
        SpeakerView speaker =
                call.speakers.computeIfAbsent(stats.getSpeaker().name(), s -> new SpeakerView());
        speaker.stats = toPlain.apply(stats);
        speaker.escalation = stats.getEscalation() && !stats.getFinal$();
        speaker.ended = stats.getFinal$();
        Map<String, Object> data = base(call);
        data.put("speaker", stats.getSpeaker().name());
        data.put("stats", speaker.stats);
        publish(new DashboardUpdate(DashboardUpdate.STATS, data));
    }

    public synchronized void onAlert(AlertEvent alert, Instant now) {
        CallView call = call(alert.getCallId(), now);
        Object plain = toPlain.apply(alert);
        call.alerts.addLast(plain);
        while (call.alerts.size() > maxAlertsPerCall) {
            call.alerts.removeFirst();
        }
        if (alert.getType() == AlertType.ESCALATION_STARTED) {
            call.speakers.computeIfAbsent(alert.getSpeaker().name(), s -> new SpeakerView())
                            .escalation =
                    true;
        } else if (alert.getType() == AlertType.ESCALATION_ENDED) {
            call.speakers.computeIfAbsent(alert.getSpeaker().name(), s -> new SpeakerView())
                            .escalation =
                    false;
        }
        Map<String, Object> data = base(call);
        data.put("alert", plain);
        publish(new DashboardUpdate(DashboardUpdate.ALERT, data));
    }

    /** Drops calls with no update for the retention; returns how many. */
    public synchronized int expire(Instant now) {
        Instant cutoff = now.minus(retention);
        List<String> expired =
                calls.values().stream()
                        .filter(c -> c.updatedAt.isBefore(cutoff))
                        .map(c -> c.callId)
                        .toList();
        expired.forEach(this::remove);
        return expired.size();
    }

    // ---- reads and subscriptions

    /** Every call, most recently started first. */
    public synchronized List<Map<String, Object>> calls() {
        List<CallView> views = new ArrayList<>(calls.values());
        views.sort(
                Comparator.comparing((CallView c) -> c.firstSeen)
                        .reversed()
                        .thenComparing(c -> c.callId));
        return views.stream().map(this::detail).toList();
    }

    public synchronized Optional<Map<String, Object>> call(String callId) {
        return Optional.ofNullable(calls.get(callId)).map(this::detail);
    }

    public synchronized int size() {
        return calls.size();
    }

    /** Adds a listener, handing it the whole picture first (see the class comment). */
    public synchronized void subscribe(Listener listener) {
        listener.onUpdate(new DashboardUpdate(DashboardUpdate.SNAPSHOT, Map.of("calls", calls())));
        listeners.add(listener);
    }

    public void unsubscribe(Listener listener) {
        listeners.remove(listener);
    }

    public int listeners() {
        return listeners.size();
    }

    // ---- internals

    private CallView call(String callId, Instant now) {
        CallView call = calls.get(callId);
        if (call == null) {
            while (calls.size() >= maxCalls) {
                calls.values().stream()
                        .min(Comparator.comparing(c -> c.updatedAt))
                        .map(c -> c.callId)
                        .ifPresent(this::remove);
            }
            call = new CallView(callId, now);
            calls.put(callId, call);
        }
        call.updatedAt = now;
        return call;
    }

    private void remove(String callId) {
        if (calls.remove(callId) != null) {
            publish(new DashboardUpdate(DashboardUpdate.REMOVED, Map.of("callId", callId)));
        }
    }

    private static long maxIndexBefore(Deque<WindowPoint> windows) {
        long max = Long.MIN_VALUE;
        int i = 0;
        int last = windows.size() - 1;
        for (WindowPoint w : windows) {
            if (i++ < last) {
                max = Math.max(max, w.index());
            }
        }
        return max;
    }

    /** The fields every update of a call carries, so a client can keep its list current from updates alone. */
    private static Map<String, Object> base(CallView call) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("callId", call.callId);
        data.put("ended", call.ended());
        data.put("escalation", call.escalation());
        data.put("updatedAt", call.updatedAt);
        return data;
    }

    private Map<String, Object> detail(CallView call) {
        Map<String, Object> data = base(call);
        data.put("firstSeen", call.firstSeen);
        data.put("modelId", call.modelId);
        data.put("modelVersion", call.modelVersion);
        Map<String, Object> speakers = new LinkedHashMap<>();
        call.speakers.forEach(
                (role, s) -> {
                    Map<String, Object> speaker = new LinkedHashMap<>();
                    speaker.put("current", s.windows.isEmpty() ? null : s.windows.peekLast());
                    speaker.put("escalation", s.escalation);
                    speaker.put("ended", s.ended);
                    speaker.put("windows", List.copyOf(s.windows));
                    speaker.put("stats", s.stats);
                    speakers.put(role, speaker);
                });
        data.put("speakers", speakers);
        data.put("alerts", List.copyOf(call.alerts));
        return data;
    }

    private void publish(DashboardUpdate update) {
        for (Listener listener : listeners) {
            listener.onUpdate(update);
        }
    }
}
