package io.emostream.service;

import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.jboss.logging.Logger;

/**
 * What happens when a stream thread dies. Malformed input never gets here (it goes to the dead-letter topic), nor
 * does a valid record whose processing fails (also a dead letter, ADR 8), so an exception that does is most likely
 * transient (schema registry or broker trouble): the thread is replaced
 * and, with exactly-once, resumes from the last committed transaction with nothing lost or duplicated. More
 * than {@value #MAX_REPLACEMENTS} failures within {@link #PERIOD} look permanent: the client shuts down, Kafka
 * Streams goes to ERROR, liveness fails and the orchestrator restarts the instance.
 */
@Singleton
public class ReplaceThreadPolicy implements StreamsUncaughtExceptionHandler {

    static final int MAX_REPLACEMENTS = 5;
    static final Duration PERIOD = Duration.ofMinutes(1);
    private static final Logger LOG = Logger.getLogger(ReplaceThreadPolicy.class);

    private final Deque<Instant> recentFailures = new ArrayDeque<>();
    private final Clock clock;

    public ReplaceThreadPolicy() {
        this(Clock.systemUTC());
    }

    ReplaceThreadPolicy(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable exception) {
        Instant now = clock.instant();
        recentFailures.addLast(now);
        while (!recentFailures.isEmpty()
                && recentFailures.peekFirst().isBefore(now.minus(PERIOD))) {
            recentFailures.removeFirst();
        }
        if (recentFailures.size() > MAX_REPLACEMENTS) {
            LOG.errorf(
                    exception,
                    "Stream thread failed %d times within %s: shutting Kafka Streams down",
                    recentFailures.size(),
                    PERIOD);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        LOG.errorf(
                exception,
                "Stream thread failed (%d within %s): replacing it",
                recentFailures.size(),
                PERIOD);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
