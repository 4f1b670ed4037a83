package io.emostream.conversation;

import java.time.Duration;

/**
 * One speaker's conversation metrics so far; see {@link Conversation} for the exact definitions.
 *
 * @param talk     the speaker's audio judged talk: speech frames and the pauses of at most the hangover between them
 * @param silence  the rest of the speaker's audio (gap silence included); talk + silence is the audio decided so
 *                 far, which trails the audio analysed by at most the hangover
 * @param overTalk time in which this speaker and another talked at once
 * @param turns    how often the speaker took the floor
 */
public record SpeakerMetrics(Duration talk, Duration silence, Duration overTalk, long turns) {

    /** A speaker with no decided audio yet. */
    public static final SpeakerMetrics NONE =
            new SpeakerMetrics(Duration.ZERO, Duration.ZERO, Duration.ZERO, 0);
}
