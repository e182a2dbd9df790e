package org.ebm4j.kernel;

/**
 * Numeric kernels that generated models call. Tensors are passed as (array, offset) with row-major
 * matrices, so parameters are used in place inside the flat parameter vector.
 *
 * <p>Public only because generated classes live in users' packages: not a stable API.
 */
public final class Kernels {
  private Kernels() {}

  /** log(1 + e^x) without overflow. */
  public static double softplus(double x) {
    return Math.max(x, 0) + log1pSmall(Math.exp(-Math.abs(x)));
  }

  /**
   * log(1 + t) for t in [0, 1], to 3e-13 relative (by its series below t = 1e-3): HotSpot
   * compiles Math.log to an intrinsic but not Math.log1p, which costs twice as much, and these
   * run once per hidden unit and row in every gradient.
   */
  static double log1pSmall(double t) {
    if (t < 1e-3) {
      return t * (1 - t * (0.5 - t * (1.0 / 3 - t * 0.25)));
    }
    return Math.log(1 + t);
  }

  /**
   * tanh x to 3e-14 relative, from the intrinsic exp: Math.tanh is fdlibm's, not an intrinsic, and
   * costs 2–3 times as much (measured 42–50 ns against 16–18 here). Below |x| = 1e-3, where
   * 1 − e^{−2|x|} cancels, its series.
   */
  public static double tanh(double x) {
    double a = Math.abs(x);
    if (a < 1e-3) {
      double x2 = x * x;
      return x * (1 - x2 * (1.0 / 3 - x2 * (2.0 / 15)));
    }
    double e = Math.exp(-2 * a);
    return Math.copySign((1 - e) / (1 + e), x);
  }

  /** e^{−|x|}: the one exp from which {@link #tanhE}, {@link #sigmoidE} and {@link #softplusE} follow. */
  public static double expNegAbs(double x) {
    return Math.exp(-Math.abs(x));
  }

  /** tanh x from e = e^{−|x|} (the series near 0, where 1 − e² would cancel). */
  public static double tanhE(double x, double e) {
    if (Math.abs(x) < 1e-3) {
      double x2 = x * x;
      return x * (1 - x2 * (1.0 / 3 - x2 * (2.0 / 15)));
    }
    double e2 = e * e;
    return x >= 0 ? (1 - e2) / (1 + e2) : (e2 - 1) / (1 + e2);
  }

  /** σ(x) from e = e^{−|x|}. */
  public static double sigmoidE(double x, double e) {
    return (x >= 0 ? 1 : e) / (1 + e);
  }

  /** softplus(x) from e = e^{−|x|}. */
  public static double softplusE(double x, double e) {
    return Math.max(x, 0) + log1pSmall(e);
  }

  /**
   * 1 / (1 + e^−x), to a few ulps everywhere: for x ≪ 0, e^−x overflows to ∞ and the result is 0,
   * as it should be. No branch, because in samplers the sign of x is a coin flip.
   */
  public static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  /** log σ(x) = −softplus(−x), finite for every x. */
  public static double logSigmoid(double x) {
    return -softplus(-x);
  }

  /** log cosh x = log(2 cosh x) − log 2, without overflow. */
  public static double logCosh(double x) {
    return log2cosh(x) - LN2;
  }

  private static final double LN2 = Math.log(2);

  /** log(2 cosh x) = |x| + log(1 + e^{−2|x|}), without overflow. */
  public static double log2cosh(double x) {
    double a = Math.abs(x);
    return a + log1pSmall(Math.exp(-2 * a));
  }

  /** log(e^a + e^b) without overflow. */
  public static double logAddExp(double a, double b) {
    if (a == Double.NEGATIVE_INFINITY) {
      return b;
    }
    if (b == Double.NEGATIVE_INFINITY) {
      return a;
    }
    double max = Math.max(a, b);
    return max + Math.log1p(Math.exp(-Math.abs(a - b)));
  }

