package org.ebm4j.kernel;

import java.util.random.RandomGenerator;

/**
 * Parameter initialisers named by {@code @Param(init = ...)}, drawn from the builder's seeded
 * generator. Public only for generated code.
 */
public final class Inits {
  private Inits() {}

  /** Fills {@code params[off .. off + n)} with {@code value}. */
  public static void constant(double[] params, int off, int n, double value) {
    java.util.Arrays.fill(params, off, off + n, value);
  }

  /** Fills {@code params[off .. off + n)} with draws from N(0, std²). */
  public static void normal(double[] params, int off, int n, double std, RandomGenerator rng) {
    for (int k = 0; k < n; k++) {
      params[off + k] = std * rng.nextGaussian();
    }
  }

  /** Fills {@code params[off .. off + n)} with draws from U[lo, hi). */
  public static void uniform(
      double[] params, int off, int n, double lo, double hi, RandomGenerator rng) {
    for (int k = 0; k < n; k++) {
      params[off + k] = lo + (hi - lo) * rng.nextDouble();
    }
  }
}
