package io.emostream.cli;

import io.emostream.local.LogLevels;
import io.emostream.local.ProjectHome;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of {@code ./emostream}: dispatches to a subcommand. Exit codes: 0 success, 1 failure, 2 bad
 * arguments.
 */
public final class Main {

    private Main() {
    }

    /** The subcommands, in the order {@code --help} lists them. Add a command with one line here. */
    public static Map<String, Command> commands() {
        Map<String, Command> commands = new LinkedHashMap<>();
        register(commands, new ClassifyCommand());
        register(commands, new EvaluateCommand());
        register(commands, new ProduceCommand());
        register(commands, new DemoCommand());
        register(commands, new BenchCommand());
        return Collections.unmodifiableMap(commands);
    }

    private static void register(Map<String, Command> commands, Command command) {
        if (commands.put(command.name(), command) != null) {
            throw new IllegalStateException("two commands named " + command.name());
        }
    }

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
        Map<String, Command> commands = commands();
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            if (args.length > 1 && commands.containsKey(args[1])) {
                out.println(commands.get(args[1]).usage());
                return 0;
            }
            out.println(overview(commands));
            return args.length == 0 ? 2 : 0;
        }
        Command command = commands.get(args[0]);
        if (command == null) {
            err.println("emostream: unknown command '" + args[0] + "'; commands: " + String.join(", ", commands.keySet())
                    + " (see ./emostream --help)");
            return 2;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            return command.run(rest, out, err);
        } catch (UsageException e) {
            err.println("emostream " + command.name() + ": " + e.getMessage());
            err.println("see ./emostream " + command.name() + " --help");
            return 2;
        } catch (Exception e) {
            err.println("emostream " + command.name() + ": " + describe(e));
            if (Boolean.getBoolean("emostream.debug")) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static String overview(Map<String, Command> commands) {
        StringBuilder text = new StringBuilder("usage: ./emostream COMMAND [OPTIONS]   (./emostream COMMAND --help)\n\n"
                + "Speech-emotion recognition for call audio.\n\ncommands:\n");
        int width = commands.keySet().stream().mapToInt(String::length).max().orElse(8) + 2;
        commands.forEach((name, command) -> text.append("  ").append(name)
                .append(" ".repeat(width - name.length())).append(command.summary()).append('\n'));
        text.append("\nenvironment: EMOSTREAM_JAVA_OPTS adds JVM options; -Demostream.debug=true prints stack traces");
        return text.toString();
    }
}
