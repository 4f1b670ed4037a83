package io.emostream.dsp;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Log-mel feature parameters, as written in {@code models/features.json} and in the ONNX model's
 * {@code emostream.features} metadata. The constructor validates the values this front end supports: a periodic
 * Hann window, reflect or constant centre padding, power 1 or 2, Slaney or HTK mel scale, Slaney or no filter
 * normalisation, and a frame count consistent with the window, hop and padding.
 *
 * @param windowFunction JSON key {@code window}: the STFT window function, "hann" (named so to leave
 *                       {@link #window()} for the window's duration)
 * @param melNorm        "slaney" or "none" (JSON null)
 */
public record FeatureConfig(
        int sampleRate,
        int windowSamples,
        int nFft,
        int winLength,
        int hopLength,
        String windowFunction,
        boolean center,
        String padMode,
        double power,
        int nMels,
        double fMin,
        double fMax,
        String melScale,
        String melNorm,
        double logFloor,
        int frames) {

    /** The only log expression supported, as written in features.json. */
    public static final String LOG_EXPRESSION = "10*log10(max(x, floor))";

    /** Strict: a key given twice or text after the object is an error, not the last value or ignored. */
    private static final ObjectMapper JSON =
            new ObjectMapper()
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public FeatureConfig {
        require(sampleRate > 0, "sample_rate must be positive, got " + sampleRate);
        require(windowSamples > 0, "window_samples must be positive, got " + windowSamples);
        require(nFft >= 2, "n_fft must be at least 2, got " + nFft);
        require(
                winLength >= 1 && winLength <= nFft,
                "win_length " + winLength + " must be in 1..n_fft (" + nFft + ")");
        require(hopLength > 0, "hop_length must be positive, got " + hopLength);
        require(
                "hann".equals(windowFunction),
                "unsupported window '" + windowFunction + "' (supported: hann)");
        require(
                "reflect".equals(padMode) || "constant".equals(padMode),
                "unsupported pad_mode '" + padMode + "' (supported: reflect, constant)");
        require(
                power == 1.0 || power == 2.0,
                "unsupported power " + power + " (supported: 1.0, 2.0)");
        require(nMels > 0, "n_mels must be positive, got " + nMels);
        require(
                fMin >= 0 && fMax > fMin && fMax <= sampleRate / 2.0,
                "f_min "
                        + fMin
                        + " and f_max "
                        + fMax
                        + " must satisfy 0 <= f_min < f_max <= sample_rate/2 ("
                        + sampleRate / 2.0
                        + ")");
        require(
                "slaney".equals(melScale) || "htk".equals(melScale),
                "unsupported mel_scale '" + melScale + "' (supported: slaney, htk)");
        if (melNorm == null) {
            melNorm = "none";
        }
        require(
                "slaney".equals(melNorm) || "none".equals(melNorm),
                "unsupported mel_norm '" + melNorm + "' (supported: slaney, none/null)");
        require(
                logFloor > 0 && Double.isFinite(logFloor),
                "log_floor must be positive, got " + logFloor);
        if (center && "reflect".equals(padMode)) {
            require(
                    nFft / 2 < windowSamples,
                    "reflect padding of n_fft/2 = "
                            + nFft / 2
                            + " needs window_samples > "
                            + nFft / 2
                            + ", got "
                            + windowSamples);
        }
        if (!center) {
            require(
                    windowSamples >= nFft,
                    "without centring window_samples ("
                            + windowSamples
                            + ") must be at least n_fft ("
                            + nFft
                            + ")");
        }
        int expected = expectedFrames(windowSamples, nFft, hopLength, center);
        require(
                frames == expected,
                "frames "
                        + frames
                        + " is inconsistent with window_samples "
                        + windowSamples
                        + ", n_fft "
                        + nFft
                        + ", hop_length "
                        + hopLength
                        + " and center="
                        + center
                        + " (expected "
                        + expected
                        + ")");
    }

    /**
     * STFT frame count as torch.stft: {@code 1 + (window + 2*(n_fft/2) - n_fft)/hop} when centred (that is
     * {@code 1 + window/hop} for even n_fft), else {@code 1 + (window - n_fft)/hop}.
     */
    public static int expectedFrames(int windowSamples, int nFft, int hopLength, boolean center) {
        int padded = center ? windowSamples + 2 * (nFft / 2) : windowSamples;
        return 1 + (padded - nFft) / hopLength;
    }

    /** Length of one analysis window. */
    public Duration window() {
        return Duration.ofNanos(Math.round(windowSamples * 1e9 / sampleRate));
    }

    /** Number of floats in one feature matrix ({@code n_mels * frames}). */
    public int featureSize() {
        return nMels * frames;
    }

    /**
     * Parses the JSON of {@code models/features.json}: one object, without duplicate keys or text after it. Every
     * key of that file is required except {@code log} (which, when present, must be {@value #LOG_EXPRESSION});
     * unknown keys are rejected so that a model built with a feature this code does not implement is not silently
     * misread.
     *
     * @throws IllegalArgumentException naming the key or value that is wrong, or where the text is not JSON
     */
    public static FeatureConfig fromJson(String json) {
        if (json == null) {
            throw new IllegalArgumentException("features JSON is missing");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "features JSON: "
                            + e.getOriginalMessage()
                            + (e.getLocation() == null
                                    ? ""
                                    : " at offset " + e.getLocation().getCharOffset()),
                    e);
        }
        if (!(root instanceof ObjectNode m)) {
            throw new IllegalArgumentException(
                    "features JSON: expected an object, got "
                            + (root.isMissingNode() ? "no JSON value" : root));
        }
        JsonNode log = m.remove("log");
        if (log != null && !log.isNull() && !LOG_EXPRESSION.equals(log.textValue())) {
            throw new IllegalArgumentException(
                    "features JSON: unsupported log "
                            + (log.isTextual() ? "'" + log.textValue() + "'" : log)
                            + " (supported: "
                            + LOG_EXPRESSION
                            + ")");
        }
        FeatureConfig config =
                new FeatureConfig(
                        intValue(m, "sample_rate"),
                        intValue(m, "window_samples"),
                        intValue(m, "n_fft"),
                        intValue(m, "win_length"),
                        intValue(m, "hop_length"),
                        stringValue(m, "window", false),
                        boolValue(m, "center"),
                        stringValue(m, "pad_mode", false),
                        doubleValue(m, "power"),
                        intValue(m, "n_mels"),
                        doubleValue(m, "f_min"),
                        doubleValue(m, "f_max"),
                        stringValue(m, "mel_scale", false),
                        stringValue(m, "mel_norm", true),
                        doubleValue(m, "log_floor"),
                        intValue(m, "frames"));
        if (!m.isEmpty()) {
            List<String> unknown = new ArrayList<>();
            m.fieldNames().forEachRemaining(unknown::add);
            throw new IllegalArgumentException("features JSON: unknown key(s) " + unknown);
        }
        return config;
    }

    /** JSON with the keys of {@code models/features.json}; {@code fromJson(toJson())} equals this config. */
    public String toJson() {
        ObjectNode json =
                JSON.createObjectNode()
                        .put("sample_rate", sampleRate)
                        .put("window_samples", windowSamples)
                        .put("n_fft", nFft)
                        .put("win_length", winLength)
                        .put("hop_length", hopLength)
                        .put("window", windowFunction)
                        .put("center", center)
                        .put("pad_mode", padMode)
                        .put("power", power)
                        .put("n_mels", nMels)
                        .put("f_min", fMin)
                        .put("f_max", fMax)
                        .put("mel_scale", melScale)
                        .put("mel_norm", "none".equals(melNorm) ? null : melNorm)
                        .put("log", LOG_EXPRESSION)
                        .put("log_floor", logFloor)
                        .put("frames", frames);
        return json.toString();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("feature config: " + message);
        }
    }

    private static JsonNode take(ObjectNode m, String key, boolean nullable) {
        if (!m.has(key)) {
            throw new IllegalArgumentException("features JSON: missing key '" + key + "'");
        }
        JsonNode value = m.remove(key);
        if (value.isNull() && !nullable) {
            throw new IllegalArgumentException("features JSON: key '" + key + "' is null");
        }
        return value;
    }

    private static double doubleValue(ObjectNode m, String key) {
        JsonNode v = take(m, key, false);
        if (!v.isNumber()) {
            throw new IllegalArgumentException(
                    "features JSON: '" + key + "' must be a number, got " + v);
        }
        return v.doubleValue();
    }

    /** An integer, also when written as a number with a zero fraction (1024.0), as Python's json may write it. */
    private static int intValue(ObjectNode m, String key) {
        JsonNode v = take(m, key, false);
        if (!v.isNumber() || !v.canConvertToExactIntegral() || !v.canConvertToInt()) {
            throw new IllegalArgumentException(
                    "features JSON: '" + key + "' must be an integer, got " + v);
        }
        return v.intValue();
    }

    private static boolean boolValue(ObjectNode m, String key) {
        JsonNode v = take(m, key, false);
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(
                    "features JSON: '" + key + "' must be true or false, got " + v);
        }
        return v.booleanValue();
    }

    private static String stringValue(ObjectNode m, String key, boolean nullable) {
        JsonNode v = take(m, key, nullable);
        if (v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(
                    "features JSON: '" + key + "' must be a string, got " + v);
        }
        return v.textValue();
    }
}
