package io.emostream.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;

/**
 * One {@code ./emostream} subcommand: a picocli {@code @Command} whose annotated fields are its options and
 * arguments, listed in {@link Main}'s {@code subcommands}. picocli parses and checks the arguments (and answers
 * {@code --help}) before {@link #run} is called; {@link Main} hands over the output streams, so that tests can
 * capture them.
 */
abstract class Subcommand implements Callable<Integer> {

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "show this help and exit")
    boolean help;

    private PrintStream out = System.out;
    private PrintStream err = System.err;

    final void streams(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public final Integer call() throws Exception {
        return run(out, err);
    }

    /**
     * Runs the command on its parsed options.
     *
     * @return the process exit code: 0 success, 1 failure (or throw); bad arguments that only the command can
     *         see (a missing file, an option that needs another) are a {@link UsageException}, exit 2
     */
    abstract int run(PrintStream out, PrintStream err) throws Exception;
}
