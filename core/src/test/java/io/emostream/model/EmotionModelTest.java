package io.emostream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmotionModelTest {

    private static final int BANDS = 80;
    private static final int FRAMES = 188;
    private static EmotionModel model;

    @BeforeAll
    static void load() {
        model = TestModels.loadValid();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** The input formula of tools/make_test_models.py (reference_input), evaluated in double then cast. */
    static float[] referenceInput(int item) {
        float[] x = new float[BANDS * FRAMES];
        for (int b = 0; b < BANDS; b++) {
            for (int t = 0; t < FRAMES; t++) {
                double v =
                        Math.sin(0.013 * b * t + 0.7 * item + 0.1 * b) * (1.0 + 0.02 * b)
                                + 0.3 * Math.cos(1.3 * item + b);
                x[b * FRAMES + t] = (float) v;
            }
        }
        return x;
    }

    @Test
    void predictMatchesNumpyReferenceOfTheScript() throws Exception {
        JsonNode reference =
                new ObjectMapper()
                        .readTree(Files.readString(TestModels.path("predict-reference.json")));
        int batch = reference.get("batch").asInt();
        float[][] inputs = new float[batch][];
        for (int i = 0; i < batch; i++) {
            inputs[i] = referenceInput(i);
        }
        float[][] probabilities = model.predict(inputs);
        assertEquals(batch, probabilities.length);
        for (int i = 0; i < batch; i++) {
            JsonNode expected = reference.get("probabilities").get(i);
            assertEquals(4, probabilities[i].length);
            for (int k = 0; k < 4; k++) {
                assertEquals(
                        expected.get(k).doubleValue(),
                        probabilities[i][k],
                        2e-6,
                        "item " + i + " class " + k);
            }
        }
    }

    @Test
    void constantInputGivesSoftmaxOfBandSumsPlusBias() {
        // With every normalised value equal to c, each class logit is c * sum(W[:,k]) + b[k]. For c
        // = 0 only the
        // biases (0.05, -0.05, 0.1, -0.1) remain: an analytic expectation independent of the
        // fixture file.
        float[][] probabilities = model.predict(new float[][] {new float[BANDS * FRAMES]});
        double[] bias = {0.05, -0.05, 0.1, -0.1};
        double sum = 0;
        for (double b : bias) {
            sum += Math.exp(b);
        }
        for (int k = 0; k < 4; k++) {
            assertEquals(Math.exp(bias[k]) / sum, probabilities[0][k], 1e-6);
        }
    }

    @Test
    void batchEqualsSingles() {
        float[][] inputs = {
            referenceInput(0), referenceInput(1), referenceInput(2), referenceInput(5)
        };
        float[][] batch = model.predict(inputs);
        for (int i = 0; i < inputs.length; i++) {
            float[] single = model.predict(new float[][] {inputs[i]})[0];
            assertArrayEquals(single, batch[i], 1e-6f);
        }
        assertEquals(0, model.predict(new float[0][]).length);
    }

    @Test
    void concurrentCallersGetTheSameAnswers() throws Exception {
        float[] expected = model.predict(new float[][] {referenceInput(3)})[0];
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                futures.add(pool.submit(() -> model.predict(new float[][] {referenceInput(3)})[0]));
            }
            for (Future<float[]> future : futures) {
                assertArrayEquals(expected, future.get(), 0f);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void wrongRowLengthIsRejected() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                model.predict(
                                        new float[][] {new float[BANDS * FRAMES], new float[10]}));
        assertTrue(
                e.getMessage()
                        .contains("item 1 has 10 values, expected 80 bands x 188 frames = 15040"),
                e.getMessage());
    }

    @Test
    void calibratedModelGivesSoftmaxOfLogitsOverTemperature() throws Exception {
        try (EmotionModel calibrated =
                EmotionModel.load(
                        TestModels.path(TestModels.CALIBRATED), ModelOptions.defaults())) {
            double t = calibrated.temperature();
            assertEquals(2.0, t, 0);
            // zero input: the logits are the biases, so the calibrated output is softmax(bias / T),
            // computed here
            float[] zero = calibrated.predict(new float[][] {new float[BANDS * FRAMES]})[0];
            double[] bias = {0.05, -0.05, 0.1, -0.1};
            double sum = 0;
            for (double b : bias) {
                sum += Math.exp(b / t);
            }
            for (int k = 0; k < 4; k++) {
                assertEquals(Math.exp(bias[k] / t) / sum, zero[k], 1e-6, "class " + k);
            }
            // the numpy reference rows, tempered directly: p^(1/T) / sum p^(1/T); the argmax is
            // unchanged
            JsonNode reference =
                    new ObjectMapper()
                            .readTree(Files.readString(TestModels.path("predict-reference.json")));
            float[][] inputs = {referenceInput(0), referenceInput(1), referenceInput(2)};
            float[][] rows = calibrated.predict(inputs);
            float[][] plain = model.predict(inputs);
            for (int i = 0; i < 3; i++) {
                JsonNode p = reference.get("probabilities").get(i);
                double norm = 0;
                for (int k = 0; k < 4; k++) {
                    norm += Math.pow(p.get(k).doubleValue(), 1 / t);
                }
                for (int k = 0; k < 4; k++) {
                    assertEquals(
                            Math.pow(p.get(k).doubleValue(), 1 / t) / norm,
                            rows[i][k],
                            3e-6,
                            "item " + i);
                }
                assertEquals(TestModels.argmax(plain[i]), TestModels.argmax(rows[i]));
                assertTrue(max(rows[i]) < max(plain[i]), "T > 1 lowers the confidence");
            }
        }
    }

    private static float max(float[] p) {
        return p[TestModels.argmax(p)];
    }
}
