package org.ebm4j.data;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The bars-and-stripes set: the 2^(n+1) − 2 distinct n×n binary images made of full rows or full
 * columns, row-major, n² units each. All-off and all-on count once.
 */
public final class BarsAndStripes {
  private BarsAndStripes() {}

  /** All distinct n×n images, rows patterns first, each in increasing bit order. */
  public static Dataset generate(int n) {
    if (n < 1 || n > 12) {
      throw new IllegalArgumentException("bars-and-stripes size must be 1..12, got " + n);
    }
    Set<List<Double>> images = new LinkedHashSet<>();
    for (int orientation = 0; orientation < 2; orientation++) {
      for (int mask = 0; mask < (1 << n); mask++) {
        Double[] image = new Double[n * n];
        for (int r = 0; r < n; r++) {
          for (int c = 0; c < n; c++) {
            int line = orientation == 0 ? r : c;
            image[r * n + c] = (double) ((mask >> line) & 1);
          }
        }
        images.add(List.of(image));
      }
    }
    double[] values = new double[images.size() * n * n];
    int k = 0;
    for (List<Double> image : images) {
      for (double v : image) {
        values[k++] = v;
      }
    }
    return new Dataset("bars-and-stripes:" + n, images.size(), n * n, values);
  }
}
