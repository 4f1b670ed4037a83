package io.emostream.dsp;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

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

    public FeatureConfig {
        require(sampleRate > 0, "sample_rate must be positive, got " + sampleRate);
        require(windowSamples > 0, "window_samples must be positive, got " + windowSamples);
        require(nFft >= 2, "n_fft must be at least 2, got " + nFft);
        require(winLength >= 1 && winLength <= nFft, "win_length " + winLength + " must be in 1..n_fft (" + nFft + ")");
        require(hopLength > 0, "hop_length must be positive, got " + hopLength);
        require("hann".equals(windowFunction), "unsupported window '" + windowFunction + "' (supported: hann)");
        require("reflect".equals(padMode) || "constant".equals(padMode),
                "unsupported pad_mode '" + padMode + "' (supported: reflect, constant)");
        require(power == 1.0 || power == 2.0, "unsupported power " + power + " (supported: 1.0, 2.0)");
        require(nMels > 0, "n_mels must be positive, got " + nMels);
        require(fMin >= 0 && fMax > fMin && fMax <= sampleRate / 2.0,
                "f_min " + fMin + " and f_max " + fMax + " must satisfy 0 <= f_min < f_max <= sample_rate/2 ("
                        + sampleRate / 2.0 + ")");
        require("slaney".equals(melScale) || "htk".equals(melScale),
                "unsupported mel_scale '" + melScale + "' (supported: slaney, htk)");
        if (melNorm == null) {
            melNorm = "none";
        }
        require("slaney".equals(melNorm) || "none".equals(melNorm),
                "unsupported mel_norm '" + melNorm + "' (supported: slaney, none/null)");
        require(logFloor > 0 && Double.isFinite(logFloor), "log_floor must be positive, got " + logFloor);
        if (center && "reflect".equals(padMode)) {
            require(nFft / 2 < windowSamples, "reflect padding of n_fft/2 = " + nFft / 2
                    + " needs window_samples > " + nFft / 2 + ", got " + windowSamples);
        }
        if (!center) {
            require(windowSamples >= nFft, "without centring window_samples (" + windowSamples
                    + ") must be at least n_fft (" + nFft + ")");
        }
        int expected = expectedFrames(windowSamples, nFft, hopLength, center);
        require(frames == expected, "frames " + frames + " is inconsistent with window_samples " + windowSamples
                + ", n_fft " + nFft + ", hop_length " + hopLength + " and center=" + center + " (expected "
                + expected + ")");
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
     * Parses the JSON of {@code models/features.json}. Every key of that file is required except {@code log}
     * (which, when present, must be {@value #LOG_EXPRESSION}); unknown keys are rejected so that a model built
     * with a feature this code does not implement is not silently misread.
     *
     * @throws IllegalArgumentException naming the key or value that is wrong
     */
    public static FeatureConfig fromJson(String json) {
        Map<String, Object> map = new MiniJson(json).parseObject();
        Map<String, Object> m = new LinkedHashMap<>(map);
        Object log = m.remove("log");
        if (log != null && !LOG_EXPRESSION.equals(log)) {
            throw new IllegalArgumentException("features JSON: unsupported log '" + log + "' (supported: "
                    + LOG_EXPRESSION + ")");
        }
        FeatureConfig config = new FeatureConfig(
                intValue(m, "sample_rate"), intValue(m, "window_samples"), intValue(m, "n_fft"),
                intValue(m, "win_length"), intValue(m, "hop_length"), stringValue(m, "window", false),
                boolValue(m, "center"), stringValue(m, "pad_mode", false), doubleValue(m, "power"),
                intValue(m, "n_mels"), doubleValue(m, "f_min"), doubleValue(m, "f_max"),
                stringValue(m, "mel_scale", false), stringValue(m, "mel_norm", true),
                doubleValue(m, "log_floor"), intValue(m, "frames"));
        if (!m.isEmpty()) {
            throw new IllegalArgumentException("features JSON: unknown key(s) " + m.keySet());
        }
        return config;
    }

    /** JSON with the keys of {@code models/features.json}; {@code fromJson(toJson())} equals this config. */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"sample_rate\": ").append(sampleRate)
                .append(", \"window_samples\": ").append(windowSamples)
                .append(", \"n_fft\": ").append(nFft)
                .append(", \"win_length\": ").append(winLength)
                .append(", \"hop_length\": ").append(hopLength)
                .append(", \"window\": \"").append(windowFunction).append('"')
                .append(", \"center\": ").append(center)
                .append(", \"pad_mode\": \"").append(padMode).append('"')
                .append(", \"power\": ").append(number(power))
                .append(", \"n_mels\": ").append(nMels)
                .append(", \"f_min\": ").append(number(fMin))
                .append(", \"f_max\": ").append(number(fMax))
                .append(", \"mel_scale\": \"").append(melScale).append('"')
                .append(", \"mel_norm\": ").append("none".equals(melNorm) ? "null" : "\"" + melNorm + "\"")
                .append(", \"log\": \"").append(LOG_EXPRESSION).append('"')
                .append(", \"log_floor\": ").append(number(logFloor))
                .append(", \"frames\": ").append(frames)
                .append('}');
        return sb.toString();
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? String.format(Locale.ROOT, "%.1f", value) : Double.toString(value);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("feature config: " + message);
        }
    }

    private static Object take(Map<String, Object> m, String key, boolean nullable) {
        if (!m.containsKey(key)) {
            throw new IllegalArgumentException("features JSON: missing key '" + key + "'");
        }
        Object value = m.remove(key);
        if (value == null && !nullable) {
            throw new IllegalArgumentException("features JSON: key '" + key + "' is null");
        }
        return value;
    }

    private static double doubleValue(Map<String, Object> m, String key) {
        Object v = take(m, key, false);
        if (!(v instanceof Double d)) {
            throw new IllegalArgumentException("features JSON: '" + key + "' must be a number, got " + v);
        }
        return d;
    }

    private static int intValue(Map<String, Object> m, String key) {
        Object v = take(m, key, false);
        if (!(v instanceof Double d) || d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("features JSON: '" + key + "' must be an integer, got " + v);
        }
        return (int) (double) d;
    }

    private static boolean boolValue(Map<String, Object> m, String key) {
        Object v = take(m, key, false);
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException("features JSON: '" + key + "' must be true or false, got " + v);
        }
        return b;
    }

    private static String stringValue(Map<String, Object> m, String key, boolean nullable) {
        Object v = take(m, key, nullable);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("features JSON: '" + key + "' must be a string, got " + v);
        }
        return s;
    }
}
