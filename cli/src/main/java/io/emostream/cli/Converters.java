package io.emostream.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli converters for the values the commands take beyond what picocli converts itself: durations written as
 * people write them, and numbers with a lower bound. picocli reports a rejected value as
 * {@code Invalid value for option '--NAME': MESSAGE}, so each message says what the value must be and quotes it.
 */
final class Converters {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min)?");

    private Converters() {}

    /** A duration of more than zero (see {@link #parseDuration}). */
    static final class PositiveDuration implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            Duration value = parseDuration(text);
            if (value == null || value.isNegative() || value.isZero()) {
                throw new TypeConversionException(
                        "must be a positive duration such as 3s, 1.5s or 500ms, got '"
                                + text
                                + "'");
            }
            return value;
        }
    }

    /** A duration of zero or more, for options where zero switches something off (see {@link #parseDuration}). */
    static final class DurationOrZero implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            Duration value = parseDuration(text);
            if (value == null || value.isNegative()) {
                throw new TypeConversionException(
                        "must be a duration such as 0s, 3s or 500ms, got '" + text + "'");
            }
            return value;
        }
    }

    /** A whole number of at least 1. */
    static final class PositiveInt implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String text) {
            return wholeNumber(text, 1, Integer.MAX_VALUE);
        }
    }

    /** A TCP port, 0 for any free one. */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String text) {
            return wholeNumber(text, 0, 65535);
        }
    }

    /** A finite number (not NaN or infinite). */
    static final class FiniteNumber implements ITypeConverter<Double> {
        @Override
        public Double convert(String text) {
            try {
                double value = Double.parseDouble(text.trim());
                if (Double.isFinite(value)) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException("must be a number, got '" + text + "'");
        }
    }

    /** A finite number above zero. */
    static final class PositiveNumber implements ITypeConverter<Double> {
        @Override
        public Double convert(String text) {
            Double value = new FiniteNumber().convert(text);
            if (value <= 0) {
                throw new TypeConversionException("must be positive, got '" + text + "'");
            }
            return value;
        }
    }

    private static int wholeNumber(String text, int min, int max) {
        int value;
        try {
            value = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("must be a whole number, got '" + text + "'");
        }
        if (value < min || value > max) {
            throw new TypeConversionException(
                    "must be "
                            + (max == Integer.MAX_VALUE
                                    ? "at least " + min
                                    : "in " + min + ".." + max)
                            + ", got "
                            + value);
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
        double nanos =
                switch (unit) {
                    case "ms" -> amount * 1e6;
                    case "m", "min" -> amount * 60e9;
                    default -> amount * 1e9;
                };
        return Duration.ofNanos(Math.round(nanos));
    }
}
