package io.emostream.cli;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;

/** What the evaluate plots share (drawn by JFreeChart): titles, a footnote, and the PNG written. */
final class PlotImages {

    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 17);
    static final Font SUBTITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font NOTE = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    private PlotImages() {}

    /** A chart of {@code plot} without legend, with the title, a subtitle under it and a grey footnote, on white. */
    static JFreeChart chart(Plot plot, String title, String subtitle, String footnote) {
        JFreeChart chart = new JFreeChart(plot);
        chart.removeLegend();
        chart.setTitle(new TextTitle(title, TITLE));
        chart.addSubtitle(new TextTitle(subtitle, SUBTITLE));
        TextTitle note = new TextTitle(footnote, NOTE);
        note.setPaint(Color.DARK_GRAY);
        note.setPosition(RectangleEdge.BOTTOM);
        chart.addSubtitle(note);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        return chart;
    }

    /** Writes the chart as a PNG of the given size; parent directories are created. */
    static void writePng(JFreeChart chart, Path png, int width, int height) throws IOException {
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ChartUtils.saveChartAsPNG(png.toFile(), chart, width, height);
    }

    /** The width in pixels of the widest of {@code texts} in {@code font}, to size an image before drawing it. */
    static int textWidth(Font font, String... texts) {
        Graphics2D scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        try {
            int widest = 0;
            for (String text : texts) {
                widest = Math.max(widest, scratch.getFontMetrics(font).stringWidth(text));
            }
            return widest;
        } finally {
            scratch.dispose();
        }
    }
}
