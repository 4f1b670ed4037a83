package io.emostream.conversation;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link Conversation} turns frame decisions into talk, silence, over-talk and turns.
 *
 * @param hangover how long a speaker is held talking after a speech frame: a run of non-speech frames of at most
 *                 this length between two speech frames counts as talk (default {@value #DEFAULT_HANGOVER}). The
 *                 speech gate finds only voiced frames, about half of running speech: syllables at 4 Hz leave
 *                 pauses of 100-150 ms between voiced stretches, unvoiced consonants 50-150 ms, so 300 ms bridges
 *                 them while a pause for breath or for the other party (typically 0.5 s or more) ends the talk
 *                 spurt. A run that grows longer is silence as a whole: a spurt ends at its last speech frame
 * @param maxLag   how far one speaker's decided frames may run ahead of the other's before over-talk and turns are
 *                 decided without the lagging one, who then counts as not talking there (default
 *                 {@value #DEFAULT_MAX_LAG}, at most {@value #MAX_MAX_LAG}). It bounds the per-call state: two mono
 *                 streams of a call are produced side by side and their windows complete within a chunk or two of
 *                 each other; a stereo call's channels share every chunk
 */
public record ConversationRules(Duration hangover, Duration maxLag) {

    /** Default of {@link #hangover} (ISO-8601). */
    public static final String DEFAULT_HANGOVER = "PT0.3S";

    /** Default of {@link #maxLag} (ISO-8601). */
    public static final String DEFAULT_MAX_LAG = "PT10S";

    /** Upper bound of {@link #maxLag} (ISO-8601): keeps the per-call state under 1 KiB per speaker. */
    public static final String MAX_MAX_LAG = "PT2M";

    public ConversationRules {
        Objects.requireNonNull(hangover, "hangover");
        Objects.requireNonNull(maxLag, "maxLag");
        if (hangover.isNegative()) {
            throw new IllegalArgumentException("hangover must not be negative, was " + hangover);
        }
        if (maxLag.isNegative()
                || maxLag.isZero()
                || maxLag.compareTo(Duration.parse(MAX_MAX_LAG)) > 0) {
            throw new IllegalArgumentException(
                    "maxLag must be in (0, " + MAX_MAX_LAG + "], was " + maxLag);
        }
    }

    /** The documented defaults. */
    public static ConversationRules defaults() {
        return new ConversationRules(
                Duration.parse(DEFAULT_HANGOVER), Duration.parse(DEFAULT_MAX_LAG));
    }

    /** {@link #hangover} in whole frames of {@code frame} (rounded down). */
    int hangoverFrames(Duration frame) {
        return (int) (hangover.toNanos() / frame.toNanos());
    }

    /** {@link #maxLag} in frames of {@code frame}, rounded up to a multiple of 64 (one long of bits). */
    int lagFrames(Duration frame) {
        long frames = (maxLag.toNanos() + frame.toNanos() - 1) / frame.toNanos();
        return (int) ((frames + 63) / 64 * 64);
    }
}
