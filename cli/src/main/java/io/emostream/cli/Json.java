package io.emostream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emostream.analysis.WindowResult;
import java.util.Map;

/** JSON output shared by the commands: one mapper, and numbers rounded to what is meaningful. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    /** label, confidence, probabilities, valence, arousal, speech_ratio of a window result, added to {@code node}. */
    static void putResult(ObjectNode node, WindowResult result) {
        node.put("label", result.label());
        node.put("confidence", round(result.confidence(), 4));
        ObjectNode probabilities = node.putObject("probabilities");
        for (Map.Entry<String, Float> entry : result.probabilities().entrySet()) {
            probabilities.put(entry.getKey(), round(entry.getValue(), 4));
        }
        if (result.valence() == null) {
            node.putNull("valence");
            node.putNull("arousal");
        } else {
            node.put("valence", round(result.valence(), 4));
            node.put("arousal", round(result.arousal(), 4));
        }
        node.put("speech_ratio", round(result.speechRatio(), 4));
    }
}
