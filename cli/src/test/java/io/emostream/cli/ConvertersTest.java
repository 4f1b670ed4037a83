package io.emostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

class ConvertersTest {

    @Test
    void durationsInSecondsMillisecondsMinutesAndIso() {
        assertEquals(Duration.ofMillis(1500), Converters.parseDuration("1.5s"));
        assertEquals(Duration.ofSeconds(3), Converters.parseDuration("3"));
        assertEquals(Duration.ofMinutes(2), Converters.parseDuration("2m"));
        assertEquals(Duration.ofSeconds(3), Converters.parseDuration("PT3S"));
        assertNull(Converters.parseDuration("three seconds"));
        assertEquals(Duration.ofSeconds(90), Converters.parseDuration("1.5m"));
        assertEquals(Duration.ofSeconds(90), Converters.parseDuration("1.5min"));
        assertEquals(Duration.ofSeconds(60), Converters.parseDuration("PT1M"));
        assertEquals(Duration.ofSeconds(60), Converters.parseDuration("60S"));
        assertEquals(Duration.ofMillis(500), Converters.parseDuration("500MS"));
    }

    @Test
    void zeroDurationsOnlyWhereZeroSwitchesSomethingOff() throws Exception {
        assertEquals(Duration.ZERO, new Converters.DurationOrZero().convert("0s"));
        assertRejected(
                new Converters.DurationOrZero(),
                "-1s",
                "must be a duration such as 0s, 3s or 500ms, got '-1s'");
        assertEquals(Duration.ofMillis(500), new Converters.PositiveDuration().convert("500ms"));
        assertRejected(new Converters.PositiveDuration(), "0", "must be a positive duration");
        assertRejected(new Converters.PositiveDuration(), "soon", "got 'soon'");
    }

    @Test
    void boundedNumbers() throws Exception {
        assertEquals(8000, new Converters.PositiveInt().convert(" 8000 "));
        assertRejected(new Converters.PositiveInt(), "0", "must be at least 1, got 0");
        assertRejected(new Converters.PositiveInt(), "fast", "must be a whole number, got 'fast'");
        assertEquals(0, new Converters.Port().convert("0"));
        assertRejected(new Converters.Port(), "70000", "must be in 0..65535, got 70000");
        assertEquals(-20.0, new Converters.FiniteNumber().convert("-20"));
        assertRejected(new Converters.FiniteNumber(), "NaN", "must be a number, got 'NaN'");
        assertRejected(new Converters.PositiveNumber(), "0", "must be positive, got '0'");
    }

    private static void assertRejected(ITypeConverter<?> converter, String text, String fragment) {
        TypeConversionException e =
                assertThrows(TypeConversionException.class, () -> converter.convert(text));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
