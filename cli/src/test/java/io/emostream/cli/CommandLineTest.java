package io.emostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    @Test
    void parsesValuesFlagsAndPositionals() {
        CommandLine line = CommandLine.parse("x", List.of("a.wav", "--window", "2s", "--hop=500ms", "b.wav", "--v"),
                Set.of("window", "hop"), Set.of("v"));
        assertEquals(List.of("a.wav", "b.wav"), line.positionals());
        assertEquals(Duration.ofSeconds(2), line.duration("window", null));
        assertEquals(Duration.ofMillis(500), line.duration("hop", null));
        assertTrue(line.flag("v"));
    }

    @Test
    void durationsInSecondsMillisecondsMinutesAndIso() {
        assertEquals(Duration.ofMillis(1500), CommandLine.parseDuration("1.5s"));
        assertEquals(Duration.ofSeconds(3), CommandLine.parseDuration("3"));
        assertEquals(Duration.ofMinutes(2), CommandLine.parseDuration("2m"));
        assertEquals(Duration.ofSeconds(3), CommandLine.parseDuration("PT3S"));
        assertNull(CommandLine.parseDuration("three seconds"));
        assertEquals(Duration.ofSeconds(90), CommandLine.parseDuration("1.5m"));
        assertEquals(Duration.ofSeconds(90), CommandLine.parseDuration("1.5min"));
        assertEquals(Duration.ofSeconds(60), CommandLine.parseDuration("PT1M"));
        assertEquals(Duration.ofSeconds(60), CommandLine.parseDuration("60S"));
        assertEquals(Duration.ofMillis(500), CommandLine.parseDuration("500MS"));
    }

    @Test
    void inlineAndSeparateValuesOfStringsAndNumbers() {
        CommandLine line = CommandLine.parse("produce", List.of("--call-id", "c1", "--rate=8000", "--fast", "a.wav",
                "b.wav", "--duration", "1.5m"), Set.of("call-id", "rate", "duration", "chunk-ms"), Set.of("fast"));
        assertEquals("c1", line.string("call-id", null));
        assertEquals("c1", line.required("call-id"));
        assertEquals(8000, line.integer("rate", 16000, 1));
        assertEquals(100, line.integer("chunk-ms", 100, 1));
        assertTrue(line.flag("fast"));
        assertEquals(List.of("a.wav", "b.wav"), line.positionals());
        assertEquals(Duration.ofSeconds(90), line.duration("duration", Duration.ZERO));
    }

    @Test
    void badArgumentsAreUsageErrorsNamingTheProblem() {
        UsageException unknown = assertThrows(UsageException.class,
                () -> CommandLine.parse("classify", List.of("--windw", "3s"), Set.of("window"), Set.of()));
        assertTrue(unknown.getMessage().contains("unknown option --windw (classify accepts --help, --window)"),
                unknown.getMessage());
        UsageException missing = assertThrows(UsageException.class,
                () -> CommandLine.parse("x", List.of("--window"), Set.of("window"), Set.of()));
        assertTrue(missing.getMessage().contains("option --window needs a value"), missing.getMessage());
        UsageException flagValue = assertThrows(UsageException.class,
                () -> CommandLine.parse("x", List.of("--fast=yes"), Set.of(), Set.of("fast")));
        assertTrue(flagValue.getMessage().contains("option --fast takes no value"), flagValue.getMessage());
        CommandLine noCallId = CommandLine.parse("produce", List.of("a.wav"), Set.of("call-id"), Set.of());
        assertTrue(assertThrows(UsageException.class, () -> noCallId.required("call-id")).getMessage()
                .contains("option --call-id is required"));
        assertThrows(UsageException.class,
                () -> CommandLine.parse("x", List.of("--window", "1s", "--window", "2s"), Set.of("window"), Set.of()));
        CommandLine line = CommandLine.parse("x", List.of("--window", "soon", "--threads", "0", "--rate", "fast"),
                Set.of("window", "threads", "rate"), Set.of());
        assertTrue(assertThrows(UsageException.class, () -> line.integer("rate", 16000, 1)).getMessage()
                .contains("option --rate must be a whole number, got 'fast'"));
        assertTrue(assertThrows(UsageException.class, () -> line.duration("window", null)).getMessage()
                .contains("positive duration"));
        assertTrue(assertThrows(UsageException.class, () -> line.integer("threads", 1, 1)).getMessage()
                .contains("at least 1, got 0"));
    }

    @Test
    void zeroDurationsOnlyWhereZeroSwitchesSomethingOff() {
        CommandLine line = CommandLine.parse("bench", List.of("--warmup", "0s", "--stagger", "-1s", "--duration", "0"),
                Set.of("warmup", "stagger", "duration"), Set.of());
        assertEquals(Duration.ZERO, line.durationOrZero("warmup", Duration.ofSeconds(20)));
        assertEquals(Duration.ofSeconds(20), CommandLine.parse("bench", List.of(), Set.of("warmup"), Set.of())
                .durationOrZero("warmup", Duration.ofSeconds(20)));
        assertTrue(assertThrows(UsageException.class, () -> line.durationOrZero("stagger", null)).getMessage()
                .contains("option --stagger must be a duration"));
        assertTrue(assertThrows(UsageException.class, () -> line.duration("duration", null)).getMessage()
                .contains("positive duration"));
    }

    @Test
    void mainListsCommandsAndRejectsUnknownOnes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(0, Main.run(new String[] {"--help"}, o, e));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.contains("classify") && help.contains("evaluate"), help);
        assertEquals(2, Main.run(new String[] {"frobnicate"}, o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown command 'frobnicate'"));
        out.reset();
        assertEquals(0, Main.run(new String[] {"evaluate", "--help"}, o, e));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: ./emostream evaluate"));
        assertEquals(2, Main.run(new String[] {"evaluate", "--labels"}, o, e));
    }
}
