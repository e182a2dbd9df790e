package org.ebm4j.model;

/**
 * The maths of one categorical unit, a group of K one-hot indicators, from the unnormalised log
 * probabilities of its states: {@code sign · in[from + a]} for a &lt; K. With sign −1 the inputs are
 * the fields g_a = ∂E/∂x_a of an energy affine in the unit (p(a | rest) ∝ exp(−g_a)); with +1 they
 * are log weights. Generated code and the runtime call these so the softmax is written once,
 * shifted by the maximum so no exp overflows.
 */
public final class CategoricalUnits {
  private CategoricalUnits() {}

  private static double max(double[] in, int from, double sign, int k) {
    double max = sign * in[from];
    for (int a = 1; a < k; a++) {
      max = Math.max(max, sign * in[from + a]);
    }
    return max;
  }

  /** log Σ_a exp(sign · in[from + a]). */
  public static double logSumExp(double[] in, int from, double sign, int k) {
    double max = max(in, from, sign, k);
    double s = 0;
    for (int a = 0; a < k; a++) {
      s += Math.exp(sign * in[from + a] - max);
    }
    return Math.log(s) + max;
  }

  /** {@code out[to + a] = exp(sign · in_a) / Σ_b exp(sign · in_b)}: the state probabilities, the means of the indicators. */
  public static void softmax(double[] in, int from, double sign, double[] out, int to, int k) {
    double max = max(in, from, sign, k);
    double s = 0;
    for (int a = 0; a < k; a++) {
      double e = Math.exp(sign * in[from + a] - max);
      out[to + a] = e;
      s += e;
    }
    double inv = 1 / s;
    for (int a = 0; a < k; a++) {
      out[to + a] *= inv;
    }
  }

  /**
   * Writes the one-hot state drawn from p(a) ∝ exp(sign · in_a) into {@code out[to .. to + k)}, from
   * one uniform u in [0, 1): the first a whose cumulative weight exceeds u · total. {@code in} and
   * {@code out} may be the same array at the same offset.
   */
  public static void draw(double[] in, int from, double sign, double[] out, int to, int k, double u) {
    double max = max(in, from, sign, k);
    double total = 0;
    for (int a = 0; a < k; a++) {
      total += Math.exp(sign * in[from + a] - max);
    }
    double target = u * total;
    double cumulative = 0;
    int chosen = k - 1;
    for (int a = 0; a < k; a++) {
      cumulative += Math.exp(sign * in[from + a] - max);
      if (target < cumulative) {
        chosen = a;
        break;
      }
    }
    java.util.Arrays.fill(out, to, to + k, 0.0);
    out[to + chosen] = 1;
  }

  /** Writes the one-hot state drawn with probabilities {@code p[from .. from + k)} (summing to 1) from one uniform u. */
  public static void drawFromProbabilities(double[] p, int from, double[] out, int to, int k, double u) {
    double cumulative = 0;
    int chosen = k - 1;
    for (int a = 0; a < k; a++) {
      cumulative += p[from + a];
      if (u < cumulative) {
        chosen = a;
        break;
      }
    }
    java.util.Arrays.fill(out, to, to + k, 0.0);
    out[to + chosen] = 1;
  }
}
