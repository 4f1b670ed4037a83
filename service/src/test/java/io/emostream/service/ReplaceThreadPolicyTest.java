package io.emostream.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ReplaceThreadPolicyTest {

    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    private final Clock clock =
            new Clock() {
                @Override
                public ZoneOffset getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return now;
                }
            };

    @Test
    void replacesThreadsUntilFailuresPileUpWithinAMinute() {
        ReplaceThreadPolicy policy = new ReplaceThreadPolicy(clock);
        RuntimeException failure = new RuntimeException("registry unreachable");
        for (int i = 0; i < ReplaceThreadPolicy.MAX_REPLACEMENTS; i++) {
            assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, policy.handle(failure));
            now = now.plusSeconds(5);
        }
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, policy.handle(failure));
    }

    @Test
    void failuresOlderThanThePeriodAreForgotten() {
        ReplaceThreadPolicy policy = new ReplaceThreadPolicy(clock);
        RuntimeException failure = new RuntimeException("broker restarted");
        for (int i = 0; i < 20; i++) {
            assertEquals(
                    StreamThreadExceptionResponse.REPLACE_THREAD,
                    policy.handle(failure),
                    "failure " + i);
            now = now.plus(Duration.ofSeconds(15));
        }
    }
}
