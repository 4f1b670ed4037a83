package io.emostream.cli;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptionParserTest {

    @Test
    void parsesValuesFlagsAndFiles() {
        OptionParser options = new OptionParser(new String[] {"--call-id", "c1", "--rate=8000", "--fast", "a.wav",
                "b.wav", "--duration", "1.5m"}, Set.of("call-id", "rate", "duration"), Set.of("fast"));
        assertEquals("c1", options.string("call-id", null));
        assertEquals(8000, options.integer("rate", 16000));
        assertTrue(options.flag("fast"));
        assertEquals(List.of("a.wav", "b.wav"), options.positional());
        assertEquals(Duration.ofSeconds(90), options.duration("duration", Duration.ZERO));
        assertEquals(Duration.ofMillis(500), OptionParser.parseDuration("500ms", "x"));
        assertEquals(Duration.ofSeconds(60), OptionParser.parseDuration("PT1M", "x"));
    }

    @Test
    void errorsNameTheOption() {
        UsageException unknown = assertThrows(UsageException.class,
                () -> new OptionParser(new String[] {"--rat", "8000"}, Set.of("rate"), Set.of()));
        assertTrue(unknown.getMessage().contains("--rat"), unknown.getMessage());
        UsageException missing = assertThrows(UsageException.class,
                () -> new OptionParser(new String[] {"--rate"}, Set.of("rate"), Set.of()));
        assertTrue(missing.getMessage().contains("--rate needs a value"), missing.getMessage());
        OptionParser notNumber = new OptionParser(new String[] {"--rate", "fast"}, Set.of("rate"), Set.of());
        assertThrows(UsageException.class, () -> notNumber.integer("rate", 0));
        assertThrows(UsageException.class, () -> OptionParser.parseDuration("soon", "--duration"));
    }
}
