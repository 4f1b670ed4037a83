package io.emostream.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The topology's Micrometer meters, shared by all tasks of one topology instance. Names (Prometheus adds the
 * {@code _seconds} unit to timers):
 * <ul>
 *   <li>{@value #CHUNKS} counter: valid chunks accepted (per input record);</li>
 *   <li>{@value #WINDOWS} counter, tag {@code speech=true|false}: windows emitted;</li>
 *   <li>{@value #INFERENCE} timer: classifier call per window;</li>
 *   <li>{@value #END_TO_END} timer: capture time of a window's last sample to its event being emitted (clamped to
 *       0..1 h);</li>
 *   <li>{@value #ACTIVE_STREAMS} gauge: (call, speaker) streams currently open in this instance;</li>
 *   <li>{@value #DEAD_LETTERS} counter, tag {@code reason}: records sent to the dead-letter topic;</li>
 *   <li>{@value #GAPS} counter: missing chunks filled with silence; {@value #GAP_FILL} counter: ms filled;</li>
 *   <li>{@value #DUPLICATES} counter and {@value #LATE} counter: per stream (a stereo chunk counts twice);</li>
 *   <li>{@value #STREAMS_ENDED} counter, tag {@code cause=end_of_stream|inactivity|processing_failed};</li>
 *   <li>{@value #FAILED_WINDOWS} counter: windows skipped because classifying them threw (each also behind a
 *       {@code PROCESSING_FAILED} dead letter).</li>
 * </ul>
 */
final class StreamMetrics {

    static final String CHUNKS = "emostream_chunks_total";
    static final String WINDOWS = "emostream_windows_total";
    static final String INFERENCE = "emostream_inference_latency";
    static final String END_TO_END = "emostream_end_to_end_latency";
    static final String ACTIVE_STREAMS = "emostream_active_streams";
    static final String DEAD_LETTERS = "emostream_dead_letters_total";
    static final String GAPS = "emostream_gaps_total";
    static final String GAP_FILL = "emostream_gap_fill_ms_total";
    static final String DUPLICATES = "emostream_duplicate_chunks_total";
    static final String LATE = "emostream_late_chunks_total";
    static final String STREAMS_ENDED = "emostream_streams_ended_total";
    static final String FAILED_WINDOWS = "emostream_failed_windows_total";

    final Counter chunks;
    final Counter speechWindows;
    final Counter silentWindows;
    final Timer inference;
    final Timer endToEnd;
    final AtomicLong activeStreams;
    final Counter gaps;
    final Counter gapFillMs;
    final Counter duplicates;
    final Counter late;
    final Counter endedByEndOfStream;
    final Counter endedByInactivity;
    final Counter endedByFailure;
    final Counter failedWindows;
    private final Map<DeadLetterReason, Counter> deadLetters =
            new EnumMap<>(DeadLetterReason.class);

    StreamMetrics(MeterRegistry registry) {
        chunks =
                Counter.builder(CHUNKS)
                        .description("Valid audio chunks accepted")
                        .register(registry);
        speechWindows =
                Counter.builder(WINDOWS)
                        .tag("speech", "true")
                        .description("Windows classified")
                        .register(registry);
        silentWindows =
                Counter.builder(WINDOWS)
                        .tag("speech", "false")
                        .description("Windows classified")
                        .register(registry);
        inference =
                Timer.builder(INFERENCE)
                        .description("Classifier time per window (on the stream thread)")
                        .publishPercentileHistogram()
                        .register(registry);
        endToEnd =
                Timer.builder(END_TO_END)
                        .description("Capture of a window's last sample to its event")
                        .publishPercentileHistogram()
                        .register(registry);
        activeStreams = new AtomicLong();
        Gauge.builder(ACTIVE_STREAMS, activeStreams, AtomicLong::get)
                .strongReference(true)
                .description("Open (call, speaker) streams")
                .register(registry);
        gaps =
                Counter.builder(GAPS)
                        .description("Missing chunks filled with silence")
                        .register(registry);
        gapFillMs =
                Counter.builder(GAP_FILL)
                        .description("Milliseconds of silence inserted for gaps")
                        .register(registry);
        duplicates =
                Counter.builder(DUPLICATES)
                        .description("Chunks dropped as duplicates")
                        .register(registry);
        late =
                Counter.builder(LATE)
                        .description(
                                "Chunks that arrived after their slot was filled or the stream ended")
                        .register(registry);
        endedByEndOfStream =
                Counter.builder(STREAMS_ENDED).tag("cause", "end_of_stream").register(registry);
        endedByInactivity =
                Counter.builder(STREAMS_ENDED).tag("cause", "inactivity").register(registry);
        endedByFailure =
                Counter.builder(STREAMS_ENDED).tag("cause", "processing_failed").register(registry);
        failedWindows =
                Counter.builder(FAILED_WINDOWS)
                        .description("Windows skipped because classifying them failed")
                        .register(registry);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLetters.put(
                    reason,
                    Counter.builder(DEAD_LETTERS)
                            .tag("reason", reason.name())
                            .description("Input records sent to the dead-letter topic")
                            .register(registry));
        }
    }

    void deadLetter(DeadLetterReason reason) {
        deadLetters.get(reason).increment();
    }

    /** Latencies above this are recorded as this: they come from capture clocks that are off, or from replays. */
    static final Duration MAX_RECORDED_LATENCY = Duration.ofHours(1);

    /**
     * Records an end-to-end latency, clamped to [0, {@link #MAX_RECORDED_LATENCY}]: a capture time far in the past
     * must not overflow the timer's nanoseconds ({@code Duration.toNanos} fails beyond about 292 years).
     */
    void endToEnd(long processedAtMs, long capturedMs) {
        long millis;
        try {
            millis = Math.subtractExact(processedAtMs, capturedMs);
        } catch (ArithmeticException e) {
            millis = capturedMs < 0 ? Long.MAX_VALUE : 0;
        }
        endToEnd(millis);
    }

    void endToEnd(long millis) {
        long clamped = Math.max(0, Math.min(millis, MAX_RECORDED_LATENCY.toMillis()));
        endToEnd.record(clamped, TimeUnit.MILLISECONDS);
    }
}
