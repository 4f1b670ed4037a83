package io.emostream.model;

/**
 * An ONNX model file that does not honour the emostream model contract (docs/architecture.md): wrong input or
 * output, wrong shape or type, or missing or malformed {@code emostream.*} metadata. The message names the file
 * and what was expected versus found.
 */
public class ModelContractException extends RuntimeException {

    public ModelContractException(String message) {
        super(message);
    }

    public ModelContractException(String message, Throwable cause) {
        super(message, cause);
    }
}
