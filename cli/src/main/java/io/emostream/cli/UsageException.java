package io.emostream.cli;

/**
 * Bad arguments that only the command can see once picocli has parsed them (a file that is not there, an option
 * that needs another); {@link Main} prints the message and a pointer to {@code --help}, and exits 2, as for the
 * errors picocli finds itself.
 */
public class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message);
    }
}
