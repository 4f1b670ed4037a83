package io.emostream.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.dsp.SpeechGate.SpeechGateConfig;
import io.emostream.model.Circumplex;
import io.emostream.model.EmotionModel;
import io.emostream.model.TestModels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmotionAnalyserTest {

    private static final List<String> LABELS = List.of("angry", "happy", "neutral", "sad");
    private static EmotionModel model;
    private static EmotionAnalyser analyser;

    @BeforeAll
    static void load() {
        model = TestModels.loadValid();
        analyser = new EmotionAnalyser(model, SpeechGateConfig.defaults());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static float[] probabilities(WindowResult result) {
        float[] p = new float[LABELS.size()];
        for (int k = 0; k < p.length; k++) {
            p[k] = result.probabilities().get(LABELS.get(k));
        }
        return p;
    }

    private static void assertWellFormedSpeechResult(WindowResult result) {
        assertTrue(result.speech(), "expected speech, got " + result);
        assertTrue(LABELS.contains(result.label()), result.label());
        assertEquals(
                LABELS,
                new ArrayList<>(result.probabilities().keySet()),
                "probabilities in label order");
        double sum = 0;
        float max = 0;
        for (float p : result.probabilities().values()) {
            assertTrue(p >= 0f && p <= 1f);
            sum += p;
            max = Math.max(max, p);
        }
        assertEquals(1.0, sum, 1e-5);
        assertEquals(max, result.confidence(), 0f);
        assertEquals(max, result.probabilities().get(result.label()), 0f);
        Circumplex.Point point = model.circumplex().locate(probabilities(result));
        assertEquals(point.valence(), result.valence(), 0f);
        assertEquals(point.arousal(), result.arousal(), 0f);
        assertTrue(result.speechRatio() > 0f && result.speechRatio() <= 1f);
    }

    @Test
    void silenceIsNoSpeech() {
        WindowResult result = analyser.classify(new float[48000], 16000);
        assertFalse(result.speech());
        assertEquals(WindowResult.NO_SPEECH, result.label());
        assertEquals(Map.of(), result.probabilities());
        assertNull(result.valence());
        assertEquals(0f, result.speechRatio(), 0f);
    }

    @Test
    void speechLikeSignalGetsALabelWithProbabilitiesSummingToOne() {
        WindowResult result = analyser.classify(TestSignals.speechLike(3.0, 16000, 1), 16000);
        assertWellFormedSpeechResult(result);
    }

    @Test
    void telephoneAndStudioRatesWork() {
        WindowResult at16k = analyser.classify(TestSignals.speechLike(3.0, 16000, 2), 16000);
        WindowResult at8k = analyser.classify(TestSignals.speechLike(3.0, 8000, 2), 8000);
        WindowResult at48k = analyser.classify(TestSignals.speechLike(3.0, 48000, 2), 48000);
        assertWellFormedSpeechResult(at8k);
        assertWellFormedSpeechResult(at48k);
        // The same band-limited signal at 48 kHz resamples to nearly the 16 kHz version.
        assertArrayEquals(probabilities(at16k), probabilities(at48k), 0.02f);
    }

    @Test
    void shortClipIsZeroPaddedAtTheEnd() {
        float[] oneSecond = TestSignals.speechLike(1.0, 16000, 3);
        float[] padded = Arrays.copyOf(oneSecond, 48000);
        WindowResult shortResult = analyser.bypassingGate().classify(oneSecond, 16000);
        WindowResult paddedResult = analyser.bypassingGate().classify(padded, 16000);
        assertArrayEquals(probabilities(paddedResult), probabilities(shortResult), 0f);
        // the gate judges only the second of real audio, not the padding
        assertTrue(
                shortResult.speechRatio() > paddedResult.speechRatio(),
                shortResult.speechRatio() + " vs " + paddedResult.speechRatio());
    }

    @Test
    void aPaddedWindowWithItsValidLengthIsGatedOnItsAudioOnly() {
        float[] oneSecond = TestSignals.speechLike(1.0, 8000, 3);
        float[] padded = Arrays.copyOf(oneSecond, 24000); // a trailing window at 8 kHz
        WindowAnalysis gated = analyser.bypassingGate().analyse(padded, 8000, oneSecond.length);
        WindowAnalysis short1 =
                analyser.bypassingGate().analyseBatch(List.of(oneSecond), 8000).get(0);
        // the model sees nearly the same window (resampling the short clip and the padded one
        // differs
        // by the filter's tail at the end of the audio); the gate judges the valid second, as for
        // the
        // short clip
        assertArrayEquals(probabilities(short1.result()), probabilities(gated.result()), 0.01f);
        assertEquals(short1.gate().frames().length, gated.gate().frames().length);
        assertEquals(short1.gate().speechRatio(), gated.gate().speechRatio(), 0.02f);
        // the whole window as valid counts the padding as silence
        WindowAnalysis whole = analyser.bypassingGate().analyse(padded, 8000, padded.length);
        assertTrue(whole.gate().frames().length > gated.gate().frames().length);
        assertTrue(whole.gate().speechRatio() < gated.gate().speechRatio());
    }

    @Test
    void longClipIsCentreCropped() {
        float[] fiveSeconds = TestSignals.speechLike(5.0, 16000, 4);
        float[] centre = Arrays.copyOfRange(fiveSeconds, 16000, 64000);
        assertArrayEquals(
                probabilities(analyser.classify(centre, 16000)),
                probabilities(analyser.classify(fiveSeconds, 16000)),
                0f);
        assertArrayEquals(centre, EmotionAnalyser.fitToWindow(fiveSeconds, 48000), 0f);
    }

    @Test
    void chordsLandOnTheLabelTheTestModelWasBuiltFor() {
        // End-to-end check of log-mel + normalisation + model against tools/make_test_models.py,
        // which asserts
        // the same labels with the Python front end.
        EmotionAnalyser ungated = analyser.bypassingGate();
        for (int k = 0; k < LABELS.size(); k++) {
            WindowResult result = ungated.classify(TestSignals.chordOf(k, 3.0, 16000), 16000);
            assertEquals(
                    LABELS.get(k), result.label(), "chord of " + LABELS.get(k) + ": " + result);
        }
    }

    @Test
    void batchEqualsSinglesAndKeepsOrder() {
        List<float[]> windows =
                List.of(
                        TestSignals.speechLike(3.0, 16000, 5),
                        new float[48000],
                        TestSignals.speechLike(2.0, 16000, 6),
                        TestSignals.speechLike(3.5, 16000, 7));
        List<WindowResult> batch = analyser.classifyBatch(windows, 16000);
        assertEquals(windows.size(), batch.size());
        for (int i = 0; i < windows.size(); i++) {
            WindowResult single = analyser.classify(windows.get(i), 16000);
            assertEquals(single.label(), batch.get(i).label());
            assertEquals(single.speechRatio(), batch.get(i).speechRatio(), 0f);
            if (single.speech()) {
                assertArrayEquals(probabilities(single), probabilities(batch.get(i)), 1e-6f);
            }
        }
        assertEquals(WindowResult.NO_SPEECH, batch.get(1).label());
    }

    @Test
    void bypassingTheGateClassifiesSilenceButReportsTheGatesVerdict() {
        List<WindowAnalysis> analyses =
                analyser.bypassingGate().analyseBatch(List.of(new float[48000]), 16000);
        WindowAnalysis silence = analyses.get(0);
        assertFalse(silence.gate().speech());
        assertWellFormedModelResult(silence.result());
        // all bands at the log floor: tools/make_test_models.py's reference gives neutral for this
        // input
        assertEquals("neutral", silence.result().label());
    }

    private static void assertWellFormedModelResult(WindowResult result) {
        assertTrue(result.speech());
        assertEquals(LABELS, new ArrayList<>(result.probabilities().keySet()));
        assertEquals(
                1.0,
                result.probabilities().values().stream().mapToDouble(Float::doubleValue).sum(),
                1e-5);
    }

    @Test
    void concurrentClassificationMatchesSequential() throws Exception {
        float[] window = TestSignals.speechLike(3.0, 8000, 8);
        float[] expected = probabilities(analyser.classify(window, 8000));
        java.util.concurrent.ExecutorService pool =
                java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<WindowResult>> futures = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                futures.add(pool.submit(() -> analyser.classify(window, 8000)));
            }
            for (var future : futures) {
                assertArrayEquals(expected, probabilities(future.get()), 0f);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void exposesTheModelsIdentity() {
        assertEquals(LABELS, analyser.labels());
        assertEquals("emostream-test-bandpool", analyser.modelId());
        assertEquals("1", analyser.modelVersion());
    }
}
