package org.ebm4j.data;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.ebm4j.model.Domain;
import org.ebm4j.model.Variables;

/**
 * Examples of the visible part of a state, stored row-major in one flat array.
 *
 * @param name where it came from, for messages and records
 * @param size number of examples
 * @param width values per example (the model's visible size)
 * @param values {@code size × width} values, row-major
 * @param lines for data read from a text file, the file line of each row (so messages name the
 *     line a user can find, blank lines counted); null otherwise
 */
public record Dataset(String name, int size, int width, double[] values, int[] lines) {

  /** Checks that {@code values} holds {@code size × width} numbers (and lines, if any, one per row). */
  public Dataset {
    if (size < 0 || width <= 0 || values.length != (long) size * width) {
      throw new IllegalArgumentException(
          "dataset " + name + ": " + values.length + " values do not make " + size + " rows of width " + width);
    }
    if (lines != null && lines.length != size) {
      throw new IllegalArgumentException("dataset " + name + ": " + lines.length + " line numbers for " + size + " rows");
    }
  }

  /** A data set not read from a text file. */
  public Dataset(String name, int size, int width, double[] values) {
    this(name, size, width, values, null);
  }

  /** Copies example {@code i} into {@code out} (length {@code width}). */
  public void row(int i, double[] out) {
    System.arraycopy(values, i * width, out, 0, width);
  }

  /** Example {@code i} as a new array. */
  public double[] row(int i) {
    return Arrays.copyOfRange(values, i * width, (i + 1) * width);
  }

  /** Mean of each column. */
  public double[] columnMeans() {
    double[] mean = new double[width];
    for (int i = 0; i < size; i++) {
      for (int j = 0; j < width; j++) {
        mean[j] += values[i * width + j];
      }
    }
    for (int j = 0; j < width; j++) {
      mean[j] /= Math.max(1, size);
    }
    return mean;
  }

  /**
   * Checks that every example fits the model's visible variables: the width, and each value in its
   * unit's domain.
   *
   * @throws IllegalArgumentException naming the first bad row (1-based) and column (1-based)
   */
  public void validate(Variables variables) {
    int visible = variables.visibleSize();
    if (width != visible) {
      throw new IllegalArgumentException(
          "data " + name + " has " + width + " columns, but the model has " + visible + " visible units");
    }
    for (int i = 0; i < size; i++) {
      for (int j = 0; j < width; j++) {
        double value = values[i * width + j];
        Domain domain = variables.domainAt(j);
        if (!domain.contains(value)) {
          throw new IllegalArgumentException(
              "data " + name + ", " + (lines == null ? "row " + (i + 1) : "line " + lines[i]) + ", column " + (j + 1) + ": value " + value
                  + " is not " + domain.valuesText());
        }
      }
    }
  }


  /** A permutation of 0..size-1 drawn from {@code rng} (Fisher–Yates). */
  public int[] shuffledOrder(RandomGenerator rng) {
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    for (int i = size - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
