package io.emostream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CircumplexTest {

    private static final List<String> LABELS = List.of("angry", "happy", "neutral", "sad");

    @Test
    void certainPredictionSitsOnTheLabelsPlacement() {
        Circumplex c = Circumplex.forLabels(LABELS);
        assertEquals(new Circumplex.Point(-0.7f, 0.8f), c.locate(new float[] {1, 0, 0, 0}));
        assertEquals(new Circumplex.Point(0.8f, 0.5f), c.locate(new float[] {0, 1, 0, 0}));
        assertEquals(new Circumplex.Point(0f, 0f), c.locate(new float[] {0, 0, 1, 0}));
        assertEquals(new Circumplex.Point(-0.7f, -0.5f), c.locate(new float[] {0, 0, 0, 1}));
    }

    @Test
    void mixedPredictionIsTheProbabilityWeightedSum() {
        Circumplex c = Circumplex.forLabels(LABELS);
        Circumplex.Point p = c.locate(new float[] {0.5f, 0.25f, 0.125f, 0.125f});
        assertEquals(0.5 * -0.7 + 0.25 * 0.8 + 0.125 * -0.7, p.valence(), 1e-6);
        assertEquals(0.5 * 0.8 + 0.25 * 0.5 + 0.125 * -0.5, p.arousal(), 1e-6);
    }

    @Test
    void synonymsShareAPlacementAndUnknownLabelsSitAtTheOrigin() {
        Circumplex c = Circumplex.forLabels(List.of("Anger", "sadness", "contempt"));
        assertEquals(Circumplex.defaultPlacement("angry"), c.placement("Anger"));
        assertEquals(Circumplex.defaultPlacement("sad"), c.placement("sadness"));
        assertEquals(new Circumplex.Point(0f, 0f), c.placement("contempt"));
        assertEquals(List.of("contempt"), c.unplacedLabels());
    }

    @Test
    void metadataOverrideReplacesAndAddsPlacements() {
        Circumplex c =
                Circumplex.forLabels(
                        List.of("angry", "contempt"),
                        "{\"contempt\": [-0.5, 0.1], \"angry\": [-0.9, 0.9]}");
        assertEquals(new Circumplex.Point(-0.5f, 0.1f), c.placement("contempt"));
        assertEquals(new Circumplex.Point(-0.9f, 0.9f), c.placement("angry"));
        assertTrue(c.unplacedLabels().isEmpty());
    }

    @Test
    void malformedOverridesAreRejectedWithTheReason() {
        IllegalArgumentException range =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Circumplex.forLabels(LABELS, "{\"sad\": [-1.5, 0]}"));
        assertTrue(range.getMessage().contains("within [-1, 1]"), range.getMessage());
        IllegalArgumentException unknown =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Circumplex.forLabels(LABELS, "{\"bored\": [0, 0]}"));
        assertTrue(
                unknown.getMessage().contains("'bored' which is not one of"), unknown.getMessage());
        IllegalArgumentException shape =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Circumplex.forLabels(LABELS, "{\"sad\": [0.1]}"));
        assertTrue(shape.getMessage().contains("must be [valence, arousal]"), shape.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> Circumplex.forLabels(LABELS).locate(new float[3]));
    }

    @Test
    void resultStaysWithinUnitRangeForAnyDistribution() {
        Circumplex c = Circumplex.forLabels(LABELS);
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 1000; i++) {
            float[] p = new float[4];
            float sum = 0;
            for (int k = 0; k < 4; k++) {
                p[k] = random.nextFloat();
                sum += p[k];
            }
            for (int k = 0; k < 4; k++) {
                p[k] /= sum;
            }
            Circumplex.Point point = c.locate(p);
            assertTrue(Math.abs(point.valence()) <= 1f && Math.abs(point.arousal()) <= 1f);
        }
    }
}
