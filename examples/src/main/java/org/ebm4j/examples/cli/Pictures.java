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
}
