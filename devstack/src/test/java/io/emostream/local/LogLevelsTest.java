package io.emostream.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogLevelsTest {

    private final Logger root = Logger.getLogger("");
    private Level saved;

    @BeforeEach
    void save() {
        saved = root.getLevel();
    }

    @AfterEach
    void restore() {
        root.setLevel(saved);
        System.clearProperty(LogLevels.ROOT_LEVEL_PROPERTY);
    }

    @Test
    void unconfiguredRootAtAllBecomesInfo() {
        root.setLevel(Level.ALL);
        LogLevels.applyDefaults();
        assertEquals(Level.INFO, root.getLevel());
        assertEquals(
                false,
                Logger.getLogger("org.apache.kafka.clients.producer.KafkaProducer")
                        .isLoggable(Level.FINEST),
                "TRACE checks in Kafka's clients must answer false");
    }

    @Test
    void aLevelSetByAConfigurationIsKept() {
        root.setLevel(Level.WARNING);
        LogLevels.applyDefaults();
        assertEquals(Level.WARNING, root.getLevel());
    }

    @Test
    void thePropertyOverridesTheDefault() {
        root.setLevel(Level.ALL);
        System.setProperty(LogLevels.ROOT_LEVEL_PROPERTY, "fine");
        LogLevels.applyDefaults();
        assertEquals(Level.FINE, root.getLevel());
    }
}
