package io.emostream.cli;

/** Bad command-line arguments; {@link Main} prints the message and a pointer to {@code --help}, and exits 2. */
public class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message);
    }
}
