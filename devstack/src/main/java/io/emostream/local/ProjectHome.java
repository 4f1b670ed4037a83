package io.emostream.local;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's root directory, where {@code models/}, {@code demo/} and each module's {@code target/} are: the
 * system property {@value #PROPERTY} (set by the {@code ./emostream} launcher and by the builds of most modules'
 * tests), else the nearest directory at or above the working directory that holds {@value #MARKER} (the service's
 * tests run in the service module, without the property), else the working directory. Every tool and test that
 * needs a file of the repository resolves it here.
 */
public final class ProjectHome {

    /** The system property naming the root. */
    public static final String PROPERTY = "emostream.home";

    /** A file only the repository root has. */
    static final String MARKER = "models/features.json";

    private ProjectHome() {}

    /** The root, absolute and normalised. */
    public static Path path() {
        String configured = System.getProperty(PROPERTY, "");
        if (!configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path cwd = Path.of("").toAbsolutePath().normalize();
        for (Path dir = cwd; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(MARKER))) {
                return dir;
            }
        }
        return cwd;
    }

    /** A path below the root, e.g. {@code resolve("models", "emotion-cnn.onnx")}. */
    public static Path resolve(String first, String... more) {
        return path().resolve(Path.of(first, more));
    }
}
