package io.emostream.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A reliability diagram as a PNG with Java 2D (headless): per confidence bin a bar of the accuracy, a red band up or
 * down to the bin's mean confidence (the miscalibration), the diagonal of perfect calibration, and each bin's count
 * above it.
 */
final class ReliabilityPlot {

    private static final int SIZE = 480; // the square plot area, pixels
    private static final int LEFT = 90;
    private static final int TOP = 90;
    private static final int WIDTH = LEFT + SIZE + 50;
    private static final int HEIGHT = TOP + SIZE + 80;

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
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 17);
        Font subtitleFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        int width =
                Math.max(
                        WIDTH,
                        Math.max(
                                        PlotImages.textWidth(titleFont, title),
                                        PlotImages.textWidth(subtitleFont, subtitle))
                                + 40);
        BufferedImage image = new BufferedImage(width, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(
                    RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, HEIGHT);
            g.setColor(Color.BLACK);
            g.setFont(titleFont);
            PlotImages.centred(g, title, width / 2, 30);
            g.setFont(subtitleFont);
            PlotImages.centred(g, subtitle, width / 2, 54);
            g.translate((width - WIDTH) / 2, 0); // the plot stays centred under a wide title

            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            for (int b = 0; b < bins.bins(); b++) {
                if (bins.count(b) == 0) {
                    continue;
                }
                int x0 = x(bins.lower(b));
                int x1 = x(bins.upper(b));
                int accuracy = y(bins.accuracy(b));
                int confidence = y(bins.confidence(b));
                g.setColor(new Color(49, 130, 189));
                g.fillRect(x0, accuracy, x1 - x0, y(0) - accuracy);
                g.setColor(new Color(222, 45, 38, 110));
                g.fillRect(
                        x0,
                        Math.min(accuracy, confidence),
                        x1 - x0,
                        Math.abs(confidence - accuracy));
                g.setColor(Color.WHITE);
                g.drawRect(x0, accuracy, x1 - x0, y(0) - accuracy);
                g.setColor(Color.DARK_GRAY);
                PlotImages.centred(
                        g,
                        Integer.toString(bins.count(b)),
                        (x0 + x1) / 2,
                        Math.min(accuracy, confidence) - 4);
            }
            g.setColor(Color.GRAY);
            g.setStroke(
                    new BasicStroke(
                            1.5f,
                            BasicStroke.CAP_BUTT,
                            BasicStroke.JOIN_MITER,
                            10f,
                            new float[] {6f, 5f},
                            0f));
            g.drawLine(x(0), y(0), x(1), y(1));
            g.setStroke(new BasicStroke(1f));
            g.setColor(Color.BLACK);
            g.drawRect(x(0), y(1), SIZE, SIZE);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (int i = 0; i <= 5; i++) {
                double v = i / 5.0;
                String tick = String.format(Locale.ROOT, "%.1f", v);
                g.drawLine(x(v), y(0), x(v), y(0) + 5);
                PlotImages.centred(g, tick, x(v), y(0) + 19);
                g.drawLine(x(0) - 5, y(v), x(0), y(v));
                g.drawString(tick, x(0) - 30, y(v) + 4);
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            PlotImages.centred(g, "confidence (top probability)", x(0.5), y(0) + 42);
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.rotate(-Math.PI / 2);
            PlotImages.centred(rotated, "accuracy", -y(0.5), x(0) - 45);
            rotated.dispose();
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.setColor(Color.DARK_GRAY);
            PlotImages.centred(
                    g,
                    "blue: accuracy per bin (count above); red: gap to the bin's mean confidence; dashed: ideal",
                    WIDTH / 2,
                    HEIGHT - 14);
        } finally {
            g.dispose();
        }
        PlotImages.writePng(image, png);
    }

    private static int x(double value) {
        return LEFT + (int) Math.round(value * SIZE);
    }

    private static int y(double value) {
        return TOP + SIZE - (int) Math.round(value * SIZE);
    }
}
