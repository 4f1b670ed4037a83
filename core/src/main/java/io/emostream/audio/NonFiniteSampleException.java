package io.emostream.audio;

/** A float sample is NaN or infinite: the bytes are whole frames, but not audio. */
public class NonFiniteSampleException extends AudioFormatException {

    private static final long serialVersionUID = 1L;

    public NonFiniteSampleException(String message) {
        super(message);
    }
}
