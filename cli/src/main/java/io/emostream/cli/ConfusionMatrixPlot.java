package io.emostream.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Draws a confusion matrix as a PNG with Java 2D (headless): rows are true labels, columns predicted labels; each
 * cell shows its count and its share of the row, shaded by that share (so classes of different sizes compare).
 */
final class ConfusionMatrixPlot {

    private static final int CELL = 110;
    private static final int LEFT = 150;
    private static final int TOP = 130;
    private static final int RIGHT = 40;
    private static final int BOTTOM = 90;
    private static final Color LOW = new Color(247, 251, 255);
    private static final Color HIGH = new Color(8, 48, 107);

    private ConfusionMatrixPlot() {}

    static void write(Path png, List<String> labels, int[][] counts, String title, String subtitle)
            throws IOException {
        int k = labels.size();
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 18);
        Font subtitleFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        int textWidth = PlotImages.textWidth(titleFont, title) + 40;
        int width = Math.max(Math.max(LEFT + k * CELL + RIGHT, 640), textWidth);
        int height = TOP + k * CELL + BOTTOM;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(
                    RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);

            g.setColor(Color.BLACK);
            g.setFont(titleFont);
            PlotImages.centred(g, title, width / 2, 30);
            g.setFont(subtitleFont);
            PlotImages.centred(g, subtitle, width / 2, 54);

            Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
            Font countFont = new Font(Font.SANS_SERIF, Font.BOLD, 20);
            Font shareFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
            for (int row = 0; row < k; row++) {
                int rowTotal = 0;
                for (int count : counts[row]) {
                    rowTotal += count;
                }
                for (int col = 0; col < k; col++) {
                    double share = rowTotal == 0 ? 0 : (double) counts[row][col] / rowTotal;
                    int x = LEFT + col * CELL;
                    int y = TOP + row * CELL;
                    g.setColor(blend(share));
                    g.fillRect(x, y, CELL, CELL);
                    g.setColor(share > 0.5 ? Color.WHITE : Color.BLACK);
                    g.setFont(countFont);
                    PlotImages.centred(
                            g, Integer.toString(counts[row][col]), x + CELL / 2, y + CELL / 2);
                    g.setFont(shareFont);
                    PlotImages.centred(
                            g,
                            String.format("%.0f%%", 100 * share),
                            x + CELL / 2,
                            y + CELL / 2 + 24);
                }
            }
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1f));
            for (int i = 0; i <= k; i++) {
                g.drawLine(LEFT, TOP + i * CELL, LEFT + k * CELL, TOP + i * CELL);
                g.drawLine(LEFT + i * CELL, TOP, LEFT + i * CELL, TOP + k * CELL);
            }

            g.setColor(Color.BLACK);
            g.setFont(labelFont);
            for (int i = 0; i < k; i++) {
                PlotImages.centred(g, labels.get(i), LEFT + i * CELL + CELL / 2, TOP - 12);
                FontMetrics metrics = g.getFontMetrics();
                g.drawString(
                        labels.get(i),
                        LEFT - 12 - metrics.stringWidth(labels.get(i)),
                        TOP + i * CELL + CELL / 2 + metrics.getAscent() / 2 - 2);
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            PlotImages.centred(g, "predicted", LEFT + k * CELL / 2, TOP - 38);
            AffineTransform saved = g.getTransform();
            g.rotate(-Math.PI / 2);
            PlotImages.centred(g, "true", -(TOP + k * CELL / 2), 24);
            g.setTransform(saved);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.setColor(Color.DARK_GRAY);
            PlotImages.centred(
                    g,
                    "cells: count and share of the true class (row); shading by that share",
                    width / 2,
                    TOP + k * CELL + 40);
        } finally {
            g.dispose();
        }
        PlotImages.writePng(image, png);
    }

    private static Color blend(double share) {
        double t = Math.max(0, Math.min(1, share));
        return new Color(
                (int) Math.round(LOW.getRed() + t * (HIGH.getRed() - LOW.getRed())),
                (int) Math.round(LOW.getGreen() + t * (HIGH.getGreen() - LOW.getGreen())),
                (int) Math.round(LOW.getBlue() + t * (HIGH.getBlue() - LOW.getBlue())));
    }
}
