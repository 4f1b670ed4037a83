package io.emostream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CalibrationTest {

    private static final float[] P = {0.61f, 0.24f, 0.1f, 0.05f};

    @Test
    void temperingMatchesTheDirectFormulaAndSoftmaxOfScaledLogits() {
        for (double t : new double[] {0.5, 0.8, 1.7, 3.0}) {
            float[] q = new Calibration(t, null).apply(P);
            double norm = 0;
            for (float p : P) {
                norm += Math.pow(p, 1 / t);
            }
            // logits log(p) (any constant shift is the same softmax): softmax(log(p) / t)
            double softmaxNorm = 0;
            for (float p : P) {
                softmaxNorm += Math.exp(Math.log(p) / t);
            }
            double sum = 0;
            for (int i = 0; i < P.length; i++) {
                assertEquals(Math.pow(P[i], 1 / t) / norm, q[i], 1e-7, "T " + t + " class " + i);
                assertEquals(Math.exp(Math.log(P[i]) / t) / softmaxNorm, q[i], 1e-7);
                sum += q[i];
            }
            assertEquals(1.0, sum, 1e-6);
            assertEquals(0, TestModels.argmax(q), "the argmax never changes");
            assertEquals(t > 1, q[0] < P[0], "T > 1 softens, T < 1 sharpens");
        }
        // a hand value: T = 2, p = (0.64, 0.36) -> (0.8, 0.6) / 1.4
        float[] two = Calibration.temper(new float[] {0.64f, 0.36f}, 2.0);
        assertEquals(0.8 / 1.4, two[0], 1e-7);
        assertEquals(0.6 / 1.4, two[1], 1e-7);
    }

    @Test
    void identityIsBitForBitAndTheInverseTemperatureUndoesIt() {
        float[] same = Calibration.NONE.apply(P);
        assertArrayEquals(P, same, 0f);
        assertFalse(same == P, "a copy");
        assertTrue(Calibration.NONE.isIdentity());
        float[] back = Calibration.temper(Calibration.temper(P, 2.5), 1 / 2.5);
        assertArrayEquals(P, back, 1e-6f);
    }

    @Test
    void zerosAreFlooredNotNaN() {
        float[] q = Calibration.temper(new float[] {1f, 0f, 0f, 0f}, 0.5);
        assertEquals(1f, q[0], 0f);
        assertEquals(0f, q[1], 0f);
        float[] soft = Calibration.temper(new float[] {1f, 0f}, 100);
        // log(1e-30) / 100 = -0.69: the floor decides how soft a hard zero becomes
        assertEquals(1 / (1 + Math.pow(1e-30, 0.01)), soft[0], 1e-6);
        assertFalse(Float.isNaN(soft[1]));
    }

    @Test
    void parsesTheMetadataJsonAndRejectsBadTemperatures() {
        Calibration c =
                Calibration.fromJson("{\"temperature\": 1.35, \"fitted_on\": \"val clean\"}");
        assertEquals(1.35, c.temperature(), 0);
        assertEquals("val clean", c.fittedOn());
        assertNull(Calibration.fromJson("{\"temperature\": 2}").fittedOn());
        for (String bad :
                new String[] {
                    "{\"temperature\": 0}",
                    "{\"temperature\": -1}",
                    "{\"temperature\": \"2\"}",
                    "{}",
                    "[2]",
                    "not json",
                    "{\"temperature\": 1e400}"
                }) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class, () -> Calibration.fromJson(bad), bad);
            assertTrue(
                    e.getMessage().contains("temperature") || e.getMessage().contains("JSON"),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new Calibration(Double.NaN, null));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Calibration(Double.POSITIVE_INFINITY, null));
    }

    @Test
    void fitRecoversTheTemperatureOfOverconfidentProbabilities() {
        // Labels drawn from calibrated rows q; the model reports q sharpened by T = 2 (i.e.
        // tempered by 1/2).
        java.util.Random random = new java.util.Random(11);
        List<float[]> reported = new java.util.ArrayList<>();
        int[] truth = new int[4000];
        for (int i = 0; i < truth.length; i++) {
            float[] q = new float[4];
            double sum = 0;
            for (int k = 0; k < 4; k++) {
                q[k] = (float) Math.exp(random.nextGaussian());
                sum += q[k];
            }
            double u = random.nextDouble() * sum;
            int label = 3;
            for (int k = 0; k < 4; k++) {
                u -= q[k];
                if (u <= 0) {
                    label = k;
                    break;
                }
            }
            for (int k = 0; k < 4; k++) {
                q[k] /= (float) sum;
            }
            truth[i] = label;
            reported.add(Calibration.temper(q, 0.5));
        }
        Calibration.Fit fit = Calibration.fit(reported, truth);
        assertEquals(2.0, fit.temperature(), 0.2, "undoes the sharpening");
        assertTrue(fit.nllFitted() < fit.nllAtOne());
        assertThrows(IllegalArgumentException.class, () -> Calibration.fit(reported, new int[3]));
    }
}
