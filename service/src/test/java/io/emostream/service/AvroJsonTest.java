package io.emostream.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.SpeakerRole;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

class AvroJsonTest {

    @Test
    void statsBecomePlainJsonWithArraysEnumsAndTheFinalFlag() throws Exception {
        CallEmotionStats stats =
                CallEmotionStats.newBuilder()
                        .setCallId("c1")
                        .setSpeaker(SpeakerRole.AGENT)
                        .setFinal$(true)
                        .setWindowsTotal(3)
                        .setWindowsWithSpeech(2)
                        .setLabelCounts(Map.of("angry", 2L))
                        .setLabelSpeechShare(Map.of("angry", 1f))
                        .setMeanProbabilities(Map.of("angry", 0.8f))
                        .setRecentLabels(
                                new GenericData.Array<>(
                                        Schema.createArray(Schema.create(Schema.Type.STRING)),
                                        List.of("no_speech", "angry", "angry")))
                        .setUpdatedAt(Instant.parse("2026-01-01T00:00:00Z"))
                        .build();

        Map<String, Object> map = AvroJson.toMap(stats);
        assertEquals("AGENT", map.get("speaker"));
        assertEquals(true, map.get("final"));
        assertEquals(List.of("no_speech", "angry", "angry"), map.get("recentLabels"));

        String json =
                new ObjectMapper().registerModule(new JavaTimeModule()).writeValueAsString(map);
        assertTrue(json.contains("\"recentLabels\":[\"no_speech\",\"angry\",\"angry\"]"), json);
        assertTrue(
                json.startsWith("{\"callId\":\"c1\",\"speaker\":\"AGENT\",\"final\":true"), json);
    }
}
