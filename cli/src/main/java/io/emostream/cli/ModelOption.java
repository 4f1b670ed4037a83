package io.emostream.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model PATH}, for the commands that load the model (a picocli mixin). */
final class ModelOption {

    @Option(
            names = "--model",
            paramLabel = "PATH",
            description =
                    "ONNX model (default: models/emotion-cnn.onnx in the emostream directory)")
    private Path model;

    /** The model given, or {@link Main#defaultModel()}. */
    Path path() {
        return model == null ? Main.defaultModel() : model;
    }
}
