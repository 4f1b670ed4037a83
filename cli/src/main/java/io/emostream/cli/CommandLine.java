package io.emostream.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsed arguments of one subcommand: {@code --name value}, {@code --name=value}, flags ({@code --name}) and
 * positional arguments. Unknown options, a missing value or a repeated option are {@link UsageException}s.
 */
final class CommandLine {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min)?");

    private final String command;
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();
    private final List<String> positionals = new ArrayList<>();

    private CommandLine(String command) {
        this.command = command;
    }

    /**
     * @param valueOptions options that take a value, without the leading dashes
     * @param flagOptions  options without a value; {@code help} is always accepted
     */
    static CommandLine parse(String command, List<String> args, Set<String> valueOptions, Set<String> flagOptions) {
        CommandLine line = new CommandLine(command);
        boolean onlyPositionals = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (onlyPositionals || !arg.startsWith("--") || arg.equals("-")) {
                if (arg.equals("-h")) {
                    line.flags.add("help");
                } else {
                    line.positionals.add(arg);
                }
                continue;
            }
            if (arg.equals("--")) {
                onlyPositionals = true;
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            }
            if (name.equals("help") || flagOptions.contains(name)) {
                if (value != null) {
                    throw new UsageException("option --" + name + " takes no value");
                }
                line.flags.add(name);
            } else if (valueOptions.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException("option --" + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                if (line.values.put(name, value) != null) {
                    throw new UsageException("option --" + name + " given twice");
                }
            } else {
                Set<String> known = new TreeSet<>(valueOptions);
                known.addAll(flagOptions);
                known.add("help");
                throw new UsageException("unknown option --" + name + " (" + command + " accepts --"
                        + String.join(", --", known) + ")");
            }
        }
        return line;
    }

    boolean help() {
        return flags.contains("help");
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    List<String> positionals() {
        return positionals;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    String required(String name) {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw new UsageException("option --" + name + " is required");
        }
        return value;
    }

    Path path(String name, Path fallback) {
        return has(name) ? Path.of(values.get(name)) : fallback;
    }

    int integer(String name, int fallback, int min) {
        if (!has(name)) {
            return fallback;
        }
        int value;
        try {
            value = Integer.parseInt(values.get(name).trim());
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + " must be a whole number, got '" + values.get(name) + "'");
        }
        if (value < min) {
            throw new UsageException("option --" + name + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    long longValue(String name, long fallback) {
        if (!has(name)) {
            return fallback;
        }
        try {
            return Long.parseLong(values.get(name).trim());
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + " must be a whole number, got '" + values.get(name) + "'");
        }
    }

    Double decimal(String name) {
        if (!has(name)) {
            return null;
        }
        try {
            double value = Double.parseDouble(values.get(name).trim());
            if (!Double.isFinite(value)) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + " must be a number, got '" + values.get(name) + "'");
        }
    }

    Duration duration(String name, Duration fallback) {
        return duration(name, fallback, false);
    }

    /** As {@link #duration}, but 0 (0s, 0ms) is allowed: for options where zero switches something off. */
    Duration durationOrZero(String name, Duration fallback) {
        return duration(name, fallback, true);
    }

    private Duration duration(String name, Duration fallback, boolean zeroAllowed) {
        if (!has(name)) {
            return fallback;
        }
        Duration value = parseDuration(values.get(name));
        if (value == null || value.isNegative() || (value.isZero() && !zeroAllowed)) {
            throw new UsageException("option --" + name + " must be a " + (zeroAllowed ? "" : "positive ")
                    + "duration such as 3s, 1.5s or 500ms, got '" + values.get(name) + "'");
        }
        return value;
    }

    /**
     * Parses 3s, 1.5s, 500ms, 2m, 1.5min (a bare number is seconds) or ISO-8601 (PT3S), ignoring case; null when
     * malformed.
     */
    static Duration parseDuration(String text) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        if (trimmed.startsWith("pt")) {
            try {
                return Duration.parse(trimmed.toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                return null;
            }
        }
        Matcher m = DURATION.matcher(trimmed);
        if (!m.matches()) {
            return null;
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double nanos = switch (unit) {
            case "ms" -> amount * 1e6;
            case "m", "min" -> amount * 60e9;
            default -> amount * 1e9;
        };
        return Duration.ofNanos(Math.round(nanos));
    }
}
