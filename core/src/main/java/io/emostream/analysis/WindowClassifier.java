package io.emostream.analysis;

import java.util.List;

/**
 * Turns one window of mono audio into a {@link WindowResult}. Implementations resample to the model's rate,
 * fit the window to the model's length (centre samples, or zero-padding at the end), gate non-speech and run
 * the model. Implementations are thread-safe.
 */
public interface WindowClassifier {

    /** Classifies one window of mono samples in [-1, 1] at {@code sampleRate} Hz. */
    WindowResult classify(float[] samples, int sampleRate);

    /**
     * Classifies a window of which only the first {@code validSamples} samples are audio (the rest is padding, as
     * in a stream's trailing window), and returns the speech gate's decision with its frames where the classifier
     * has a gate ({@link WindowAnalysis#gate()} null otherwise). This default ignores {@code validSamples}.
     */
    default WindowAnalysis analyse(float[] samples, int sampleRate, int validSamples) {
        return new WindowAnalysis(classify(samples, sampleRate), null);
    }

    /** Labels the model can return, in output order. */
    List<String> labels();

    String modelId();

    String modelVersion();
}
