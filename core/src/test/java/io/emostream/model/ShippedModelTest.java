package io.emostream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emostream.dsp.FeatureConfig;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The model the service ships ({@code models/emotion-cnn.onnx}) against its contract, its recipe and its card:
 * the contract checks of {@link EmotionModel#load} pass, the features are those of {@code models/features.json},
 * the version is the recipe's, the card names it, the cost is within budget, and the outputs are probabilities
 * that depend on the input (batched as single), and its metadata's test results are those of
 * {@code models/results/} and of the card.
 */
class ShippedModelTest {

    private static final Path MODEL = Path.of("models", "emotion-cnn.onnx");

    @Test
    void metadataMatchesTheRecipeAndTheCard() throws Exception {
        try (EmotionModel model = EmotionModel.load(MODEL, ModelOptions.defaults())) {
            assertEquals(List.of("angry", "happy", "neutral", "sad"), model.labels());
            assertEquals(
                    FeatureConfig.fromJson(Files.readString(Path.of("models", "features.json"))),
                    model.features());
            assertEquals(80, model.normalisation().bands());

            // The recipe that made the shipped model is recorded beside it by train.py
            // (models/train/config.yaml is
            // the recipe of the next candidate, which ships only if its rule in the card says so).
            JsonNode report =
                    new ObjectMapper()
                            .readTree(Path.of("models", "emotion-cnn.training.json").toFile());
            JsonNode recipe =
                    report.has("recipe") ? report.get("recipe") : report.at("/members/0/recipe");
            // a calibration-only release (stamp_calibration.py) keeps its recipe's weights under a
            // version of its own
            String version =
                    report.has("calibration_release")
                            ? report.at("/calibration_release/model_version").asText()
                            : recipe.at("/config/export/model_version").asText();
            assertEquals(
                    version,
                    model.modelVersion(),
                    "models/emotion-cnn.training.json records the recipe of the shipped model");
            if (report.has("calibration_release")) {
                assertEquals(
                        report.at("/calibration_release/temperature").asDouble(),
                        model.temperature(),
                        1e-4);
            }
            assertEquals("emostream-emotion-cnn", model.modelId());
            assertTrue(
                    Files.readString(Path.of("models", "README.md"))
                            .contains(model.modelId() + " " + model.modelVersion()),
                    "the model card names the shipped version");

            JsonNode metrics =
                    new ObjectMapper().readTree(model.metadata().get("emostream.metrics"));
            assertTrue(
                    metrics.get("gflop_per_window").asDouble() <= 1.2, "cost budget: " + metrics);
            // a trained model, not random weights: chance on four classes is 0.25
            assertTrue(metrics.get("val_macro_f1").asDouble() >= 0.6, metrics.toString());
            assertTrue(metrics.get("val_macro_f1_telephone").asDouble() >= 0.6, metrics.toString());
        }
    }

    /**
     * The card's test table, the results of {@code ./emostream evaluate} in {@code models/results/} and the model's
     * metadata ({@code models/train/record_test_metrics.py}) agree, condition by condition.
     */
    @Test
    void testMetricsInTheMetadataAreTheRecordedResults() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> card = Files.readAllLines(Path.of("models", "README.md"));
        try (EmotionModel model = EmotionModel.load(MODEL, ModelOptions.defaults());
                var results =
                        Files.newDirectoryStream(Path.of("models", "results"), "test-*.json")) {
            String stamped = model.metadata().get("emostream.test_metrics");
            assertNotNull(
                    stamped, "no emostream.test_metrics: run models/train/record_test_metrics.py");
            JsonNode recorded = json.readTree(stamped);
            Set<String> conditions = new TreeSet<>();
            for (Path file : results) {
                JsonNode result = json.readTree(file.toFile());
                String condition = conditionName(result.get("condition"));
                assertTrue(conditions.add(condition), "two results for " + condition);
                assertEquals(
                        model.modelId() + " " + model.modelVersion(),
                        result.at("/model/id").asText()
                                + " "
                                + result.at("/model/version").asText(),
                        file + " measured this model");
                assertTrue(
                        recorded.has(condition),
                        condition + " missing in the metadata: " + recorded);
                JsonNode stampedCondition = recorded.get(condition);
                assertEquals(
                        result.get("macro_f1").asDouble(),
                        stampedCondition.get("macro_f1").asDouble(),
                        condition);
                assertEquals(
                        result.get("accuracy").asDouble(),
                        stampedCondition.get("accuracy").asDouble(),
                        condition);
                // the card's results row: "| condition | accuracy | **macro-F1** | ..."
                String row =
                        String.format(
                                Locale.ROOT,
                                "| %.3f | **%.3f** |",
                                result.get("accuracy").asDouble(),
                                result.get("macro_f1").asDouble());
                assertTrue(
                        card.stream().anyMatch(line -> line.startsWith("| ") && line.contains(row)),
                        "the card's test table has a row with " + row + " for " + condition);
            }
            assertEquals(Set.of("clean", "telephone", "snr10", "snr5", "noise10"), conditions);
            assertEquals(conditions, iterableToSet(recorded.fieldNames()));
        }
    }

    /**
     * As {@code condition_name} in record_test_metrics.py: clean, telephone, alaw, snr10, noise10 (real noise from
     * --noise at 10 dB), gain-20, telephone+snr5, ... (line, then noise, then gain). Results written before the
     * noise and gain_db fields existed name the same conditions as before.
     */
    static String conditionName(JsonNode condition) {
        List<String> parts = new ArrayList<>();
        if (!"clean".equals(condition.get("channel").asText())) {
            parts.add(condition.get("channel").asText());
        }
        if (present(condition, "snr_db")) {
            String snr = decimal(condition.get("snr_db").asDouble());
            parts.add((present(condition, "noise") ? "noise" : "snr") + snr);
        }
        if (present(condition, "gain_db")) {
            parts.add("gain" + decimal(condition.get("gain_db").asDouble()));
        }
        return parts.isEmpty() ? "clean" : String.join("+", parts);
    }

    private static boolean present(JsonNode node, String field) {
        return !node.path(field).isNull() && !node.path(field).isMissingNode();
    }

    /** As Python's {@code f"{x:g}"} for the values conditions take: 10, 7.5, -20. */
    private static String decimal(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    @Test
    void conditionNamesFollowTheRecorder() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String[][] cases = {
            {"{\"channel\":\"clean\",\"snr_db\":null,\"seed\":0}", "clean"},
            {"{\"channel\":\"telephone\",\"snr_db\":null,\"seed\":0}", "telephone"},
            {"{\"channel\":\"clean\",\"snr_db\":10.0,\"seed\":0}", "snr10"},
            {
                "{\"channel\":\"clean\",\"snr_db\":10.0,\"noise\":null,\"gain_db\":null,\"seed\":0}",
                "snr10"
            },
            {
                "{\"channel\":\"clean\",\"snr_db\":10.0,\"noise\":\"../shared/data/noise\",\"gain_db\":null}",
                "noise10"
            },
            {"{\"channel\":\"alaw\",\"snr_db\":null,\"noise\":null,\"gain_db\":null}", "alaw"},
            {
                "{\"channel\":\"narrowband\",\"snr_db\":7.5,\"noise\":null,\"gain_db\":null}",
                "narrowband+snr7.5"
            },
            {"{\"channel\":\"clean\",\"snr_db\":null,\"noise\":null,\"gain_db\":-20.0}", "gain-20"},
            {
                "{\"channel\":\"telephone\",\"snr_db\":5.0,\"noise\":\"n\",\"gain_db\":20.0}",
                "telephone+noise5+gain20"
            },
        };
        for (String[] c : cases) {
            assertEquals(c[1], conditionName(json.readTree(c[0])), c[0]);
        }
    }

    private static Set<String> iterableToSet(Iterator<String> names) {
        Set<String> set = new TreeSet<>();
        names.forEachRemaining(set::add);
        return set;
    }

    @Test
    void outputsAreProbabilitiesThatDependOnTheInput() {
        try (EmotionModel model = EmotionModel.load(MODEL, ModelOptions.defaults())) {
            int size = model.features().nMels() * model.features().frames();
            Random random = new Random(7);
            float[][] inputs = new float[3][size];
            for (int i = 0; i < inputs.length; i++) {
                for (int j = 0; j < size; j++) {
                    inputs[i][j] =
                            (float)
                                    (random.nextGaussian()
                                            * (0.5 + i)); // normalised features, 3 spreads
                }
            }
            float[][] batch = model.predict(inputs);
            double spread = 0;
            for (int i = 0; i < inputs.length; i++) {
                float[] single = model.predict(new float[][] {inputs[i]})[0];
                double sum = 0;
                for (int k = 0; k < single.length; k++) {
                    assertTrue(single[k] >= 0f && single[k] <= 1f);
                    assertEquals(
                            single[k], batch[i][k], 1e-5, "batched and single inference agree");
                    sum += single[k];
                    spread = Math.max(spread, Math.abs(batch[i][k] - batch[0][k]));
                }
                assertEquals(1.0, sum, 1e-4);
            }
            assertTrue(spread > 1e-3, "different inputs, different probabilities");
        }
    }
}
