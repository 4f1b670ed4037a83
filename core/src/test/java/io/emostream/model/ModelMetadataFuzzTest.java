package io.emostream.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.emostream.dsp.FeatureConfig;

/**
 * Fuzz target for the model metadata a loaded ONNX file brings ({@code emostream.features},
 * {@code emostream.normalisation}, {@code emostream.calibration}): any text either parses to a valid value or fails
 * with an {@link IllegalArgumentException} naming the problem, which {@link EmotionModel#load} reports as a contract
 * error. Seeds in {@code ModelMetadataFuzzTestInputs/}.
 */
class ModelMetadataFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void metadataJson(FuzzedDataProvider data) {
        int key = data.consumeInt(0, 2);
        String json = data.consumeRemainingAsString();
        try {
            switch (key) {
                case 0 -> {
                    FeatureConfig features = FeatureConfig.fromJson(json);
                    assertTrue(features.nMels() > 0 && features.frames() > 0, features.toString());
                }
                case 1 -> {
                    Normalisation normalisation = Normalisation.fromJson(json);
                    assertTrue(normalisation.bands() > 0);
                }
                default -> {
                    Calibration calibration = Calibration.fromJson(json);
                    assertTrue(
                            Double.isFinite(calibration.temperature())
                                    && calibration.temperature() > 0);
                }
            }
        } catch (IllegalArgumentException expected) {
            // a clear contract error
        }
    }
}
