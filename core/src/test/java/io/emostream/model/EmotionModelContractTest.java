package io.emostream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class EmotionModelContractTest {

    @Test
    void validModelLoadsWithItsMetadata() {
        try (EmotionModel model = TestModels.loadValid()) {
            assertEquals(List.of("angry", "happy", "neutral", "sad"), model.labels());
            assertEquals(80, model.features().nMels());
            assertEquals(188, model.features().frames());
            assertEquals(16000, model.features().sampleRate());
            assertEquals(48000, model.features().windowSamples());
            assertEquals(80, model.normalisation().bands());
            for (float std : model.normalisation().std()) {
                assertTrue(std > 0f);
            }
            assertEquals("emostream-test-bandpool", model.modelId());
            assertEquals("1", model.modelVersion());
            assertEquals("Apache-2.0", model.metadata().get("emostream.licence"));
            assertTrue(model.circumplex().unplacedLabels().isEmpty());
            assertEquals(1.0, model.temperature(), 0, "no emostream.calibration: T = 1");
            assertEquals(Calibration.NONE, model.calibration());
        }
    }

    @Test
    void calibratedModelLoadsItsTemperature() {
        try (EmotionModel model =
                EmotionModel.load(
                        TestModels.path(TestModels.CALIBRATED), ModelOptions.defaults())) {
            assertEquals(2.0, model.temperature(), 0);
            assertEquals("test fixture", model.calibration().fittedOn());
            assertEquals("1-calibrated", model.modelVersion());
            assertEquals(
                    "{\"temperature\": 2.0, \"fitted_on\": \"test fixture\"}",
                    model.metadata().get(EmotionModel.CALIBRATION_KEY));
        }
    }

    // Dynamic tests rather than @ParameterizedTest: kafka-test-common-runtime's auto-detected
    // ClusterTestExtensions
    // claims every test template on this class path and breaks parameterized tests.
    private static final String[][] BROKEN = {
        {"broken-input-name.onnx", "expected exactly one input 'log_mel', found inputs [mel "},
        {"broken-mels.onnx", "input 'log_mel' must have shape [N, 1, 80, 188] with dynamic N"},
        {"broken-mels.onnx", "found [-1, 1, 64, 188]"},
        {"broken-fixed-batch.onnx", "found [1, 1, 80, 188]"},
        {
            "broken-int-input.onnx",
            "input 'log_mel' must be float32, found ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64"
        },
        {"broken-output-name.onnx", "expected output 'probabilities', found outputs [scores_out "},
        {"broken-missing-labels.onnx", "metadata key emostream.labels is missing"},
        {"broken-label-count.onnx", "output 'probabilities' must have shape [N, 3]"},
        {"broken-label-count.onnx", "[angry, happy, sad]), found [-1, 4]"},
        {
            "broken-normalisation.onnx",
            "emostream.normalisation: normalisation std of band 79 must be finite and > 0, found 0.0"
        },
        {
            "broken-calibration-negative.onnx",
            "metadata emostream.calibration: temperature must be finite and > 0, found -1.5"
        },
        {
            "broken-calibration-text.onnx",
            "metadata emostream.calibration: expected a numeric \"temperature\", found {\"temperature\": \"warm\"}"
        },
    };

    @TestFactory
    Stream<DynamicTest> brokenModelsFailNamingFileAndProblem() {
        return Arrays.stream(BROKEN)
                .map(
                        c ->
                                DynamicTest.dynamicTest(
                                        c[0] + ": " + c[1],
                                        () -> brokenModelFailsNamingFileAndProblem(c[0], c[1])));
    }

    private static void brokenModelFailsNamingFileAndProblem(
            String file, String expectedMessagePart) {
        Path path = TestModels.path(file);
        ModelContractException e =
                assertThrows(
                        ModelContractException.class,
                        () -> EmotionModel.load(path, ModelOptions.defaults()));
        assertTrue(
                e.getMessage().startsWith("model file " + path.toAbsolutePath().normalize() + ": "),
                e.getMessage());
        assertTrue(
                e.getMessage().contains(expectedMessagePart),
                "expected '" + expectedMessagePart + "' in: " + e.getMessage());
    }

    @Test
    void missingFileIsReportedAsSuch(@org.junit.jupiter.api.io.TempDir Path dir) {
        Path missing = dir.resolve("nope.onnx");
        ModelContractException e =
                assertThrows(
                        ModelContractException.class,
                        () -> EmotionModel.load(missing, ModelOptions.defaults()));
        assertTrue(
                e.getMessage().contains(missing.toString()) && e.getMessage().contains("not found"),
                e.getMessage());
    }

    @Test
    void fileThatIsNotOnnxIsRejected(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path garbage = java.nio.file.Files.writeString(dir.resolve("garbage.onnx"), "not a model");
        ModelContractException e =
                assertThrows(
                        ModelContractException.class,
                        () -> EmotionModel.load(garbage, ModelOptions.defaults()));
        assertTrue(e.getMessage().contains("ONNX Runtime cannot load it"), e.getMessage());
    }
}