  /** Σ_k a_k b_k over n entries. */
  public static double dot(double[] a, int ao, double[] b, int bo, int n) {
    double s = 0;
    for (int k = 0; k < n; k++) {
      s += a[ao + k] * b[bo + k];
    }
    return s;
  }

  /** Σ_k a_k over n entries. */
  public static double sum(double[] a, int ao, int n) {
    double s = 0;
    for (int k = 0; k < n; k++) {
      s += a[ao + k];
    }
    return s;
  }

  /** Σ_k a_k² over n entries. */
  public static double sumSquares(double[] a, int ao, int n) {
    double s = 0;
    for (int k = 0; k < n; k++) {
      double v = a[ao + k];
      s += v * v;
    }
    return s;
  }

  /** log Σ_k e^{a_k} over n entries, shifted by the maximum; −∞ when n is 0. */
  public static double logSumExp(double[] a, int ao, int n) {
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < n; k++) {
      max = Math.max(max, a[ao + k]);
    }
    if (max == Double.NEGATIVE_INFINITY || max == Double.POSITIVE_INFINITY) {
      return max;
    }
    double s = 0;
    for (int k = 0; k < n; k++) {
      s += Math.exp(a[ao + k] - max);
    }
    return max + Math.log(s);
  }

  /** y = W x, W of shape [m][n] (overwrites y's m entries). */
  public static void matvec(
      double[] w, int wo, int m, int n, double[] x, int xo, double[] y, int yo) {
    for (int i = 0; i < m; i++) {
      y[yo + i] = dot(w, wo + i * n, x, xo, n);
    }
  }

  /** y = xᵀ W, W of shape [m][n] (overwrites y's n entries). */
  public static void vecmat(
      double[] x, int xo, double[] w, int wo, int m, int n, double[] y, int yo) {
    java.util.Arrays.fill(y, yo, yo + n, 0.0);
    vecmatAdd(1.0, x, xo, w, wo, m, n, y, yo);
  }

  /** y += s · W x, W of shape [m][n]. */
  public static void matvecAdd(
      double s, double[] w, int wo, int m, int n, double[] x, int xo, double[] y, int yo) {
    for (int i = 0; i < m; i++) {
      y[yo + i] += s * dot(w, wo + i * n, x, xo, n);
    }
  }

  /** y += s · xᵀ W, W of shape [m][n]. */
  public static void vecmatAdd(
      double s, double[] x, int xo, double[] w, int wo, int m, int n, double[] y, int yo) {
    for (int i = 0; i < m; i++) {
      double xi = s * x[xo + i];
      if (xi == 0) {
        continue;
      }
      int row = wo + i * n;
      for (int j = 0; j < n; j++) {
        y[yo + j] += xi * w[row + j];
      }
    }
  }

  /** vᵀ W h = Σ_ij v_i W_ij h_j, W of shape [m][n]. */
  public static double bilinear(
      double[] v, int vo, double[] w, int wo, int m, int n, double[] h, int ho) {
    double s = 0;
    for (int i = 0; i < m; i++) {
      double vi = v[vo + i];
      if (vi != 0) {
        s += vi * dot(w, wo + i * n, h, ho, n);
      }
    }
    return s;
  }

  /** y = Aᵀ, A of shape [m][n] (y of shape [n][m]). */
  public static void transpose(double[] a, int ao, int m, int n, double[] y, int yo) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        y[yo + j * m + i] = a[ao + i * n + j];
      }
    }
  }

  /** y += s · Aᵀ, A of shape [m][n]. */
  public static void transposeAdd(double s, double[] a, int ao, int m, int n, double[] y, int yo) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        y[yo + j * m + i] += s * a[ao + i * n + j];
      }
    }
  }

  /** y_i = Σ_j A_ij B_ij, A and B of shape [m][n]. */
  public static void rowDots(double[] a, int ao, int m, int n, double[] b, int bo, int bm, int bn, double[] y, int yo) {
    for (int i = 0; i < m; i++) {
      y[yo + i] = dot(a, ao + i * n, b, bo + i * n, n);
    }
  }

  /** y_i += s · Σ_j A_ij B_ij. */
  public static void rowDotsAdd(double s, double[] a, int ao, int m, int n, double[] b, int bo, int bm, int bn, double[] y, int yo) {
    for (int i = 0; i < m; i++) {
      y[yo + i] += s * dot(a, ao + i * n, b, bo + i * n, n);
    }
  }

  /** y = the diagonal of the square A of shape [m][m]. */
  public static void diagonal(double[] a, int ao, int m, int n, double[] y, int yo) {
    for (int i = 0; i < m; i++) {
      y[yo + i] = a[ao + i * n + i];
    }
  }

  /** y += s · the diagonal of the square A. */
  public static void diagonalAdd(double s, double[] a, int ao, int m, int n, double[] y, int yo) {
    for (int i = 0; i < m; i++) {
      y[yo + i] += s * a[ao + i * n + i];
    }
  }

  /** Y = diag(d), d of length m, Y of shape [m][m]. */
  public static void diagEmbed(double[] d, int dof, int m, double[] y, int yo) {
    java.util.Arrays.fill(y, yo, yo + m * m, 0.0);
    diagEmbedAdd(1.0, d, dof, m, y, yo);
  }

  /** Y += s · diag(d). */
  public static void diagEmbedAdd(double s, double[] d, int dof, int m, double[] y, int yo) {
    for (int i = 0; i < m; i++) {
      y[yo + i * m + i] += s * d[dof + i];
    }
  }

  /** Y = diag(g) A, A of shape [m][n]. */
  public static void rowScale(double[] g, int go, double[] a, int ao, int m, int n, double[] y, int yo) {
    for (int i = 0; i < m; i++) {
      double gi = g[go + i];
      for (int j = 0; j < n; j++) {
        y[yo + i * n + j] = gi * a[ao + i * n + j];
      }
    }
  }

  /** Y += s · diag(g) A, A of shape [m][n]. */
  public static void rowScaleAdd(double s, double[] g, int go, double[] a, int ao, int m, int n, double[] y, int yo) {
    for (int i = 0; i < m; i++) {
      double gi = s * g[go + i];
      if (gi == 0) {
        continue;
      }
      for (int j = 0; j < n; j++) {
        y[yo + i * n + j] += gi * a[ao + i * n + j];
      }
    }
  }

  /** W += s · a bᵀ, a of length m, b of length n, W of shape [m][n]. */
  public static void outerAdd(
      double s, double[] a, int ao, int m, double[] b, int bo, int n, double[] w, int wo) {
    for (int i = 0; i < m; i++) {
      double ai = s * a[ao + i];
      if (ai == 0) {
        continue;
      }
      int row = wo + i * n;
      for (int j = 0; j < n; j++) {
        w[row + j] += ai * b[bo + j];
      }
    }
  }

  /** y += s · a over n entries. */
  public static void axpy(double s, double[] a, int ao, double[] y, int yo, int n) {
    for (int k = 0; k < n; k++) {
      y[yo + k] += s * a[ao + k];
    }
  }

  /**
   * Index of the first non-finite entry of {@code a}, or −1: a scan on all cores, not bound by one
   * addition's latency, since it runs after every update.
   */
  public static int firstNonFinite(double[] a) {
    boolean[] bad = new boolean[1];
    Parallel.rows((a.length + 1023) / 1024, 1024, (from, to) -> {
      if (!finite(a, from * 1024, Math.min(a.length, to * 1024))) {
        bad[0] = true;
      }
    });
    if (!bad[0]) {
      return -1;
    }
    for (int k = 0; k < a.length; k++) {
      if (!Double.isFinite(a[k])) {
        return k;
      }
    }
    return -1;
  }

  /** Whether a[from, to) is all finite: eight independent sums of x·0, NaN exactly for ±∞ and NaN. */
  private static boolean finite(double[] a, int from, int to) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    double s4 = 0;
    double s5 = 0;
    double s6 = 0;
    double s7 = 0;
    int k = from;
    for (; k + 8 <= to; k += 8) {
      s0 += a[k] * 0.0;
      s1 += a[k + 1] * 0.0;
      s2 += a[k + 2] * 0.0;
      s3 += a[k + 3] * 0.0;
      s4 += a[k + 4] * 0.0;
      s5 += a[k + 5] * 0.0;
      s6 += a[k + 6] * 0.0;
      s7 += a[k + 7] * 0.0;
    }
    for (; k < to; k++) {
      s0 += a[k] * 0.0;
    }
    return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7 == 0;
  }

  /** Σ a[k]², in four independent sums. */
  public static double sumOfSquares(double[] a) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int n = a.length & ~3;
    for (int k = 0; k < n; k += 4) {
      s0 += a[k] * a[k];
      s1 += a[k + 1] * a[k + 1];
      s2 += a[k + 2] * a[k + 2];
      s3 += a[k + 3] * a[k + 3];
    }
    for (int k = n; k < a.length; k++) {
      s0 += a[k] * a[k];
    }
    return s0 + s1 + s2 + s3;
  }

  /** Throws unless the dimension was set to a positive size. */
  public static int checkDimension(String name, int size) {
    if (size <= 0) {
      throw new IllegalStateException(
          size == 0
              ? "dimension '" + name + "' was not set: call ." + name + "(n) on the builder"
              : "dimension '" + name + "' must be positive, got " + size);
    }
    return size;
  }

  /**
   * {@code offset} plus the product of {@code sizes}: where the next block starts after the block
   * {@code what}, with dimensions {@code names}. Flat arrays are indexed by int, so a model whose
   * parameters or state need more than 2^31 − 1 values is refused, naming the block.
   */
  public static int grow(String what, String names, int offset, int... sizes) {
    long n = 1;
    StringBuilder text = new StringBuilder();
    for (int size : sizes) {
      n *= size;
      text.append(text.length() == 0 ? "" : " × ").append(size);
      if (n > Integer.MAX_VALUE) {
        break;
      }
    }
    long end = offset + n;
    if (end > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("the model needs more than 2^31 values: " + what + " alone is " + names + " = " + text
          + (sizes.length > 1 ? " = " + n : "") + " values after " + offset + " others; choose smaller dimensions");
    }
    return (int) end;
  }

  /** Throws unless {@code array} has length {@code expected}. */
  public static void checkLength(String what, double[] array, int expected) {
    if (array.length != expected) {
      throw new IllegalArgumentException(
          what + " has length " + array.length + ", expected " + expected);
    }
  }

  // ---------------------------------------------------------------- float32 (sums kept in double)

  /** Σ_k a_k b_k over float entries, summed in double. */
  public static double dot(float[] a, int ao, float[] b, int bo, int n) {
    double s = 0;
    for (int k = 0; k < n; k++) {
      s += a[ao + k] * b[bo + k];
    }
    return s;
  }

  /** Σ_k a_k over float entries, summed in double. */
  public static double sum(float[] a, int ao, int n) {
    double s = 0;
    for (int k = 0; k < n; k++) {
      s += a[ao + k];
    }
    return s;
  }

  /** Σ_k a_k² over float entries, summed in double. */
  public static double sumSquares(float[] a, int ao, int n) {
    double s = 0;
    for (int k = 0; k < n; k++) {
      double v = a[ao + k];
      s += v * v;
    }
    return s;
  }

  /** y += s·a over float entries. */
  public static void axpy(double s, float[] a, int ao, float[] y, int yo, int n) {
    float f = (float) s;
    for (int k = 0; k < n; k++) {
      y[yo + k] += f * a[ao + k];
    }
  }
}
