package io.djlkernel.kernel.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Arc2D;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * The kernel's logo (a cup on an orange tile), drawn at install time so no binary image lives in the
 * repository. Shapes only, no text: headless JDKs without fonts can draw it.
 */
final class Logos {
    private Logos() {
    }

    static BufferedImage draw(int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.scale(size / 64.0, size / 64.0); // draw on a 64-unit canvas
            g.setPaint(new GradientPaint(0, 0, new Color(0xF8, 0x98, 0x20), 64, 64, new Color(0xD0, 0x4A, 0x02)));
            g.fill(new RoundRectangle2D.Double(0, 0, 64, 64, 16, 16));

            g.setColor(Color.WHITE);
            // cup body
            Path2D cup = new Path2D.Double();
            cup.moveTo(14, 28);
            cup.lineTo(44, 28);
            cup.curveTo(44, 44, 38, 52, 29, 52);
            cup.curveTo(20, 52, 14, 44, 14, 28);
            cup.closePath();
            g.fill(cup);
            // handle and saucer
            g.setStroke(new BasicStroke(4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(new Arc2D.Double(38, 31, 14, 12, -90, 180, Arc2D.OPEN));
            g.draw(new java.awt.geom.Line2D.Double(12, 56, 46, 56));
            // steam
            g.setStroke(new BasicStroke(3f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            for (int x : new int[] {22, 32}) {
                Path2D steam = new Path2D.Double();
                steam.moveTo(x, 22);
                steam.curveTo(x - 4, 18, x + 4, 14, x, 8);
                g.draw(steam);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Writes logo-32x32.png and logo-64x64.png, the names Jupyter looks for. */
    static void writeInto(Path dir) throws IOException {
        for (int size : new int[] {32, 64}) {
            Path file = dir.resolve("logo-" + size + "x" + size + ".png");
            if (!ImageIO.write(draw(size), "png", file.toFile())) {
                throw new IOException("No PNG writer in this JVM");
            }
        }
    }
}
