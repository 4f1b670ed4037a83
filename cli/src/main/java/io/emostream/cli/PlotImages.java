package io.emostream.cli;

import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** What the evaluate plots share: text measured and centred, and the PNG written (parent directories created). */
final class PlotImages {

    private PlotImages() {}

    static void writePng(BufferedImage image, Path png) throws IOException {
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("no PNG writer available for " + png);
        }
    }

    /** The width of {@code text} in {@code font}, measured before any image of the final size exists. */
    static int textWidth(Font font, String text) {
        Graphics2D scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        try {
            return scratch.getFontMetrics(font).stringWidth(text);
        } finally {
            scratch.dispose();
        }
    }

    /** Draws {@code text} horizontally centred on {@code x}, on the baseline {@code baselineY}. */
    static void centred(Graphics2D g, String text, int x, int baselineY) {
        g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, baselineY);
    }
}
