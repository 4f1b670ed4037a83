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
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology with the real analyser (speech gate, log-mel, ONNX test model from core/src/test/resources/model):
 * 8 kHz mu-law telephone audio in 20 ms chunks. Each event must equal what the analyser says about the same
 * decoded window when called directly, which proves that the topology hands the model the right samples.
 */
class EmotionTopologyWithModelTest {

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
}
