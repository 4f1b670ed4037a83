package io.emostream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;

/**
 * Per-mel-band standardisation applied before the model: {@code (x - mean[band]) / std[band]}, with the constants
 * the model was trained with (metadata key {@code emostream.normalisation}, JSON {@code {"mean": [...], "std": [...]}}).
 */
public final class Normalisation {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final float[] mean;
    private final float[] std;
    private final float[] inverseStd;

    public Normalisation(float[] mean, float[] std) {
        if (mean.length == 0) {
            throw new IllegalArgumentException("normalisation has no bands (empty \"mean\")");
        }
        if (mean.length != std.length) {
            throw new IllegalArgumentException(
                    "normalisation has " + mean.length + " means but " + std.length + " stds");
        }
        for (int band = 0; band < std.length; band++) {
            if (!Float.isFinite(mean[band])) {
                throw new IllegalArgumentException(
                        "normalisation mean of band " + band + " is " + mean[band]);
            }
            if (!(std[band] > 0f) || !Float.isFinite(std[band])) {
                throw new IllegalArgumentException(
                        "normalisation std of band "
                                + band
                                + " must be finite and > 0, found "
                                + std[band]);
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
        this.inverseStd = new float[std.length];
        for (int band = 0; band < std.length; band++) {
            inverseStd[band] = 1f / std[band];
        }
    }

    /**
     * Parses {@code {"mean": [...], "std": [...]}}.
     *
     * @throws IllegalArgumentException naming what is missing or malformed
     */
    public static Normalisation fromJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(
                    "normalisation is not valid JSON: " + e.getMessage(), e);
        }
        return new Normalisation(floats(root, "mean"), floats(root, "std"));
    }

    private static float[] floats(JsonNode root, String field) {
        JsonNode node = root == null ? null : root.get(field);
        if (node == null || !node.isArray()) {
            throw new IllegalArgumentException("normalisation has no \"" + field + "\" array");
        }
        float[] values = new float[node.size()];
        for (int i = 0; i < values.length; i++) {
            if (!node.get(i).isNumber()) {
                throw new IllegalArgumentException(
                        "normalisation " + field + "[" + i + "] is not a number: " + node.get(i));
            }
            values[i] = node.get(i).floatValue();
        }
        return values;
    }

    public int bands() {
        return mean.length;
    }

    public float[] mean() {
        return mean.clone();
    }

    public float[] std() {
        return std.clone();
    }

    /** Normalises a row-major {@code [bands][frames]} log-mel spectrogram in place. */
    public void applyInPlace(float[] logMel, int frames) {
        if (logMel.length != mean.length * frames) {
            throw new IllegalArgumentException(
                    "log-mel has "
                            + logMel.length
                            + " values, expected "
                            + mean.length
                            + " bands x "
                            + frames
                            + " frames = "
                            + mean.length * frames);
        }
        for (int band = 0; band < mean.length; band++) {
            float m = mean[band];
            float scale = inverseStd[band];
            int offset = band * frames;
            for (int frame = 0; frame < frames; frame++) {
                logMel[offset + frame] = (logMel[offset + frame] - m) * scale;
            }
        }
    }

    @Override
    public String toString() {
        return "Normalisation[bands="
                + mean.length
                + ", mean[0..3]="
                + Arrays.toString(Arrays.copyOf(mean, Math.min(3, mean.length)))
                + "]";
    }
}
