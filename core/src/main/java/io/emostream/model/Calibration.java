package io.emostream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * Temperature scaling of a model's probabilities (metadata key {@code emostream.calibration}, JSON
 * {@code {"temperature": T, "fitted_on": "val clean"}}, written by {@code models/train/train.py}). The model's
 * output is already softmax probabilities {@code p}, so the calibrated output is
 * {@code p_i^(1/T) / sum_j p_j^(1/T)}, which equals {@code softmax(logits / T)}. It is computed in log space, with
 * each {@code p_i} floored at {@value #FLOOR} (a softmax that underflowed to 0 stays the smallest, not NaN). The
 * argmax never changes; T = 1 returns the probabilities unchanged, bit for bit.
 *
 * @param temperature finite and > 0; above 1 softens, below 1 sharpens
 * @param fittedOn    where T was fitted (free text), or null when not stated
 */
public record Calibration(double temperature, String fittedOn) {

    /** No calibration: T = 1. */
    public static final Calibration NONE = new Calibration(1.0, null);

    /** Floor of a probability before its logarithm is taken. */
    public static final double FLOOR = 1e-30;

    private static final ObjectMapper JSON = new ObjectMapper();

    public Calibration {
        if (!Double.isFinite(temperature) || !(temperature > 0)) {
            throw new IllegalArgumentException(
                    "temperature must be finite and > 0, found " + temperature);
        }
    }

    /** @throws IllegalArgumentException when the text is not a JSON object with a valid numeric temperature */
    public static Calibration fromJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(
                    "expected a JSON object {\"temperature\": T, ...}, found " + json);
        }
        JsonNode t = root.get("temperature");
        if (t == null || !t.isNumber()) {
            throw new IllegalArgumentException("expected a numeric \"temperature\", found " + json);
        }
        JsonNode fitted = root.get("fitted_on");
        return new Calibration(
                t.asDouble(), fitted == null || fitted.isNull() ? null : fitted.asText());
    }

    public boolean isIdentity() {
        return temperature == 1.0;
    }

    /** The calibrated probabilities of one row, a new array (a copy when T = 1). */
    public float[] apply(float[] probabilities) {
        return temper(probabilities, temperature);
    }

    /**
     * {@code p_i^(1/t) / sum_j p_j^(1/t)} in log space; a copy of {@code p} when t = 1. Tempering by t and then by
     * 1/t gives back p (up to float rounding), which is how uncalibrated figures are recovered from calibrated ones.
     */
    public static float[] temper(float[] p, double t) {
        if (t == 1.0) {
            return p.clone();
        }
        double[] logs = new double[p.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < p.length; i++) {
            logs[i] = Math.log(Math.max(p[i], FLOOR)) / t;
            max = Math.max(max, logs[i]);
        }
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            logs[i] = Math.exp(logs[i] - max);
            sum += logs[i];
        }
        float[] out = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = (float) (logs[i] / sum);
        }
        return out;
    }

    /** A temperature fitted to labelled probabilities, with the mean negative log-likelihood before and after. */
    public record Fit(double temperature, double nllAtOne, double nllFitted) {}

    /**
     * The temperature that minimises the mean negative log-likelihood of {@code truth} under the tempered
     * {@code probabilities} (uncalibrated rows, T = 1), searched on 401 log-spaced values from 0.25 to 4: the same
     * search {@code models/train/train.py} makes, so a model's temperature can be fitted where only its ONNX file
     * exists. Fit it on val, never on test.
     */
    public static Fit fit(List<float[]> probabilities, int[] truth) {
        if (probabilities.isEmpty() || probabilities.size() != truth.length) {
            throw new IllegalArgumentException(
                    "need one truth index per row, got "
                            + truth.length
                            + " for "
                            + probabilities.size()
                            + " rows");
        }
        double best = 1.0;
        double bestNll = Double.POSITIVE_INFINITY;
        for (int g = 0; g <= 400; g++) {
            double t = Math.exp(Math.log(0.25) + g * (Math.log(4.0) - Math.log(0.25)) / 400);
            double nll = nll(probabilities, truth, t);
            if (nll < bestNll) {
                bestNll = nll;
                best = t;
            }
        }
        return new Fit(best, nll(probabilities, truth, 1.0), bestNll);
    }

    private static double nll(List<float[]> probabilities, int[] truth, double t) {
        double sum = 0;
        for (int i = 0; i < truth.length; i++) {
            sum -= Math.log(Math.max(temper(probabilities.get(i), t)[truth[i]], FLOOR));
        }
        return sum / truth.length;
    }
}
