package io.emostream.stream;

import static io.emostream.stream.TopologyHarness.START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.analysis.EmotionAnalyser;
import io.emostream.analysis.TestSignals;
import io.emostream.analysis.WindowResult;
import io.emostream.audio.SampleDecoder;
import io.emostream.audio.SampleEncoder;
import io.emostream.audio.SampleEncoding;
import io.emostream.avro.AudioChunk;
import io.emostream.avro.AudioEncoding;
import io.emostream.avro.CallEmotionStats;
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
 * The topology with the real analyser (speech gate, log-mel, ONNX test model from core/src/test/resources/model):
 * 8 kHz mu-law telephone audio in 20 ms chunks. Each event must equal what the analyser says about the same
 * decoded window when called directly, which proves that the topology hands the model the right samples.
 *
 * <p>And defined behaviour for odd but legal audio: denormal float32 samples are silence (every window {@code
 * no_speech}); full-scale clipping and a large DC offset are classified as they are (the front end removes
 * neither), with finite probabilities that sum to one; one-sample chunks assemble the same window, sample for
 * sample; a 10-MB chunk is dead-lettered as {@code OVERSIZE_CHUNK} and the call's next chunks carry on. NaN and
 * infinite samples are dead-lettered as {@code NON_FINITE_SAMPLE} ({@code HostileInputTest}).
 */
class EmotionTopologyWithModelTest {

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
    void speechThenSilenceOverMuLawChunks() {
        int rate = 8000;
        float[] signal =
                TopologyHarness.concat(TestSignals.speechLike(6.0, rate, 42), new float[3 * rate]);
        byte[] encoded = SampleEncoder.encode(new float[][] {signal}, SampleEncoding.MULAW);
        float[] decoded = SampleDecoder.decode(encoded, SampleEncoding.MULAW, 1)[0];
        int chunk = rate / 50;

        try (TopologyHarness h =
                new TopologyHarness(TopologySettings.defaults(), analyser, stateDir)) {
            for (int seq = 0; seq * chunk < signal.length; seq++) {
                h.send(
                        AudioChunk.newBuilder()
                                .setCallId("model-call")
                                .setSpeaker(SpeakerRole.CUSTOMER)
                                .setSequence(seq)
                                .setCaptureTimestamp(START.plusMillis(seq * 20L))
                                .setSampleRate(rate)
                                .setEncoding(AudioEncoding.MULAW)
                                .setAudio(
                                        ByteBuffer.wrap(
                                                Arrays.copyOfRange(
                                                        encoded, seq * chunk, (seq + 1) * chunk)))
                                .setEndOfStream((seq + 1) * chunk >= signal.length)
                                .build());
            }
            List<EmotionEvent> events = h.events.readValuesToList();
            assertEquals(3, events.size());
            for (int w = 0; w < 3; w++) {
                EmotionEvent event = events.get(w);
                WindowResult direct =
                        analyser.classify(
                                Arrays.copyOfRange(decoded, w * 3 * rate, (w + 1) * 3 * rate),
                                rate);
                assertEquals(direct.label(), event.getLabel(), "window " + w);
                assertEquals(direct.speech(), event.getSpeech());
                assertEquals(direct.probabilities(), event.getProbabilities());
                assertEquals(direct.speechRatio(), event.getSpeechRatio(), 0f);
                assertEquals(model.modelId(), event.getModelId());
                assertEquals(model.modelVersion(), event.getModelVersion());
            }
            assertTrue(events.get(0).getSpeech(), "speech-like audio passes the gate");
            assertTrue(events.get(1).getSpeech());
            assertTrue(model.labels().contains(events.get(0).getLabel()));
            assertFalse(events.get(2).getSpeech(), "silence does not");

            List<CallEmotionStats> stats = h.stats.readValuesToList();
            CallEmotionStats fin = stats.get(stats.size() - 1);
            assertTrue(fin.getFinal$());
            assertEquals(3, fin.getWindowsTotal());
            assertEquals(2, fin.getWindowsWithSpeech());
            assertTrue(model.labels().contains(fin.getDominantLabel()));
            assertEquals(
                    1.0,
                    fin.getMeanProbabilities().values().stream()
                            .mapToDouble(Float::doubleValue)
                            .sum(),
                    1e-4);
            assertEquals(START.plusSeconds(9), fin.getLastAudioTime());
            io.micrometer.core.instrument.Timer inference =
                    h.meters.find(StreamMetrics.INFERENCE).timer();
            assertEquals(3, inference.count());
            System.out.printf(
                    "EmotionTopologyWithModelTest: inference %.1f ms mean, %.1f ms max per 3 s window%n",
                    inference.mean(java.util.concurrent.TimeUnit.MILLISECONDS),
                    inference.max(java.util.concurrent.TimeUnit.MILLISECONDS));
        }
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
            for (int from = 0; from < speech.length; seq++) {
                int to = Math.min(speech.length, from < ones ? from + 1 : from + RATE / 10);
                h.send(
                        TopologyHarness.mono(
                                        "one-sample",
                                        SpeakerRole.CUSTOMER,
                                        seq,
                                        RATE,
                                        Arrays.copyOfRange(speech, from, to),
                                        from)
                                .setEndOfStream(to == speech.length)
                                .build());
                from = to;
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
