package io.emostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What {@code ./emostream} does with help and bad arguments, whichever command. */
class MainTest {

    private static final String[] COMMANDS = {"classify", "evaluate", "produce", "demo", "bench"};

    @Test
    void overviewListsEveryCommandAndABareCallIsAUsageError() {
        CliRun help = CliRun.of("--help");
        assertEquals(0, help.exitCode());
        for (String command : COMMANDS) {
            assertTrue(help.out().contains("  " + command + " "), help.out());
        }
        assertTrue(help.out().startsWith("Usage: ./emostream [-h] COMMAND"), help.out());
        assertTrue(
                !help.out().contains("  help "), "the help command is not listed: " + help.out());
        CliRun bare = CliRun.of();
        assertEquals(2, bare.exitCode());
        assertEquals(help.out(), bare.out());
    }

    @Test
    void everyCommandHasHelpAllThreeWays() {
        for (String command : COMMANDS) {
            CliRun help = CliRun.of(command, "--help");
            assertEquals(0, help.exitCode(), command);
            assertTrue(help.out().startsWith("Usage: ./emostream " + command + " "), help.out());
            assertTrue(help.out().contains("-h, --help"), help.out());
            assertEquals(help.out(), CliRun.of("help", command).out(), command);
            assertEquals(help.out(), CliRun.of("--help", command).out(), command);
            assertEquals(help.out(), CliRun.of(command, "-h").out(), command);
        }
    }

    @Test
    void defaultsAreShownInTheHelp() {
        // whitespace folded: picocli wraps the descriptions to the widest option's column
        String classify = CliRun.of("classify", "--help").out().replaceAll("\\s+", " ");
        assertTrue(classify.contains("window length, e.g. 3s, 1500ms (default 3s)"), classify);
        String bench = CliRun.of("bench", "--help").out().replaceAll("\\s+", " ");
        assertTrue(bench.contains("(default 20s; 0s: measure a cold JVM)"), bench);
    }

    @Test
    void unknownCommandsAndOptionsAreNamed() {
        CliRun command = CliRun.of("frobnicate");
        assertEquals(2, command.exitCode());
        assertTrue(
                command.err()
                        .contains(
                                "emostream: unknown command 'frobnicate'; commands: classify, evaluate, "
                                        + "produce, demo, bench"),
                command.err());
        CliRun option = CliRun.of("classify", "x.wav", "--windw", "3s");
        assertEquals(2, option.exitCode());
        assertTrue(
                option.err().contains("emostream classify: Unknown option: '--windw'"),
                option.err());
        assertTrue(option.err().contains("--window"), "suggests the option meant: " + option.err());
        assertTrue(option.err().contains("see ./emostream classify --help"), option.err());
    }

    @Test
    void badValuesAreUsageErrorsNamingTheOption() {
        CliRun missing = CliRun.of("evaluate", "--labels");
        assertEquals(2, missing.exitCode());
        assertTrue(
                missing.err().contains("Missing required parameter for option '--labels'"),
                missing.err());
        CliRun twice = CliRun.of("classify", "x.wav", "--window", "1s", "--window", "2s");
        assertEquals(2, twice.exitCode());
        assertTrue(
                twice.err().contains("option '--window' (DUR) should be specified only once"),
                twice.err());
        CliRun flag = CliRun.of("produce", "--call-id", "c1", "--fast=yes", "a.wav");
        assertEquals(2, flag.exitCode());
        assertTrue(flag.err().contains("Invalid value for option '--fast'"), flag.err());
        CliRun rate = CliRun.of("produce", "--call-id", "c1", "--rate", "fast", "a.wav");
        assertEquals(2, rate.exitCode());
        assertTrue(
                rate.err()
                        .contains(
                                "Invalid value for option '--rate': must be a whole number, got 'fast'"),
                rate.err());
        CliRun encoding = CliRun.of("produce", "--call-id", "c1", "--encoding", "gsm", "a.wav");
        assertEquals(2, encoding.exitCode());
        assertTrue(
                encoding.err().contains("must be pcm16, float32, mulaw or alaw, got 'gsm'"),
                encoding.err());
        CliRun speaker = CliRun.of("produce", "--call-id", "c1", "--speaker", "boss", "a.wav");
        assertEquals(2, speaker.exitCode());
        assertTrue(speaker.err().contains("Invalid value for option '--speaker'"), speaker.err());
        CliRun callId = CliRun.of("produce", "a.wav");
        assertEquals(2, callId.exitCode());
        assertTrue(callId.err().contains("Missing required option: '--call-id=ID'"), callId.err());
        CliRun stagger = CliRun.of("bench", "--stagger", "-1s");
        assertEquals(2, stagger.exitCode());
        assertTrue(
                stagger.err().contains("Invalid value for option '--stagger': must be a duration"),
                stagger.err());
    }
}
