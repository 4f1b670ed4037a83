package io.emostream.audio;

/** Audio that cannot be decoded as described: unknown encoding, malformed file, inconsistent byte counts. */
public class AudioFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public AudioFormatException(String message) {
        super(message);
    }

    public AudioFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
