package io.emostream.cli;

import io.emostream.local.LogLevels;
import io.emostream.local.ProjectHome;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of {@code ./emostream}: picocli parses the arguments of a subcommand and calls it. Exit codes: 0
 * success, 1 failure, 2 bad arguments (and a bare {@code ./emostream}, which prints the overview).
 */
@Command(
        name = "./emostream",
        synopsisSubcommandLabel = "COMMAND",
        description = "Speech-emotion recognition for call audio.",
        footer =
                "environment: EMOSTREAM_JAVA_OPTS adds JVM options; -Demostream.debug=true prints stack traces",
        subcommands = {
            ClassifyCommand.class,
            EvaluateCommand.class,
            ProduceCommand.class,
            DemoCommand.class,
            BenchCommand.class,
            HelpCommand.class
        })
public final class Main implements Callable<Integer> {

    /** Width of the help text; the output examples in the commands' footers are laid out for it. */
    static final int HELP_WIDTH = 116;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "show this help and exit (./emostream COMMAND --help: the command's)")
    boolean help;

    @Spec CommandSpec spec;

    /** The default model: models/emotion-cnn.onnx under the {@link ProjectHome}. */
    public static Path defaultModel() {
        return ProjectHome.resolve("models", "emotion-cnn.onnx");
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        LogLevels.applyDefaults();
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs {@code ./emostream args...} and returns the exit code (testable: does not exit). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = commandLine(out, err);
        if (args.length > 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            args =
                    new String[] {
                        "help", args[1]
                    }; // ./emostream --help COMMAND: as ./emostream help COMMAND
        }
        try {
            return cli.execute(args);
        } finally {
            cli.getOut().flush();
            cli.getErr().flush();
        }
    }

    /** No command: the overview; exit 2, as for other bad arguments. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }

    /**
     * The command line of {@code ./emostream} and its subcommands, writing to {@code out} and {@code err}: help
     * in the order the options are declared, bad arguments (picocli's or a {@link UsageException}) reported on
     * one line with a pointer to {@code --help} and exit 2, failures on one line and exit 1.
     */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new Main());
        cli.getSubcommands().get("help").getCommandSpec().usageMessage().hidden(true);
        for (CommandLine command : cli.getSubcommands().values()) {
            if (command.getCommand() instanceof Subcommand subcommand) {
                subcommand.streams(out, err);
            }
        }
        style(cli.getCommandSpec().usageMessage());
        cli.getSubcommands()
                .values()
                .forEach(command -> style(command.getCommandSpec().usageMessage()));
        cli.setUsageHelpWidth(HELP_WIDTH);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler((e, args) -> badArguments(e.getCommandLine(), e, err));
        cli.setExecutionExceptionHandler(
                (e, command, parsed) -> {
                    if (e instanceof UsageException) {
                        return badArguments(command, e, err);
                    }
                    err.println(prefix(command) + ": " + describe(e));
                    if (Boolean.getBoolean("emostream.debug")) {
                        e.printStackTrace(err);
                    }
                    return 1;
                });
        return cli;
    }

    private static void style(UsageMessageSpec usage) {
        usage.sortOptions(false)
                .sortSynopsis(false)
                .descriptionHeading("%n")
                .parameterListHeading("%n")
                .optionListHeading("%n")
                .commandListHeading("%ncommands:%n")
                .footerHeading(usage.footer().length == 0 ? "" : "%n");
    }

    private static int badArguments(CommandLine command, Exception e, PrintStream err) {
        if (command.getParent() == null
                && e instanceof UnmatchedArgumentException unmatched
                && !unmatched.getUnmatched().isEmpty()
                && !unmatched.getUnmatched().get(0).startsWith("-")) {
            err.println(
                    "emostream: unknown command '"
                            + unmatched.getUnmatched().get(0)
                            + "'; commands: "
                            + command.getSubcommands().keySet().stream()
                                    .filter(name -> !name.equals("help"))
                                    .collect(Collectors.joining(", "))
                            + " (see ./emostream --help)");
            return 2;
        }
        err.println(prefix(command) + ": " + e.getMessage());
        if (e instanceof UnmatchedArgumentException unmatched) {
            UnmatchedArgumentException.printSuggestions(unmatched, err);
        }
        err.println("see " + command.getCommandSpec().qualifiedName() + " --help");
        return 2;
    }

    /** "emostream" or "emostream COMMAND", the start of every message. */
    private static String prefix(CommandLine command) {
        return command.getParent() == null ? "emostream" : "emostream " + command.getCommandName();
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
