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

    /** Labels the model can return, in output order. */
    List<String> labels();

    String modelId();

    String modelVersion();
}
