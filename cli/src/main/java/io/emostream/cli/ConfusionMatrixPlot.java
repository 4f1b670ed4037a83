package io.emostream.cli;

import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * A confusion matrix as a PNG, drawn by JFreeChart (headless): rows are true labels, columns predicted labels; each
 * cell shows its count and its share of the row, shaded by that share (so classes of different sizes compare).
 */
final class ConfusionMatrixPlot {

    private static final int CELL = 110;
    private static final int MARGINS_WIDE = 190;
    private static final int MARGINS_HIGH = 230;
    private static final int MIN_WIDTH = 640;
    private static final Color LOW = new Color(247, 251, 255);
    private static final Color HIGH = new Color(8, 48, 107);

    private ConfusionMatrixPlot() {}

    static void write(Path png, List<String> labels, int[][] counts, String title, String subtitle)
            throws IOException {
        int k = labels.size();
        double[][] cells = new double[3][k * k]; // x = predicted, y = true, z = share of the row
        XYPlot plot = new XYPlot();
        Font countFont = new Font(Font.SANS_SERIF, Font.BOLD, 20);
        Font shareFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        for (int row = 0; row < k; row++) {
            int rowTotal = 0;
            for (int count : counts[row]) {
                rowTotal += count;
            }
            for (int col = 0; col < k; col++) {
                double share = rowTotal == 0 ? 0 : (double) counts[row][col] / rowTotal;
                int i = row * k + col;
                cells[0][i] = col;
                cells[1][i] = row;
                cells[2][i] = share;
                Color ink = share > 0.5 ? Color.WHITE : Color.BLACK;
                XYTextAnnotation count =
                        new XYTextAnnotation(Integer.toString(counts[row][col]), col, row - 0.08);
                count.setFont(countFont);
                count.setPaint(ink);
                plot.addAnnotation(count);
                XYTextAnnotation percent =
                        new XYTextAnnotation(
                                String.format(Locale.ROOT, "%.0f%%", 100 * share), col, row + 0.18);
                percent.setFont(shareFont);
                percent.setPaint(ink);
                plot.addAnnotation(percent);
            }
        }
        DefaultXYZDataset dataset = new DefaultXYZDataset();
        dataset.addSeries("share of the true class", cells);
        plot.setDataset(dataset);
        XYBlockRenderer renderer = new XYBlockRenderer();
        renderer.setPaintScale(new Shading());
        plot.setRenderer(renderer);

        String[] names = labels.toArray(String[]::new);
        Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
        Font axisFont = new Font(Font.SANS_SERIF, Font.BOLD, 14);
        SymbolAxis predicted = new SymbolAxis("predicted", names);
        predicted.setTickLabelFont(labelFont);
        predicted.setLabelFont(axisFont);
        predicted.setGridBandsVisible(false);
        predicted.setRange(-0.5, k - 0.5);
        SymbolAxis actual = new SymbolAxis("true", names);
        actual.setTickLabelFont(labelFont);
        actual.setLabelFont(axisFont);
        actual.setGridBandsVisible(false);
        actual.setInverted(true); // the first class on top, as a matrix is read
        actual.setRange(-0.5, k - 0.5);
        plot.setDomainAxis(predicted);
        plot.setDomainAxisLocation(AxisLocation.TOP_OR_LEFT);
        plot.setRangeAxis(actual);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlinePaint(Color.GRAY);

        JFreeChart chart =
                PlotImages.chart(
                        plot,
                        title,
                        subtitle,
                        "cells: count and share of the true class (row); shading by that share");
        int width =
                Math.max(
                        Math.max(MARGINS_WIDE + k * CELL, MIN_WIDTH),
                        PlotImages.textWidth(PlotImages.TITLE, title) + 40);
        PlotImages.writePng(chart, png, width, MARGINS_HIGH + k * CELL);
    }

    /** White-blue shading by share, 0 to 1. */
    private static final class Shading implements PaintScale {
        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return 1;
        }

        @Override
        public Paint getPaint(double share) {
            double t = Math.max(0, Math.min(1, share));
            return new Color(
                    (int) Math.round(LOW.getRed() + t * (HIGH.getRed() - LOW.getRed())),
                    (int) Math.round(LOW.getGreen() + t * (HIGH.getGreen() - LOW.getGreen())),
                    (int) Math.round(LOW.getBlue() + t * (HIGH.getBlue() - LOW.getBlue())));
        }
    }
}
