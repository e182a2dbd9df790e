package org.ebm4j.dsl;

/**
 * The functions an energy body may call, in plain Java so a spec class runs as written.
 *
 * <p>Vectors are {@code double[]}, matrices {@code double[rows][cols]}. Every function returns a new
 * array and leaves its arguments unchanged. The ebm4j processor knows each of them and generates
 * allocation-free code for them and for their derivatives.
 */
public final class Ops {
  private Ops() {}

  /** Σ_k a_k b_k. */
  public static double dot(double[] a, double[] b) {
    checkSameLength("dot", a, b);
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      s += a[k] * b[k];
    }
    return s;
  }

  /** Σ_k a_k. */
  public static double sum(double[] a) {
    double s = 0;
    for (double value : a) {
      s += value;
    }
    return s;
  }

  /** Σ_k a_k². */
  public static double sumSquares(double[] a) {
    double s = 0;
    for (double value : a) {
      s += value * value;
    }
    return s;
  }

  /** W x for W of shape [m][n] and x of length n: a vector of length m. */
  public static double[] matvec(double[][] w, double[] x) {
    double[] y = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      y[i] = dot(w[i], x);
    }
    return y;
  }

  /** xᵀ W for x of length m and W of shape [m][n]: a vector of length n. */
  public static double[] vecmat(double[] x, double[][] w) {
    if (x.length != w.length) {
      throw new IllegalArgumentException(
          "vecmat: vector has length " + x.length + " but matrix has " + w.length + " rows");
    }
    int n = w.length == 0 ? 0 : w[0].length;
    double[] y = new double[n];
    for (int i = 0; i < w.length; i++) {
      for (int j = 0; j < n; j++) {
        y[j] += x[i] * w[i][j];
      }
    }
    return y;
  }

  /** vᵀ W h = Σ_ij v_i W_ij h_j. */
  public static double bilinear(double[] v, double[][] w, double[] h) {
    return dot(v, matvec(w, h));
  }

  /** a + b, element-wise. */
  public static double[] add(double[] a, double[] b) {
    checkSameLength("add", a, b);
    double[] y = new double[a.length];
    for (int k = 0; k < a.length; k++) {
      y[k] = a[k] + b[k];
    }
    return y;
  }

  /** a − b, element-wise. */
  public static double[] sub(double[] a, double[] b) {
    checkSameLength("sub", a, b);
    double[] y = new double[a.length];
    for (int k = 0; k < a.length; k++) {
      y[k] = a[k] - b[k];
    }
    return y;
  }

  /** s · a. */
  public static double[] scale(double s, double[] a) {
    double[] y = new double[a.length];
    for (int k = 0; k < a.length; k++) {
      y[k] = s * a[k];
    }
    return y;
  }

  /** a · s; the same as {@link #scale(double, double[])}. */
  public static double[] scale(double[] a, double s) {
    return scale(s, a);
  }

  /** log(1 + e^x), computed without overflow. */
  public static double softplus(double x) {
    return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }

  /** 1 / (1 + e^−x). */
  public static double sigmoid(double x) {
    if (x >= 0) {
      return 1 / (1 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1 + e);
  }

  /** log σ(x) = −softplus(−x): the log-probability of a logistic unit, finite for every x. */
  public static double logSigmoid(double x) {
    return -softplus(-x);
  }

  /** log cosh x, without overflow for large |x|. */
  public static double logCosh(double x) {
    double a = Math.abs(x);
    return a + Math.log1p(Math.exp(-2 * a)) - Math.log(2);
  }

  /** x². */
  public static double square(double x) {
    return x * x;
  }

  /** log Σ_k e^{a_k}, computed without overflow; −∞ for an empty vector. */
  public static double logSumExp(double[] a) {
    double max = Double.NEGATIVE_INFINITY;
    for (double value : a) {
      max = Math.max(max, value);
    }
    if (max == Double.NEGATIVE_INFINITY || max == Double.POSITIVE_INFINITY) {
      return max;
    }
    double s = 0;
    for (double value : a) {
      s += Math.exp(value - max);
    }
    return max + Math.log(s);
  }

  /** e^{a_k}, element-wise. */
  public static double[] exp(double[] a) {
    double[] y = new double[a.length];
    for (int k = 0; k < a.length; k++) {
      y[k] = Math.exp(a[k]);
    }
    return y;
  }

  /** log a_k, element-wise. */
  public static double[] log(double[] a) {
    double[] y = new double[a.length];
    for (int k = 0; k < a.length; k++) {
      y[k] = Math.log(a[k]);
    }
    return y;
  }

  /** tanh a_k, element-wise. */
  public static double[] tanh(double[] a) {
    double[] y = new double[a.length];
    for (int k = 0; k < a.length; k++) {
      y[k] = Math.tanh(a[k]);
    }
    return y;
  }

  /** sigmoid a_k, element-wise. */
  public static double[] sigmoid(double[] a) {
    double[] y = new double[a.length];
    for (int k = 0; k < a.length; k++) {
      y[k] = sigmoid(a[k]);
    }
    return y;
  }

  /** softplus a_k, element-wise. */
  public static double[] softplus(double[] a) {
    double[] y = new double[a.length];
    for (int k = 0; k < a.length; k++) {
      y[k] = softplus(a[k]);
    }
    return y;
  }

  /** log σ(a_k), element-wise. */
  public static double[] logSigmoid(double[] a) {
    double[] y = new double[a.length];
    for (int k = 0; k < a.length; k++) {
      y[k] = logSigmoid(a[k]);
    }
    return y;
  }

  /** log cosh a_k, element-wise. */
  public static double[] logCosh(double[] a) {
    double[] y = new double[a.length];
    for (int k = 0; k < a.length; k++) {
      y[k] = logCosh(a[k]);
    }
    return y;
  }

  /** a_k², element-wise. */
  public static double[] square(double[] a) {
    double[] y = new double[a.length];
    for (int k = 0; k < a.length; k++) {
      y[k] = a[k] * a[k];
    }
    return y;
  }

  private static void checkSameLength(String op, double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          op + ": lengths differ (" + a.length + " and " + b.length + ")");
    }
  }
}
