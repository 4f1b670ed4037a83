package io.emostream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Hostile record 1, second defence: the latency timer never overflows, whatever the capture time. */
class StreamMetricsTest {

    @Test
    void endToEndLatencyIsClampedInsteadOfOverflowing() {
        StreamMetrics metrics = new StreamMetrics(new SimpleMeterRegistry());
        long now = 1_767_261_600_000L;
        metrics.endToEnd(
                now, -1_000_000_000_000_000L); // Duration.ofMillis(~1e15).toNanos() overflowed here
        metrics.endToEnd(Long.MAX_VALUE, Long.MIN_VALUE); // the subtraction itself overflows
        metrics.endToEnd(now, now + 5_000); // capture clock ahead: 0
        metrics.endToEnd(now, now - 120);
        assertEquals(4, metrics.endToEnd.count());
        assertEquals(
                StreamMetrics.MAX_RECORDED_LATENCY.toMillis(),
                metrics.endToEnd.max(TimeUnit.MILLISECONDS),
                1e-6);
        assertEquals(
                2 * StreamMetrics.MAX_RECORDED_LATENCY.toMillis() + 120,
                metrics.endToEnd.totalTime(TimeUnit.MILLISECONDS),
                1e-6);
    }
}
