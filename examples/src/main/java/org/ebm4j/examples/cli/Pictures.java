package org.ebm4j.examples.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * PNG grids of images: each row of {@code values} is one image of n units, drawn as a √n×√n square
 * when n is a square (else one row), each unit a block of {@code scale}×{@code scale} pixels,
 * values mapped from [lo, hi] to black..white.
 */
final class Pictures {
  private Pictures() {}

  static void grid(Path file, double[] values, int count, int width, int scale) throws IOException {
    int side = (int) Math.round(Math.sqrt(width));
    // Small images get bigger blocks so they stay visible (at least 4×4 pixels per unit).
    scale = Math.max(scale, 48 / Math.max(1, side));
    int rows = side * side == width ? side : 1;
    int cols = side * side == width ? side : width;
    int perRow = (int) Math.ceil(Math.sqrt(count));
    int gridRows = (int) Math.ceil(count / (double) perRow);
    int gap = 2;
    int w = perRow * (cols * scale + gap) + gap;
    int h = gridRows * (rows * scale + gap) + gap;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < count * width; k++) {
      lo = Math.min(lo, values[k]);
      hi = Math.max(hi, values[k]);
    }
    double span = hi > lo ? hi - lo : 1;
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, 0x4060a0);
      }
    }
    for (int i = 0; i < count; i++) {
      int ox = gap + (i % perRow) * (cols * scale + gap);
      int oy = gap + (i / perRow) * (rows * scale + gap);
      for (int u = 0; u < width; u++) {
        int gray = (int) Math.round(255 * (values[i * width + u] - lo) / span);
        int rgb = (gray << 16) | (gray << 8) | gray;
        int ux = ox + (u % cols) * scale;
        int uy = oy + (u / cols) * scale;
        for (int dy = 0; dy < scale; dy++) {
          for (int dx = 0; dx < scale; dx++) {
            image.setRGB(ux + dx, uy + dy, rgb);
          }
        }
      }
    }
    java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
    ImageIO.write(image, "png", file.toFile());
  }

  /** A line chart of {@code values} against epoch 1..n, with the range labelled. */
  static void curve(Path file, double[] values, String title) throws IOException {
    int w = 640;
    int h = 400;
    int margin = 60;
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = image.createGraphics();
    g.setRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(java.awt.Color.WHITE);
    g.fillRect(0, 0, w, h);
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      if (Double.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (!(hi >= lo)) {
      lo = 0;
      hi = 1;
    }
    if (hi == lo) {
      hi = lo + 1;
    }
    g.setColor(java.awt.Color.BLACK);
    g.drawLine(margin, h - margin, w - 20, h - margin);
    g.drawLine(margin, 20, margin, h - margin);
    g.drawString(title, margin, 15);
    g.drawString(String.format(java.util.Locale.ROOT, "%.2f", hi), 5, 25);
    g.drawString(String.format(java.util.Locale.ROOT, "%.2f", lo), 5, h - margin);
    g.drawString("epoch 1", margin, h - margin + 20);
    g.drawString("epoch " + values.length, w - 90, h - margin + 20);
    g.setColor(new java.awt.Color(0x2060c0));
    g.setStroke(new java.awt.BasicStroke(2f));
    int px = -1;
    int py = -1;
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        continue;
      }
      int x = margin + (int) Math.round((w - 20 - margin) * (values.length == 1 ? 0.5 : (double) i / (values.length - 1)));
      int y = h - margin - (int) Math.round((h - margin - 20) * (values[i] - lo) / (hi - lo));
      if (px >= 0) {
        g.drawLine(px, py, x, y);
      }
      g.fillOval(x - 2, y - 2, 5, 5);
      px = x;
      py = y;
    }
    g.dispose();
    java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
    ImageIO.write(image, "png", file.toFile());
  }
}
