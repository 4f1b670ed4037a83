package io.emostream.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;

/**
 * A reliability diagram as a PNG, drawn by JFreeChart (headless): per confidence bin a bar of the accuracy, a red
 * band up or down to the bin's mean confidence (the miscalibration), the diagonal of perfect calibration, and each
 * bin's count above it.
 */
final class ReliabilityPlot {

    private static final int WIDTH = 620;
    private static final int HEIGHT = 650;

    private ReliabilityPlot() {}

    /** The diagram's file beside a confusion-matrix PNG: {@code cm.png -> cm-reliability.png}. */
    static Path besides(Path confusionPng) {
        String name = confusionPng.getFileName().toString();
        String stem =
                name.toLowerCase(Locale.ROOT).endsWith(".png")
                        ? name.substring(0, name.length() - 4)
                        : name;
        return confusionPng.resolveSibling(stem + "-reliability.png");
    }

    /** Writes the diagram; the image is {@value #WIDTH} pixels wide, or wider when a title needs it. */
    static void write(Path png, ReliabilityBins bins, String title, String subtitle)
            throws IOException {
        XYIntervalSeries accuracy = new XYIntervalSeries("accuracy");
        XYIntervalSeries gap = new XYIntervalSeries("gap to mean confidence");
        XYPlot plot = new XYPlot();
        Font countFont = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
        for (int b = 0; b < bins.bins(); b++) {
            if (bins.count(b) == 0) {
                continue;
            }
            double middle = (bins.lower(b) + bins.upper(b)) / 2;
            double acc = bins.accuracy(b);
            double conf = bins.confidence(b);
            accuracy.add(middle, bins.lower(b), bins.upper(b), acc, 0, acc);
            gap.add(
                    middle,
                    bins.lower(b),
                    bins.upper(b),
                    conf,
                    Math.min(acc, conf),
                    Math.max(acc, conf));
            XYTextAnnotation count =
                    new XYTextAnnotation(
                            Integer.toString(bins.count(b)), middle, Math.max(acc, conf) + 0.01);
            count.setFont(countFont);
            count.setPaint(Color.DARK_GRAY);
            count.setTextAnchor(TextAnchor.BOTTOM_CENTER);
            plot.addAnnotation(count);
        }
        XYIntervalSeriesCollection series = new XYIntervalSeriesCollection();
        series.addSeries(accuracy);
        series.addSeries(gap);
        plot.setDataset(series);
        XYBarRenderer renderer = new XYBarRenderer();
        renderer.setUseYInterval(true);
        renderer.setBarPainter(new StandardXYBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(true);
        renderer.setSeriesPaint(0, new Color(49, 130, 189));
        renderer.setSeriesOutlinePaint(0, Color.WHITE);
        renderer.setSeriesPaint(1, new Color(222, 45, 38, 110));
        renderer.setSeriesOutlinePaint(1, new Color(222, 45, 38, 110));
        plot.setRenderer(renderer);
        plot.setSeriesRenderingOrder(
                SeriesRenderingOrder.FORWARD); // the red band over the blue bar
        plot.addAnnotation(
                new XYLineAnnotation(
                        0,
                        0,
                        1,
                        1,
                        new BasicStroke(
                                1.5f,
                                BasicStroke.CAP_BUTT,
                                BasicStroke.JOIN_MITER,
                                10f,
                                new float[] {6f, 5f},
                                0f),
                        Color.GRAY));
        Font axisFont = new Font(Font.SANS_SERIF, Font.BOLD, 13);
        NumberAxis confidence = new NumberAxis("confidence (top probability)");
        NumberAxis accuracyAxis = new NumberAxis("accuracy");
        for (NumberAxis axis : new NumberAxis[] {confidence, accuracyAxis}) {
            axis.setRange(0, 1);
            axis.setTickUnit(new NumberTickUnit(0.1, new DecimalFormat("0.0")));
            axis.setLabelFont(axisFont);
        }
        accuracyAxis.setRange(0, 1.06); // room for the count above a bar of accuracy 1
        plot.setDomainAxis(confidence);
        plot.setRangeAxis(accuracyAxis);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(220, 220, 220));
        plot.setRangeGridlinePaint(new Color(220, 220, 220));

        JFreeChart chart =
                PlotImages.chart(
                        plot,
                        title,
                        subtitle,
                        "blue: accuracy per bin (count above); red: gap to the bin's mean confidence; dashed: ideal");
        int width =
                Math.max(
                        WIDTH,
                        Math.max(
                                        PlotImages.textWidth(PlotImages.TITLE, title),
                                        PlotImages.textWidth(PlotImages.SUBTITLE, subtitle))
                                + 40);
        PlotImages.writePng(chart, png, width, HEIGHT);
    }
}
