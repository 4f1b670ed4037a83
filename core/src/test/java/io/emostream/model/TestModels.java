package io.emostream.model;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the models written by tools/make_test_models.py into core/src/test/resources/model/. */
public final class TestModels {

    public static final String VALID = "emotion-test.onnx";

    /** {@link #VALID} with {@code emostream.calibration} temperature 2.0 (metadata only). */
    public static final String CALIBRATED = "emotion-test-calibrated.onnx";

    private TestModels() {}

    /**
     * The file of a test model in the core's sources, found from the working directory upwards (the tests of every
     * module run at the repository root or in their module): a file path, because ONNX Runtime loads from a path,
     * and other modules would see these resources inside the core's test jar.
     */
    public static Path path(String name) {
        Path relative = Path.of("core", "src", "test", "resources", "model", name);
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException(
                relative + " is missing: run /usr/bin/python3 tools/make_test_models.py");
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
