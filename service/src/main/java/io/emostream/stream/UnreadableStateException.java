package io.emostream.stream;

/**
 * A stream-state entry that this release cannot decode: an unknown format version (written by a newer release, or
 * corrupted), or bytes that do not parse as the version they claim. {@link SpeakerStreamProcessor} dead-letters the
 * entry ({@link DeadLetterReason#STATE_UNREADABLE}) and ends the stream instead of failing the task.
 */
final class UnreadableStateException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UnreadableStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
