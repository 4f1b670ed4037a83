package io.emostream.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Minimal {@code --name value} / {@code --flag} parser for the produce, demo and bench commands, with errors that
 * name the offending option.
 */
final class OptionParser {

    private final Map<String, String> values = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    /**
     * @param args        command-line arguments after the subcommand
     * @param withValue   options that take a value (without the leading dashes)
     * @param flags       options without a value
     */
    OptionParser(String[] args, Set<String> withValue, Set<String> flags) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("--")) {
                String name = arg.substring(2);
                String inline = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    inline = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (flags.contains(name)) {
                    values.put(name, "true");
                } else if (withValue.contains(name)) {
                    if (inline == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException("Option --" + name + " needs a value");
                        }
                        inline = args[++i];
                    }
                    values.put(name, inline);
                } else {
                    throw new UsageException("Unknown option --" + name);
                }
            } else {
                positional.add(arg);
            }
        }
    }

    boolean flag(String name) {
        return values.containsKey(name);
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int integer(String name, int fallback) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException("Option --" + name + ": '" + value + "' is not a whole number");
        }
    }

    /** A duration as {@code 60s}, {@code 500ms}, {@code 2m} or ISO-8601 {@code PT1M}. */
    Duration duration(String name, Duration fallback) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        return parseDuration(value, "Option --" + name);
    }

    List<String> positional() {
        return positional;
    }

    static Duration parseDuration(String value, String what) {
        String v = value.trim().toLowerCase();
        try {
            if (v.startsWith("pt")) {
                return Duration.parse(value.trim().toUpperCase());
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            }
            if (v.endsWith("m")) {
                return Duration.ofSeconds(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60));
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
        } catch (RuntimeException e) {
            throw new UsageException(what + ": '" + value + "' is not a duration (e.g. 60s, 500ms, 2m)");
        }
    }
}
