package io.emostream.model;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Paths of the models written by tools/make_test_models.py into src/test/resources/model/. */
public final class TestModels {

    public static final String VALID = "emotion-test.onnx";
    /** {@link #VALID} with {@code emostream.calibration} temperature 2.0 (metadata only). */
    public static final String CALIBRATED = "emotion-test-calibrated.onnx";

    private TestModels() {
    }

    public static Path path(String name) {
        URL url = TestModels.class.getResource("/model/" + name);
        if (url == null) {
            throw new IllegalStateException("test resource /model/" + name
                    + " is missing: run /usr/bin/python3 tools/make_test_models.py");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static EmotionModel loadValid() {
        return EmotionModel.load(path(VALID), ModelOptions.defaults());
    }

    /** Index of the largest probability (the first on a tie), as the runtime picks a label. */
    public static int argmax(float[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }
}
