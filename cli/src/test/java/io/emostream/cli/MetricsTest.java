package io.emostream.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {

    /** true a: 3 a, 1 b; true b: 1 a, 2 b, 1 c; true c: 2 c. */
    private static ClassificationMetrics example() {
        ClassificationMetrics m = new ClassificationMetrics(List.of("a", "b", "c"));
        int[][] pairs = {
            {0, 0}, {0, 0}, {0, 0}, {0, 1}, {1, 0}, {1, 1}, {1, 1}, {1, 2}, {2, 2}, {2, 2}
        };
        for (int[] pair : pairs) {
            m.add(pair[0], pair[1]);
        }
        return m;
    }

    @Test
    void confusionMatrixCountsTrueRowsAndPredictedColumns() {
        ClassificationMetrics m = example();
        assertArrayEquals(new int[][] {{3, 1, 0}, {1, 2, 1}, {0, 0, 2}}, m.confusion());
        assertEquals(10, m.total());
        assertEquals(4, m.support(0));
        assertEquals(4, m.support(1));
        assertEquals(2, m.support(2));
        assertEquals(3, m.predicted(2));
    }

    @Test
    void figuresMatchHandComputedValues() {
        ClassificationMetrics m = example();
        assertEquals(0.7, m.accuracy(), 1e-12);
        assertEquals(0.75, m.precision(0), 1e-12);
        assertEquals(0.75, m.recall(0), 1e-12);
        assertEquals(0.75, m.f1(0), 1e-12);
        assertEquals(2.0 / 3, m.precision(1), 1e-12);
        assertEquals(0.5, m.recall(1), 1e-12);
        assertEquals(4.0 / 7, m.f1(1), 1e-12); // 2 * (2/3 * 1/2) / (2/3 + 1/2)
        assertEquals(2.0 / 3, m.precision(2), 1e-12);
        assertEquals(1.0, m.recall(2), 1e-12);
        assertEquals(0.8, m.f1(2), 1e-12); // 2 * (2/3 * 1) / (2/3 + 1)
        assertEquals((0.75 + 4.0 / 7 + 0.8) / 3, m.macroF1(), 1e-12);
    }

    @Test
    void classNeverSeenNorPredictedCountsAsZeroInTheMacroMean() {
        // same convention as models/train/train.py: macro-F1 averages over every model label
        ClassificationMetrics m = new ClassificationMetrics(List.of("a", "b"));
        m.add(0, 0);
        m.add(0, 0);
        assertEquals(1.0, m.f1(0), 0);
        assertEquals(0.0, m.f1(1), 0);
        assertEquals(0.0, m.precision(1), 0);
        assertEquals(0.5, m.macroF1(), 0);
        assertEquals(1.0, m.accuracy(), 0);
        assertEquals(0.0, new ClassificationMetrics(List.of("a")).accuracy(), 0);
    }
}
