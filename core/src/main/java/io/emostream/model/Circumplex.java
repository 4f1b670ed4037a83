package io.emostream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Places a model's emotion labels on Russell's circumplex of affect and turns a probability vector into one
 * (valence, arousal) point, the probability-weighted sum of the label placements.
 *
 * <p>Valence (unpleasant -1 to pleasant +1) and arousal (deactivated -1 to activated +1) follow Russell, J. A.
 * (1980), "A circumplex model of affect", Journal of Personality and Social Psychology 39(6), 1161-1178, whose
 * Figure 2 places the emotion terms around the circle. The coordinates below are the rounded placements commonly
 * used for speech-emotion categories (e.g. angry in the activated-unpleasant quadrant, sad in the
 * deactivated-unpleasant one); they are approximate positions, not measured values:
 *
 * <pre>
 *   angry      (-0.7, +0.8)     happy      (+0.8, +0.5)     neutral    ( 0.0,  0.0)     sad        (-0.7, -0.5)
 *   fearful    (-0.6, +0.7)     disgust    (-0.7, +0.2)     surprised  (+0.3, +0.8)     calm       (+0.6, -0.6)
 *   excited    (+0.6, +0.8)     frustrated (-0.6, +0.5)     bored      (-0.4, -0.7)
 * </pre>
 *
 * Common spellings (anger, happiness, sadness, fear, surprise, ang, hap, neu, exc, fru, ...) map to the same points.
 * A label with no placement maps to (0, 0) and is reported by {@link #unplacedLabels()} so the loader can warn.
 * A model can override or add placements with metadata key {@code emostream.circumplex}, JSON
 * {@code {"label": [valence, arousal], ...}} with values in [-1, 1].
 *
 * <p>Because the probabilities sum to 1, valence and arousal stay within [-1, 1]. Immutable and thread-safe.
 */
public final class Circumplex {

    /** A point on the circumplex. */
    public record Point(float valence, float arousal) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Point> DEFAULT_PLACEMENTS = defaultPlacements();

    private final List<String> labels;
    private final float[] valence;
    private final float[] arousal;
    private final List<String> unplaced;

    private Circumplex(
            List<String> labels, float[] valence, float[] arousal, List<String> unplaced) {
        this.labels = labels;
        this.valence = valence;
        this.arousal = arousal;
        this.unplaced = unplaced;
    }

    private static Map<String, Point> defaultPlacements() {
        Map<String, Point> m = new LinkedHashMap<>();
        put(m, new Point(-0.7f, 0.8f), "angry", "anger", "ang");
        put(m, new Point(0.8f, 0.5f), "happy", "happiness", "hap", "joy");
        put(m, new Point(0f, 0f), "neutral", "neu");
        put(m, new Point(-0.7f, -0.5f), "sad", "sadness");
        put(m, new Point(-0.6f, 0.7f), "fearful", "fear", "fea");
        put(m, new Point(-0.7f, 0.2f), "disgust", "disgusted", "dis");
        put(m, new Point(0.3f, 0.8f), "surprised", "surprise", "sur");
        put(m, new Point(0.6f, -0.6f), "calm");
        put(m, new Point(0.6f, 0.8f), "excited", "exc");
        put(m, new Point(-0.6f, 0.5f), "frustrated", "fru");
        put(m, new Point(-0.4f, -0.7f), "bored");
        return Collections.unmodifiableMap(m);
    }

    private static void put(Map<String, Point> map, Point point, String... names) {
        for (String name : names) {
            map.put(name, point);
        }
    }

    /** The built-in placement of a label (case-insensitive), or null when there is none. */
    public static Point defaultPlacement(String label) {
        return DEFAULT_PLACEMENTS.get(label.toLowerCase(Locale.ROOT));
    }

    /** Placements for {@code labels} from the built-in table only. */
    public static Circumplex forLabels(List<String> labels) {
        return forLabels(labels, null);
    }

    /**
     * Placements for {@code labels}: the override JSON first (may be null), then the built-in table, else (0, 0).
     *
     * @throws IllegalArgumentException when the override is malformed, out of range, or names an unknown label
     */
    public static Circumplex forLabels(List<String> labels, String overrideJson) {
        Map<String, Point> overrides =
                overrideJson == null || overrideJson.isBlank()
                        ? Map.of()
                        : parseOverride(overrideJson, labels);
        float[] v = new float[labels.size()];
        float[] a = new float[labels.size()];
        List<String> unplaced = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            String label = labels.get(i);
            Point point = overrides.get(label);
            if (point == null) {
                point = defaultPlacement(label);
            }
            if (point == null) {
                unplaced.add(label);
                point = new Point(0f, 0f);
            }
            v[i] = point.valence();
            a[i] = point.arousal();
        }
        return new Circumplex(List.copyOf(labels), v, a, List.copyOf(unplaced));
    }

    private static Map<String, Point> parseOverride(String json, List<String> labels) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(
                    "circumplex override is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(
                    "circumplex override must be a JSON object {label: [valence, arousal]}, found "
                            + json);
        }
        Map<String, Point> points = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            String label = entry.getKey();
            JsonNode value = entry.getValue();
            if (!labels.contains(label)) {
                throw new IllegalArgumentException(
                        "circumplex override names label '"
                                + label
                                + "' which is not one of "
                                + labels);
            }
            if (!value.isArray()
                    || value.size() != 2
                    || !value.get(0).isNumber()
                    || !value.get(1).isNumber()) {
                throw new IllegalArgumentException(
                        "circumplex override for '"
                                + label
                                + "' must be [valence, arousal], found "
                                + value);
            }
            float v = value.get(0).floatValue();
            float a = value.get(1).floatValue();
            if (Math.abs(v) > 1f || Math.abs(a) > 1f) {
                throw new IllegalArgumentException(
                        "circumplex override for '"
                                + label
                                + "' must lie within [-1, 1], found ["
                                + v
                                + ", "
                                + a
                                + "]");
            }
            points.put(label, new Point(v, a));
        }
        return points;
    }

    public List<String> labels() {
        return labels;
    }

    /** Labels that had no placement and sit at (0, 0). */
    public List<String> unplacedLabels() {
        return unplaced;
    }

    /** The placement of one of this circumplex's labels. */
    public Point placement(String label) {
        int i = labels.indexOf(label);
        if (i < 0) {
            throw new IllegalArgumentException(
                    "unknown label '" + label + "', expected one of " + labels);
        }
        return new Point(valence[i], arousal[i]);
    }

    /** The probability-weighted (valence, arousal) of a probability vector in label order. */
    public Point locate(float[] probabilities) {
        if (probabilities.length != labels.size()) {
            throw new IllegalArgumentException(
                    "expected "
                            + labels.size()
                            + " probabilities ("
                            + labels
                            + "), got "
                            + probabilities.length);
        }
        double v = 0;
        double a = 0;
        for (int i = 0; i < probabilities.length; i++) {
            v += probabilities[i] * valence[i];
            a += probabilities[i] * arousal[i];
        }
        return new Point(clamp(v), clamp(a));
    }

    private static float clamp(double x) {
        // rounding of probabilities that sum to slightly more than 1 must not leave [-1, 1]
        return (float) Math.max(-1.0, Math.min(1.0, x));
    }
}
