package io.emostream.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.emostream.conversation.ConversationRules;
import io.emostream.stream.AlertSettings;
import io.emostream.stream.TopologySettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tools read the service's names as the service does: defaults, file, environment, system properties. */
class ServiceConfigurationTest {

    private static EmostreamConfig.Topics topics(
            Map<String, String> overrides, Map<String, String> env) {
        return ServiceConfiguration.read(overrides, env)
                .getConfigMapping(EmostreamConfig.class)
                .topics();
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertEquals(
                List.of(
                        TopologySettings.DEFAULT_AUDIO_TOPIC,
                        TopologySettings.DEFAULT_EVENTS_TOPIC,
                        TopologySettings.DEFAULT_STATS_TOPIC,
                        AlertSettings.DEFAULT_TOPIC,
                        TopologySettings.DEFAULT_DLQ_TOPIC),
                topics(Map.of(), Map.of()).all());
        assertEquals(
                ServiceWiring.topologySettings(
                        ServiceConfiguration.read(Map.of(), Map.of())
                                .getConfigMapping(EmostreamConfig.class)),
                TopologySettings.defaults());
    }

    @Test
    void environmentVariablesUseQuarkusNames() {
        EmostreamConfig.Topics topics =
                topics(
                        Map.of(),
                        Map.of(
                                "EMOSTREAM_TOPICS_AUDIO",
                                "pbx-audio",
                                "EMOSTREAM_TOPICS_DLQ",
                                "pbx-dlq"));
        assertEquals("pbx-audio", topics.audio());
        assertEquals("pbx-dlq", topics.dlq());
        assertEquals(TopologySettings.DEFAULT_EVENTS_TOPIC, topics.events());
    }

    @Test
    void conversationRulesReachTheTopology() {
        TopologySettings settings =
                ServiceWiring.topologySettings(
                        ServiceConfiguration.read(
                                        Map.of("emostream.conversation.max-lag", "30s"),
                                        Map.of("EMOSTREAM_CONVERSATION_HANGOVER", "500ms"))
                                .getConfigMapping(EmostreamConfig.class));
        assertEquals(
                new ConversationRules(Duration.ofMillis(500), Duration.ofSeconds(30)),
                settings.conversationRules());
    }

    @Test
    void overridesComeFirst() {
        EmostreamConfig.Topics topics =
                topics(
                        Map.of("emostream.topics.audio", "chosen"),
                        Map.of("EMOSTREAM_TOPICS_AUDIO", "env"));
        assertEquals("chosen", topics.audio());
    }
}
