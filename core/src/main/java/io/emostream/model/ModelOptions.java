package io.emostream.model;

/**
 * How an {@link EmotionModel} session runs.
 *
 * @param intraOpThreads threads ONNX Runtime may use inside one operator; 1 (the default) keeps a call on the
 *                       caller's thread, which suits many concurrent callers (stream threads, a pool)
 */
public record ModelOptions(int intraOpThreads) {

    public ModelOptions {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException(
                    "intraOpThreads must be at least 1, got " + intraOpThreads);
        }
    }

    /** One intra-op thread. */
    public static ModelOptions defaults() {
        return new ModelOptions(1);
    }

    public ModelOptions withIntraOpThreads(int threads) {
        return new ModelOptions(threads);
    }
}
