package org.ebm4j.train;

import org.ebm4j.data.Dataset;

/**
 * Visible examples of one minibatch, row-major.
 *
 * @param values {@code size × width} values
 * @param size number of examples
 * @param width visible units per example
 */
public record MiniBatch(double[] values, int size, int width) {

  /** The rows {@code order[from .. to)} of {@code data}. */
  public static MiniBatch of(Dataset data, int[] order, int from, int to) {
    return of(data, order, from, to, null);
  }

  /**
   * The rows {@code order[from .. to)} of {@code data}, copied into {@code buffer} when it has the
   * exact size (a training loop reuses one array instead of allocating per minibatch).
   */
  public static MiniBatch of(Dataset data, int[] order, int from, int to, double[] buffer) {
    int n = (to - from) * data.width();
    double[] values = buffer != null && buffer.length == n ? buffer : new double[n];
    for (int i = from; i < to; i++) {
      System.arraycopy(data.values(), order[i] * data.width(), values, (i - from) * data.width(), data.width());
    }
    return new MiniBatch(values, to - from, data.width());
  }

  /** Copies example {@code i} into the start of {@code out}. */
  public void row(int i, double[] out) {
    System.arraycopy(values, i * width, out, 0, width);
  }
}
