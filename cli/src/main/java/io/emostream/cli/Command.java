package io.emostream.cli;

import java.io.PrintStream;
import java.util.List;

/** One {@code ./emostream} subcommand. Register new ones in {@link Main#commands()}. */
public interface Command {

    /** The word after {@code ./emostream}. */
    String name();

    /** One line for {@code ./emostream --help}. */
    String summary();

    /** The full text of {@code ./emostream NAME --help}: synopsis, options with defaults, output. */
    String usage();

    /**
     * Runs the command.
     *
     * @param args arguments after the command name
     * @return the process exit code: 0 success, 1 failure, 2 bad arguments (or throw {@link UsageException})
     */
    int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
