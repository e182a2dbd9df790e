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

  /** Whether the model's visibles are exactly two real units: then a density picture says most. */
  static boolean isPlane(org.ebm4j.model.EnergyModel model) {
    return model.visibleSize() == 2
        && model.variables().all().stream().filter(org.ebm4j.model.Variables.Variable::visible)
            .allMatch(v -> v.domain() == org.ebm4j.model.Domain.REAL);
  }

  /**
   * The model's density over the plane, p̃(v) ∝ exp(log p̃(v)) with latents summed out, as a heat
   * map (dark: low, yellow: high), with {@code samples} as red dots and {@code data} (may be empty)
   * as black dots. Both are rows of two numbers; the view covers them with a margin. Models whose
   * p̃(v) cannot be computed (real latents without a free energy) get the dots only.
   */
  static void density(Path file, org.ebm4j.model.EnergyModel model, double[] samples, double[] data) throws IOException {
    int size = 480;
    int margin = 40;
    int plot = size - 2 * margin;
    double[] range = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    for (double[] points : new double[][] {samples, data}) {
      for (int i = 0; i + 1 < points.length; i += 2) {
        if (Double.isFinite(points[i]) && Double.isFinite(points[i + 1])) {
          range[0] = Math.min(range[0], points[i]);
          range[1] = Math.max(range[1], points[i]);
          range[2] = Math.min(range[2], points[i + 1]);
          range[3] = Math.max(range[3], points[i + 1]);
        }
      }
    }
    if (!(range[1] >= range[0])) {
      range = new double[] {-3, 3, -3, 3};
    }
    for (int axis = 0; axis < 2; axis++) {
      double span = Math.max(range[2 * axis + 1] - range[2 * axis], 1e-3);
      range[2 * axis] -= 0.15 * span;
      range[2 * axis + 1] += 0.15 * span;
    }
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = image.createGraphics();
    g.setRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(java.awt.Color.WHITE);
    g.fillRect(0, 0, size, size);
    double[] logP = new double[plot * plot];
    double max = Double.NEGATIVE_INFINITY;
    try {
      double[] v = new double[2];
      for (int py = 0; py < plot; py++) {
        for (int px = 0; px < plot; px++) {
          v[0] = range[0] + (px + 0.5) / plot * (range[1] - range[0]);
          v[1] = range[3] - (py + 0.5) / plot * (range[3] - range[2]);
          logP[py * plot + px] = org.ebm4j.estimate.Enumeration.logPTildeVisible(model, v);
          max = Math.max(max, logP[py * plot + px]);
        }
      }
    } catch (IllegalArgumentException e) {
      max = Double.NaN;
    }
    if (Double.isFinite(max)) {
      for (int py = 0; py < plot; py++) {
        for (int px = 0; px < plot; px++) {
          image.setRGB(margin + px, margin + py, heat(Math.exp(logP[py * plot + px] - max)));
        }
      }
    }
    g.setColor(java.awt.Color.BLACK);
    g.drawRect(margin, margin, plot, plot);
    drawPoints(g, data, range, margin, plot, java.awt.Color.BLACK, 3);
    drawPoints(g, samples, range, margin, plot, new java.awt.Color(0xe02020), 5);
    g.setColor(java.awt.Color.BLACK);
    java.util.Locale l = java.util.Locale.ROOT;
    g.drawString(String.format(l, "%.2f", range[0]), margin, size - margin + 15);
    g.drawString(String.format(l, "%.2f", range[1]), size - margin - 30, size - margin + 15);
    g.drawString(String.format(l, "%.2f", range[2]), 2, size - margin);
    g.drawString(String.format(l, "%.2f", range[3]), 2, margin + 10);
    g.drawString(Double.isFinite(max) ? "density p(v) (dark low, yellow high); red: samples" + (data.length > 0 ? ", black: data" : "")
        : "samples (red)" + (data.length > 0 ? ", data (black)" : "") + "; this model has no closed-form p(v)", margin, 25);
    g.dispose();
    java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
    ImageIO.write(image, "png", file.toFile());
  }

  private static void drawPoints(java.awt.Graphics2D g, double[] points, double[] range, int margin, int plot, java.awt.Color color, int d) {
    g.setColor(color);
    for (int i = 0; i + 1 < points.length; i += 2) {
      int x = margin + (int) Math.round((points[i] - range[0]) / (range[1] - range[0]) * plot);
      int y = margin + (int) Math.round((range[3] - points[i + 1]) / (range[3] - range[2]) * plot);
      g.fillOval(x - d / 2, y - d / 2, d, d);
    }
  }

  /**
   * A contact map: unit pairs (i, j) as a units × units grid, both triangles, each pair coloured by
   * its score (the lowest to the highest), the best {@code units} pairs outlined in white.
   */
  static void contactMap(Path file, int units, java.util.List<org.ebm4j.estimate.Contacts.Pair> pairs) throws IOException {
    int cell = Math.max(4, Math.min(12, 600 / Math.max(1, units)));
    int size = units * cell;
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    double lo = pairs.stream().mapToDouble(org.ebm4j.estimate.Contacts.Pair::score).min().orElse(0);
    double hi = pairs.stream().mapToDouble(org.ebm4j.estimate.Contacts.Pair::score).max().orElse(1);
    java.awt.Graphics2D g = image.createGraphics();
    g.setColor(java.awt.Color.BLACK);
    g.fillRect(0, 0, size, size);
    for (int rank = 0; rank < pairs.size(); rank++) {
      org.ebm4j.estimate.Contacts.Pair p = pairs.get(rank);
      g.setColor(new java.awt.Color(heat(hi > lo ? (p.score() - lo) / (hi - lo) : 0)));
      g.fillRect(p.j() * cell, p.i() * cell, cell, cell);
      g.fillRect(p.i() * cell, p.j() * cell, cell, cell);
      if (rank < units) {
        g.setColor(java.awt.Color.WHITE);
        g.drawRect(p.j() * cell, p.i() * cell, cell - 1, cell - 1);
        g.drawRect(p.i() * cell, p.j() * cell, cell - 1, cell - 1);
      }
    }
    g.dispose();
    ImageIO.write(image, "png", file.toFile());
  }

  /** A dark-blue → teal → yellow scale for t in [0, 1]. */
  private static int heat(double t) {
    t = Math.max(0, Math.min(1, t));
    int r = (int) Math.round(255 * Math.min(1, Math.max(0, 2 * t - 0.6)));
    int gr = (int) Math.round(40 + 200 * Math.sqrt(t));
    int b = (int) Math.round(110 + 60 * Math.sin(Math.PI * t) - 100 * t);
    return (r << 16) | (Math.min(255, gr) << 8) | Math.max(0, Math.min(255, b));
  }
}
