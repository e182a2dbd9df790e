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
 * @param weights the weight of each example (for instance a sequence's share of its cluster of near
 *     copies), or null when every example counts once. Weighted objectives and statistics use Σ w_i
 *     f(v_i) / Σ w_i
 * @param categories for one-hot categorical data (an alignment, say), the number of states K of
 *     each unit, whose columns come in groups of K; 0 for any other data
 */
public record Dataset(String name, int size, int width, double[] values, int[] lines, double[] weights, int categories, int observed) {

  /** Checks that {@code values} holds {@code size × width} numbers (and lines and weights, if any, one per row). */
  public Dataset {
    if (observed < 0 || observed > size) {
      throw new IllegalArgumentException("dataset " + name + ": " + observed + " observed rows of " + size);
    }
    if (size < 0 || width <= 0 || values.length != (long) size * width) {
      throw new IllegalArgumentException(
          "dataset " + name + ": " + values.length + " values do not make " + size + " rows of width " + width);
    }
    if (lines != null && lines.length != size) {
      throw new IllegalArgumentException("dataset " + name + ": " + lines.length + " line numbers for " + size + " rows");
    }
    if (categories < 0 || (categories > 0 && width % categories != 0)) {
      throw new IllegalArgumentException("dataset " + name + ": " + width + " columns are not units of " + categories + " states");
    }
    if (weights != null) {
      if (weights.length != size) {
        throw new IllegalArgumentException("dataset " + name + ": " + weights.length + " weights for " + size + " rows");
      }
      double total = 0;
      for (int i = 0; i < size; i++) {
        if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
          throw new IllegalArgumentException("dataset " + name + ", " + (lines == null ? "row " + (i + 1) : "line " + lines[i]) + ": weight " + weights[i] + " is not a finite number >= 0");
        }
        total += weights[i];
      }
      if (size > 0 && total == 0) {
        throw new IllegalArgumentException("dataset " + name + ": every weight is 0");
      }
    }
  }

  /** Every row an observation. */
  public Dataset(String name, int size, int width, double[] values, int[] lines, double[] weights, int categories) {
    this(name, size, width, values, lines, weights, categories, size);
  }

  /**
   * The rows that were observed, without the rows added for training only (the uniform rows of a
   * pseudo-count, {@link Alignment#toDataset(double[], double, long)}): what a reported
   * likelihood should describe. This data set itself where every row was observed.
   */
  public Dataset observations() {
    if (observed == size) {
      return this;
    }
    return new Dataset(name, observed, width, java.util.Arrays.copyOf(values, observed * width),
        lines == null ? null : java.util.Arrays.copyOf(lines, observed), weights == null ? null : java.util.Arrays.copyOf(weights, observed), categories);
  }

  /** A data set, unweighted, with the file line of each row. */
  public Dataset(String name, int size, int width, double[] values, int[] lines) {
    this(name, size, width, values, lines, null, 0);
  }

  /** A data set not read from a text file. */
  public Dataset(String name, int size, int width, double[] values) {
    this(name, size, width, values, null, null, 0);
  }

  /** The same examples with these weights (one per row, ≥ 0). */
  public Dataset withWeights(double[] w) {
    return new Dataset(name, size, width, values, lines, w.clone(), categories, observed);
  }

  /** Whether the examples carry weights. */
  public boolean weighted() {
    return weights != null;
  }

  /** The weight of example i (1 when unweighted). */
  public double weight(int i) {
    return weights == null ? 1 : weights[i];
  }

  /** Σ of the weights: the effective number of examples (the size when unweighted). */
  public double totalWeight() {
    if (weights == null) {
      return size;
    }
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    return total;
  }

  /** Copies example {@code i} into {@code out} (length {@code width}). */
  public void row(int i, double[] out) {
    System.arraycopy(values, i * width, out, 0, width);
  }

  /** Example {@code i} as a new array. */
  public double[] row(int i) {
    return Arrays.copyOfRange(values, i * width, (i + 1) * width);
  }

  /** Mean of each column, weighted when the examples carry weights. */
  public double[] columnMeans() {
    if (weights != null) {
      double[] mean = new double[width];
      double total = totalWeight();
      for (int i = 0; i < size; i++) {
        double w = weights[i] / total;
        for (int j = 0; j < width; j++) {
          mean[j] += w * values[i * width + j];
        }
      }
      return mean;
    }
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
    // One lookup per column, not per value: this runs over every value of the data set.
    Domain[] domains = new Domain[width];
    for (int j = 0; j < width; j++) {
      domains[j] = variables.domainAt(j);
    }
    for (int i = 0; i < size; i++) {
      for (int j = 0; j < width; j++) {
        double value = values[i * width + j];
        Domain domain = domains[j];
        if (!domain.contains(value)) {
          throw new IllegalArgumentException(
              "data " + name + ", " + where(i) + ", column " + (j + 1) + ": value " + value
                  + " is not " + domain.valuesText());
        }
      }
      for (Variables.Variable v : variables.all()) {
        if (v.visible() && v.isCategorical()) {
          for (int u = 0; u < v.units(); u++) {
            double ones = 0;
            for (int a = 0; a < v.group(); a++) {
              ones += values[i * width + v.offset() + u * v.group() + a];
            }
            if (ones != 1) {
              throw new IllegalArgumentException(
                  "data " + name + ", " + where(i) + ", columns " + (v.offset() + u * v.group() + 1) + "-" + (v.offset() + (u + 1) * v.group())
                      + ": unit " + (u + 1) + " of the categorical variable " + v.name() + " has " + (int) ones
                      + " ones; each unit is one-hot, exactly one 1 among its " + v.group() + " columns");
            }
          }
        }
      }
    }
  }

  private String where(int row) {
    return lines == null ? "row " + (row + 1) : "line " + lines[row];
  }


  /** A permutation of 0..size-1 drawn from {@code rng} (Fisher–Yates). */
  public int[] shuffledOrder(RandomGenerator rng) {
    return shuffledOrder(size, rng);
  }

  /** The order {@link #shuffledOrder(RandomGenerator)} gives a data set of {@code size} examples, for data held elsewhere. */
  public static int[] shuffledOrder(int size, RandomGenerator rng) {
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
