package org.ebm4j.train;

import org.ebm4j.data.Dataset;

/**
 * Visible examples of one minibatch, row-major.
 *
 * @param values {@code size × width} values
 * @param size number of examples
 * @param width visible units per example
 * @param weights per example, scaled so that they average 1 over the whole data set (a minibatch's
 *     weighted mean Σ w_i g_i / size is then an unbiased estimate of the data's weighted mean); null
 *     when the data are unweighted
 */
public record MiniBatch(double[] values, int size, int width, double[] weights) {

  /** An unweighted minibatch. */
  public MiniBatch(double[] values, int size, int width) {
    this(values, size, width, null);
  }

  /** The weight of example i (1 when unweighted). */
  public double weight(int i) {
    return weights == null ? 1 : weights[i];
  }

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
    if (!data.weighted()) {
      return new MiniBatch(values, to - from, data.width());
    }
    double mean = data.totalWeight() / data.size();
    double[] w = new double[to - from];
    for (int i = from; i < to; i++) {
      w[i - from] = data.weight(order[i]) / mean;
    }
    return new MiniBatch(values, to - from, data.width(), w);
  }

  /** Copies example {@code i} into the start of {@code out}. */
  public void row(int i, double[] out) {
    System.arraycopy(values, i * width, out, 0, width);
  }

  /**
   * The examples in float into the first rows of {@code states} (row stride {@code stride}),
   * converted where they lie here (a loop over two layouts does not vectorise) and then copied;
   * returns the conversion buffer, {@code buffer} or a larger one.
   */
  float[] toFloatRows(float[] states, int stride, float[] buffer) {
    if (buffer.length < size * width) {
      buffer = new float[size * width];
    }
    org.ebm4j.kernel.FloatKernels.toFloat(values, buffer, 0, size * width);
    for (int i = 0; i < size; i++) {
      System.arraycopy(buffer, i * width, states, i * stride, width);
    }
    return buffer;
  }
}
