package io.emostream.local;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Log levels for the processes that run without Quarkus (the {@code ./emostream} commands, the in-process broker
 * of the demo, the benchmark and the integration tests).
 *
 * <p>Why: with nothing to configure it, JBoss LogManager's root logger is at {@code ALL}, so every
 * {@code isTraceEnabled()} check in Kafka answers true and the clients and the broker build messages that the
 * console handler then drops: the producer renders {@code record.toString()} of every record it sends (for an
 * {@code AudioChunk}, its audio escaped as text) and the broker converts every request to JSON. In the 100-call
 * benchmark that was most of the producer threads' CPU. The Quarkus service configures its own levels
 * ({@code quarkus.log.*}) and is not affected.
 */
public final class LogLevels {

    /** System property that overrides the default root level (a JUL or JBoss level name, e.g. DEBUG). */
    public static final String ROOT_LEVEL_PROPERTY = "emostream.log.level";

    private LogLevels() {}

    /** Sets the root level to {@value #ROOT_LEVEL_PROPERTY} (default INFO) unless a configuration already did. */
    public static void applyDefaults() {
        Logger root = Logger.getLogger("");
        String configured = System.getProperty(ROOT_LEVEL_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            root.setLevel(Level.parse(configured.trim().toUpperCase(java.util.Locale.ROOT)));
        } else if (root.getLevel() == null || root.getLevel() == Level.ALL) {
            root.setLevel(Level.INFO);
        }
    }
}
