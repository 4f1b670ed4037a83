package io.emostream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.analysis.EmotionAnalyser;
import io.emostream.analysis.TestSignals;
import io.emostream.analysis.WindowResult;
import io.emostream.avro.AudioChunk;
import io.emostream.avro.EmotionEvent;
import io.emostream.avro.SpeakerRole;
import io.emostream.dsp.SpeechGate.SpeechGateConfig;
import io.emostream.model.EmotionModel;
import io.emostream.model.TestModels;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defined behaviour for odd but legal audio, through the topology with the real analyser and the test model:
 *
 * <ul>
 *   <li>denormal float32 samples are accepted and are silence: every window is {@code no_speech};
 *   <li>full-scale clipping and a large DC offset are accepted and classified as they are (the front end does not
 *       remove them), with finite probabilities that sum to one;
 *   <li>one-sample chunks are assembled into the same window, sample for sample, as one chunk would be;
 *   <li>a 10-MB chunk is dead-lettered as {@code OVERSIZE_CHUNK} and the call's next chunks carry on.
 * </ul>
 *
 * NaN and infinite samples are dead-lettered as {@code NON_FINITE_SAMPLE} ({@code HostileInputTest}).
 */
class OddAudioTest {

    private static final int RATE = 8000;
    private static EmotionModel model;
    private static EmotionAnalyser analyser;

    @TempDir Path stateDir;

    @BeforeAll
    static void load() {
        model = TestModels.loadValid();
        analyser = new EmotionAnalyser(model, SpeechGateConfig.defaults());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void denormalSamplesAreSilence() {
        float[] denormal = new float[6 * RATE];
        for (int i = 0; i < denormal.length; i++) {
            denormal[i] = (i % 2 == 0 ? 1 : -1) * Float.MIN_VALUE * (1 + i % 1000);
        }
        List<EmotionEvent> events = run("denormal", denormal, RATE / 10);
        assertEquals(2, events.size());
        for (EmotionEvent event : events) {
            assertFalse(event.getSpeech(), event.toString());
            assertEquals("no_speech", event.getLabel());
        }
    }

    @Test
    void clippedAndOffsetSpeechIsClassifiedAsItIs() {
        float[] speech = TestSignals.speechLike(6.0, RATE, 7);
        float[] clipped = new float[speech.length];
        float[] offset = new float[speech.length];
        float peak = 0;
        for (float s : speech) {
            peak = Math.max(peak, Math.abs(s));
        }
        for (int i = 0; i < speech.length; i++) {
            clipped[i] =
                    Math.max(
                            -1f, Math.min(1f, speech[i] * 20 / peak)); // most samples at full scale
            offset[i] = Math.max(-1f, Math.min(1f, 0.5f + speech[i] * 0.4f / peak));
        }
        for (float[] signal : List.of(clipped, offset)) {
            List<EmotionEvent> events =
                    run("odd-" + System.identityHashCode(signal), signal, RATE / 10);
            assertEquals(2, events.size());
            for (int w = 0; w < 2; w++) {
                EmotionEvent event = events.get(w);
                WindowResult direct =
                        analyser.classify(
                                Arrays.copyOfRange(signal, w * 3 * RATE, (w + 1) * 3 * RATE), RATE);
                assertEquals(direct.label(), event.getLabel(), "window " + w);
                if (event.getSpeech()) {
                    double sum = 0;
                    for (float p : event.getProbabilities().values()) {
                        assertTrue(Float.isFinite(p), event.toString());
                        sum += p;
                    }
                    assertEquals(1.0, sum, 1e-4);
                }
            }
        }
    }

    @Test
    void oneSampleChunksMakeTheSameWindowAsOneChunk() {
        // the first 0.1 s as 800 one-sample chunks, the rest in 100-ms chunks: one window, sample
        // for sample
        float[] speech = TestSignals.speechLike(3.0, RATE, 11);
        int ones = RATE / 10;
        try (TopologyHarness h =
                new TopologyHarness(TopologySettings.defaults(), analyser, stateDir)) {
            long seq = 0;
            for (int i = 0; i < ones; i++) {
                h.send(
                        TopologyHarness.mono(
                                        "one-sample",
                                        SpeakerRole.CUSTOMER,
                                        seq++,
                                        RATE,
                                        new float[] {speech[i]},
                                        i)
                                .build());
            }
            for (int from = ones; from < speech.length; from += RATE / 10) {
                int to = Math.min(speech.length, from + RATE / 10);
                h.send(
                        TopologyHarness.mono(
                                        "one-sample",
                                        SpeakerRole.CUSTOMER,
                                        seq++,
                                        RATE,
                                        Arrays.copyOfRange(speech, from, to),
                                        from)
                                .setEndOfStream(to == speech.length)
                                .build());
            }
            assertTrue(h.deadLetters.isEmpty());
            List<EmotionEvent> events = h.events.readValuesToList();
            assertEquals(1, events.size());
            WindowResult direct = analyser.classify(speech, RATE);
            assertEquals(direct.label(), events.get(0).getLabel());
            assertEquals(direct.probabilities(), events.get(0).getProbabilities());
        }
    }

    @Test
    void aTenMegabyteChunkIsDeadLetteredAndTheCallGoesOn() {
        float[] speech = TestSignals.speechLike(3.0, RATE, 13);
        try (TopologyHarness h =
                new TopologyHarness(TopologySettings.defaults(), analyser, stateDir)) {
            AudioChunk huge =
                    TopologyHarness.mono("big", SpeakerRole.CUSTOMER, 0, RATE, new float[8], 0)
                            .setAudio(ByteBuffer.wrap(new byte[10 * 1024 * 1024]))
                            .build();
            h.send(huge);
            List<TestRecord<byte[], byte[]>> dead = h.deadLetters.readRecordsToList();
            assertEquals(1, dead.size());
            assertEquals(
                    DeadLetterReason.OVERSIZE_CHUNK.name(),
                    new String(
                            dead.get(0).headers().lastHeader(DeadLetters.REASON_HEADER).value(),
                            StandardCharsets.UTF_8));
            for (AudioChunk chunk :
                    TopologyHarness.split(
                            "big", SpeakerRole.CUSTOMER, RATE, speech, RATE / 10, true)) {
                h.send(chunk);
            }
            List<EmotionEvent> events = h.events.readValuesToList();
            assertEquals(1, events.size(), "the call's window after the rejected chunk");
        }
    }

    private List<EmotionEvent> run(String callId, float[] signal, int chunkSamples) {
        try (TopologyHarness h =
                new TopologyHarness(TopologySettings.defaults(), analyser, stateDir)) {
            for (AudioChunk chunk :
                    TopologyHarness.split(
                            callId, SpeakerRole.CUSTOMER, RATE, signal, chunkSamples, true)) {
                h.send(chunk);
            }
            assertTrue(h.deadLetters.isEmpty(), "no dead letter for " + callId);
            return h.events.readValuesToList();
        }
    }
}
