package io.emostream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.analysis.EmotionAnalyser;
import io.emostream.analysis.TestSignals;
import io.emostream.analysis.WindowClassifier;
import io.emostream.avro.AudioChunk;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.SpeakerRole;
import io.emostream.dsp.SpeechGate.SpeechGateConfig;
import io.emostream.model.EmotionModel;
import io.emostream.model.TestModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Talk, silence, over-talk and turns in {@code CallEmotionStats}, through the whole topology, on generated
 * speech-like audio of known timing ({@link TestSignals#speechLike}: 4-Hz syllables; a {@code d}-second stretch
 * sounds for {@code d - 0.125} s, its last syllable's pause being silent) with pauses of faint noise. Talk and
 * over-talk must lie within {@link #TOLERANCE} of the known values; turns are exact.
 */
class ConversationMetricsTest {

    static final long TOLERANCE_MS = 100;
    static final Duration TOLERANCE = Duration.ofMillis(TOLERANCE_MS);
    static final int RATE = 8000;

    @TempDir Path stateDir;

    private TopologyHarness harness;

    @AfterEach
    void close() {
        if (harness != null) {
            harness.close();
        }
    }

    /** The last statistics record of each speaker, by speaker. */
    static Map<SpeakerRole, CallEmotionStats> last(List<CallEmotionStats> records) {
        Map<SpeakerRole, CallEmotionStats> last = new TreeMap<>();
        records.forEach(r -> last.put(r.getSpeaker(), r));
        return last;
    }

    private void start(TopologySettings settings) {
        start(settings, new LoudnessTestClassifier());
    }

    private void start(TopologySettings settings, WindowClassifier classifier) {
        harness = new TopologyHarness(settings, classifier, stateDir);
    }

    static void assertNear(long expectedMs, long actualMs, String what) {
        assertTrue(
                Math.abs(actualMs - expectedMs) <= TOLERANCE_MS,
                what + ": " + actualMs + " ms, expected " + expectedMs + " ± " + TOLERANCE_MS);
    }

    @Test
    void stereoCallScriptGivesTalkOverTalkAndTurnsPerSpeaker() {
        // a classifier without a speech gate: the conversation's detector runs the gate itself
        start(TopologySettings.defaults());
        stereoCallScript();
    }

    @Test
    void theAnalysersGateDecisionGivesTheSameConversationMetrics() {
        // the real analyser: its gate decision (with frames) is reused, the gate runs once per
        // window
        try (EmotionModel model = TestModels.loadValid()) {
            start(
                    TopologySettings.defaults(),
                    new EmotionAnalyser(model, SpeechGateConfig.defaults()));
            stereoCallScript();
        }
    }

    private void stereoCallScript() {
        // 9 s, three 3-s windows. Customer: talks 0-2 s and 4.5-6 s; agent: 1.5-4 s and 6.5-8.5 s.
        // Sounding: customer 0-1.875 and 4.5-5.875 s, agent 1.5-3.875 and 6.5-8.375 s: 0.375 s at
        // once.
        // Floor: customer (0), agent (1.875 s), customer (4.5 s), agent (6.5 s)
        float[] customer = TestSignals.talkScript(RATE, 1, 2.0, -2.5, 1.5, -3.0);
        float[] agent = TestSignals.talkScript(RATE, 5, -1.5, 2.5, -2.5, 2.0, -0.5);
        assertEquals(9 * RATE, customer.length);
        assertEquals(9 * RATE, agent.length);
        int chunk = RATE / 10;
        for (int seq = 0; seq * chunk < customer.length; seq++) {
            int from = seq * chunk;
            AudioChunk stereo =
                    EmotionTopologyTest.stereo(
                            "stereo-call",
                            seq,
                            RATE,
                            new float[][] {
                                Arrays.copyOfRange(customer, from, from + chunk),
                                Arrays.copyOfRange(agent, from, from + chunk)
                            },
                            List.of(SpeakerRole.CUSTOMER, SpeakerRole.AGENT));
            stereo.setEndOfStream(from + chunk >= customer.length);
            harness.send(stereo);
        }
        List<CallEmotionStats> records = harness.stats.readValuesToList();
        // after each window both speakers' records carry the same over-talk: both channels of a
        // chunk count
        for (int i = 0; i + 1 < records.size(); i += 2) {
            assertEquals(records.get(i).getOverTalkMs(), records.get(i + 1).getOverTalkMs());
        }
        Map<SpeakerRole, CallEmotionStats> last = last(records);
        CallEmotionStats c = last.get(SpeakerRole.CUSTOMER);
        CallEmotionStats a = last.get(SpeakerRole.AGENT);
        assertTrue(c.getFinal$() && a.getFinal$());
        assertNear(3250, c.getTalkMs(), "customer talk");
        assertNear(4250, a.getTalkMs(), "agent talk");
        assertEquals(9000, c.getTalkMs() + c.getSilenceMs(), "customer audio");
        assertEquals(9000, a.getTalkMs() + a.getSilenceMs(), "agent audio");
        assertNear(375, c.getOverTalkMs(), "over-talk");
        assertEquals(c.getOverTalkMs(), a.getOverTalkMs());
        assertEquals(2, c.getTurns());
        assertEquals(2, a.getTurns());
        // the stored latest statistics are the final ones, and the conversation entry is gone
        assertEquals(
                c,
                new CallStatsQuery(harness.callStatsStore())
                        .stats("stereo-call", SpeakerRole.CUSTOMER)
                        .orElseThrow());
        assertEquals(List.of(), TopologyHarness.entries(conversationStore()));
    }

    @Test
    void twoMonoStreamsOfOneCallAreAlignedOnCaptureTimeWithOverlappingWindows() {
        // window 3 s, hop 1 s: each window after the first brings 1 s of new audio, counted once
        start(
                TopologySettings.defaults().toBuilder()
                        .window(Duration.ofSeconds(3), Duration.ofSeconds(1))
                        .build());
        // agent (from call time 0): talks 0-2 s, 6 s in all; customer (its capture starts 0.5 s
        // later): pause 1 s,
        // talk 2 s (call time 1.5-3.5 s), pause 2.5 s. Sounding: agent 0-1.875 s, customer
        // 1.5-3.375 s: 0.375 s at
        // once; floor: agent (0), customer (1.875 s)
        float[] agent = TestSignals.talkScript(RATE, 21, 2.0, -4.0);
        float[] customer = TestSignals.talkScript(RATE, 23, -1.0, 2.0, -2.5);
        int chunk = RATE / 10;
        List<AudioChunk> agentChunks =
                TopologyHarness.split("mono-call", SpeakerRole.AGENT, RATE, agent, chunk, true);
        List<AudioChunk> customerChunks =
                TopologyHarness.split(
                        "mono-call", SpeakerRole.CUSTOMER, RATE, customer, chunk, true);
        customerChunks.forEach(c -> c.setCaptureTimestamp(c.getCaptureTimestamp().plusMillis(500)));
        // the customer's chunks arrive 1 s (10 chunks) after the agent's of the same call time
        List<AudioChunk> order = new ArrayList<>();
        for (int i = 0; i < agentChunks.size() + 15; i++) {
            if (i < agentChunks.size()) {
                order.add(agentChunks.get(i));
            }
            int j = i - 15;
            if (j >= 0 && j < customerChunks.size()) {
                order.add(customerChunks.get(j));
            }
        }
        order.forEach(harness::send);
        Map<SpeakerRole, CallEmotionStats> last = last(harness.stats.readValuesToList());
        CallEmotionStats a = last.get(SpeakerRole.AGENT);
        CallEmotionStats c = last.get(SpeakerRole.CUSTOMER);
        assertTrue(a.getFinal$() && c.getFinal$());
        assertNear(1875, a.getTalkMs(), "agent talk");
        assertNear(1875, c.getTalkMs(), "customer talk");
        // windows cover the agent's 6 s, and the customer's first 5 s (the last 0.5 s is shorter
        // than
        // minLastWindow): each stretch once although the windows overlap
        assertEquals(6000, a.getTalkMs() + a.getSilenceMs(), "agent audio");
        assertEquals(5000, c.getTalkMs() + c.getSilenceMs(), "customer audio");
        // the customer ended last: its final record has the call's over-talk and turns
        assertNear(375, c.getOverTalkMs(), "over-talk");
        assertEquals(1, c.getTurns());
        assertEquals(1, a.getTurns());
        assertEquals(List.of(), TopologyHarness.entries(conversationStore()));
    }

    @Test
    void aLoneStreamHasTalkAndOneTurnAndNoOverTalk() {
        start(TopologySettings.defaults());
        float[] agent = TestSignals.talkScript(RATE, 31, 1.5, -1.0, 1.0, -2.5);
        TopologyHarness.split("lone-call", SpeakerRole.AGENT, RATE, agent, RATE / 10, false)
                .forEach(harness::send);
        List<CallEmotionStats> running = harness.stats.readValuesToList();
        CallEmotionStats second = running.get(running.size() - 1);
        assertEquals(6000, second.getTalkMs() + second.getSilenceMs());
        assertNear(2250, second.getTalkMs(), "talk");
        // the customer may still come: over-talk and turns wait for it, up to the 10-s lag
        assertEquals(0, second.getTurns());
        assertEquals(1, TopologyHarness.entries(conversationStore()).size());
        harness.advance(Duration.ofSeconds(31)); // inactivity ends the stream
        CallEmotionStats last = last(harness.stats.readValuesToList()).get(SpeakerRole.AGENT);
        assertTrue(last.getFinal$());
        assertEquals(1, last.getTurns());
        assertEquals(0, last.getOverTalkMs());
        assertNear(2250, last.getTalkMs(), "talk");
        assertEquals(List.of(), TopologyHarness.entries(conversationStore()));
    }

    private org.apache.kafka.streams.state.KeyValueStore<String, byte[]> conversationStore() {
        return harness.driver.getKeyValueStore(TopologySettings.CONVERSATION_STORE);
    }
}
