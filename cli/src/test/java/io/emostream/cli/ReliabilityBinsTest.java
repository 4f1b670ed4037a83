package io.emostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.analysis.WindowAnalysis;
import io.emostream.analysis.WindowResult;
import io.emostream.dataset.LabelsCsv;
import io.emostream.dsp.SpeechGate.SpeechDecision;
import io.emostream.model.Calibration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReliabilityBinsTest {

    @Test
    void eceOfAFixedSetByHand() {
        ReliabilityBins bins = new ReliabilityBins(15);
        double[] confidence = {0.0, 1.0 / 15, 0.5, 0.52, 0.9, 1.0, 0.95, 0.99};
        boolean[] correct = {true, false, true, false, true, true, true, false};
        int[] expectedBin = {0, 0, 7, 7, 13, 14, 14, 14};
        for (int i = 0; i < confidence.length; i++) {
            assertEquals(expectedBin[i], bins.binOf(confidence[i]), "confidence " + confidence[i]);
            bins.add(confidence[i], correct[i]);
        }
        // bin 0: 2 clips, accuracy 1/2, confidence 1/30; bin 7: 2, 1/2, 0.51; bin 13: 1, 1, 0.9;
        // bin 14: 3, 2/3, 0.98
        double expected =
                2.0 / 8 * (0.5 - 1.0 / 30)
                        + 2.0 / 8 * 0.01
                        + 1.0 / 8 * 0.1
                        + 3.0 / 8 * (0.98 - 2.0 / 3);
        assertEquals(0.2491667, expected, 1e-7);
        assertEquals(expected, bins.ece(), 1e-12);
        assertEquals(8, bins.total());
        assertEquals(3, bins.count(14));
        assertEquals(2.0 / 3, bins.accuracy(14), 1e-12);
        assertEquals(0.98, bins.confidence(14), 1e-12);
        assertTrue(Double.isNaN(bins.accuracy(3)) && bins.count(3) == 0);
        assertEquals(7.0 / 15, bins.lower(7), 0);
        assertEquals(8.0 / 15, bins.upper(7), 0);
        assertEquals(0.0, new ReliabilityBins(15).ece(), 0);
        assertThrows(IllegalArgumentException.class, () -> bins.binOf(1.01));
    }

    /**
     * Three clips of a two-label model with T = 2: the analyses carry calibrated probabilities q = temper(p, 2);
     * the uncalibrated figures come from p, recovered by tempering with 1/2.
     */
    @Test
    void scoreGivesCalibratedAndUncalibratedEceByHand() {
        List<String> labels = List.of("a", "b");
        float[][] p = {{0.9f, 0.1f}, {0.36f, 0.64f}, {0.25f, 0.75f}};
        int[] truth = {0, 0, 1};
        List<LabelsCsv.Row> rows = new ArrayList<>();
        List<WindowAnalysis> analyses = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            float[] q = Calibration.temper(p[i], 2.0);
            Map<String, Float> byLabel = new LinkedHashMap<>();
            byLabel.put("a", q[0]);
            byLabel.put("b", q[1]);
            int best = q[0] >= q[1] ? 0 : 1;
            analyses.add(
                    new WindowAnalysis(
                            new WindowResult(
                                    true, labels.get(best), q[best], byLabel, null, null, 1f),
                            new SpeechDecision(1f, i != 1)));
            rows.add(
                    new LabelsCsv.Row(
                            i + 2, i + ".wav", labels.get(truth[i]), null, i == 2 ? "y" : "x"));
        }
        EvaluateCommand.Scores scores = EvaluateCommand.score(rows, truth, analyses, labels, 2.0);
        // calibrated: (0.9, 0.1) -> (0.75, 0.25) right; (0.36, 0.64) -> (0.6, 0.8)/1.4 wrong;
        // (0.25, 0.75) -> (0.5, 0.866)/1.366 right; each alone in its bin
        double q3 = Math.sqrt(0.75) / (0.5 + Math.sqrt(0.75));
        assertEquals(((1 - 0.75) + (0.8 / 1.4) + (1 - q3)) / 3, scores.calibrated().ece(), 1e-6);
        assertEquals(((1 - 0.9) + 0.64 + (1 - 0.75)) / 3, scores.uncalibrated().ece(), 1e-6);
        assertEquals(0.33, scores.uncalibrated().ece(), 1e-6);
        assertEquals(1, scores.calibrated().count(11)); // 0.75 in (11/15, 12/15]
        assertEquals(1, scores.uncalibrated().count(13)); // 0.9 in (13/15, 14/15]
        assertEquals(2.0 / 3, scores.overall().accuracy(), 1e-12);
        assertEquals(1, scores.noSpeech());
        assertEquals(List.of("x", "y"), List.copyOf(scores.perCorpus().keySet()));
        assertEquals(0.5, scores.perCorpus().get("x").accuracy(), 1e-12);
        assertEquals(1.0, scores.perCorpus().get("y").accuracy(), 1e-12);
    }
}
