package org.ebm4j.kernel;

import dev.ludovic.netlib.blas.BLAS;

/**
 * Row-major matrix products through {@code dev.ludovic.netlib:blas}: native OpenBLAS through JNI
 * (the one bundled from {@code org.bytedeco:openblas} by default, see {@link NativeBlas}; the
 * system's with {@code -Debm4j.blas=system}), else the JDK's vector instructions or plain Java.
 * Which backend runs is reported by {@link #backend()} and {@link #description()}, never hidden.
 */
public final class Blas {
  /** netlib logs every backend it could not load; which one runs is reported by backend(). */
  private static final java.util.logging.Logger NETLIB_LOG = quiet();
  /** Runs before netlib's first lookup, which is final for the JVM's life. */
  private static final String CHOSEN = NativeBlas.configure();
  private static final BLAS BLAS_INSTANCE = BLAS.getInstance();

  private static java.util.logging.Logger quiet() {
    java.util.logging.Logger log = java.util.logging.Logger.getLogger("dev.ludovic.netlib");
    log.setLevel(java.util.logging.Level.SEVERE);
    return log;
  }

  /** Below this many multiply-adds a call into BLAS costs more than the loops (measured: JNI ~1 µs). */
  static final long SMALL = 32 * 1024;

  private Blas() {}

  /**
   * Above this share of nonzeros the selection loops lose to BLAS. Measured at 100×784·784×500 on
   * this project's machines (native OpenBLAS, AVX-512, ~100 GFLOP/s): MNIST's 13 % density already
   * loses, so only very sparse inputs take the selection path.
   */
  static final double SPARSE_DENSITY = 0.02;

  /**
   * C[r, :] += g_r · X[r, :] · W for r &lt; rows: X rows×m (row stride ldx), W m×n row-major, C
   * row stride ldc; {@code g} null means all ones. For binary X the product is a sum of selected
   * rows of W, so it costs the nonzeros of X, not rows·m·n: the saving only a compiler that knows
   * X is binary can make. Dense X goes to BLAS.
   */
  public static void sparseTimesAdd(double[] x, int xOff, int ldx, int rows, int m, double[] g,
      double[] w, int wOff, int n, double[] c, int cOff, int ldc, double[] scratch) {
    if (density(x, xOff, ldx, rows, m) > SPARSE_DENSITY) {
      if (uniform(g, rows)) {
        gemm(false, false, rows, n, m, g == null ? 1 : g[0], x, xOff, ldx, w, wOff, n, 1.0, c, cOff, ldc);
        return;
      }
      // Dense: scale the rows of X into scratch (rows × m) and multiply through BLAS.
      for (int r = 0; r < rows; r++) {
        double gr = g == null ? 1 : g[r];
        for (int i = 0; i < m; i++) {
          scratch[r * m + i] = gr * x[xOff + r * ldx + i];
        }
      }
      gemm(false, false, rows, n, m, 1.0, scratch, 0, m, w, wOff, n, 1.0, c, cOff, ldc);
      return;
    }
    for (int r = 0; r < rows; r++) {
      double gr = g == null ? 1 : g[r];
      int row = xOff + r * ldx;
      int out = cOff + r * ldc;
      for (int i = 0; i < m; i++) {
        double xi = x[row + i];
        if (xi != 0) {
          double a = gr * xi;
          int src = wOff + i * n;
          for (int j = 0; j < n; j++) {
            c[out + j] += a * w[src + j];
          }
        }
      }
    }
  }

  /**
   * W[i, :] += Σ_r g_r · X[r, i] · S[r, :]: the transposed product Xᵀ diag(g) S into a row-major m×n
   * W, costing the nonzeros of X when X is sparse; dense X goes to BLAS.
   */
  public static void sparseTransposeTimesAdd(double[] x, int xOff, int ldx, int rows, int m, double[] g,
      double[] s, int sOff, int lds, int n, double[] w, int wOff, double[] scratch) {
    if (density(x, xOff, ldx, rows, m) > SPARSE_DENSITY) {
      if (g == null) {
        gemm(true, false, m, n, rows, 1.0, x, xOff, ldx, s, sOff, lds, 1.0, w, wOff, n);
        return;
      }
      if (runs(g, rows) <= MAX_RUNS) {
        for (int from = 0, to; from < rows; from = to) {
          for (to = from + 1; to < rows && g[to] == g[from]; to++) {}
          gemm(true, false, m, n, to - from, g[from], x, xOff + from * ldx, ldx, s, sOff + from * lds, lds, 1.0, w, wOff, n);
        }
        return;
      }
      for (int r = 0; r < rows; r++) {
        double gr = g == null ? 1 : g[r];
        for (int j = 0; j < n; j++) {
          scratch[r * n + j] = gr * s[sOff + r * lds + j];
        }
      }
      gemm(true, false, m, n, rows, 1.0, x, xOff, ldx, scratch, 0, n, 1.0, w, wOff, n);
      return;
    }
    for (int r = 0; r < rows; r++) {
      double gr = g == null ? 1 : g[r];
      int row = xOff + r * ldx;
      int src = sOff + r * lds;
      for (int i = 0; i < m; i++) {
        double xi = x[row + i];
        if (xi != 0) {
          double a = gr * xi;
          int dst = wOff + i * n;
          for (int j = 0; j < n; j++) {
            w[dst + j] += a * s[src + j];
          }
        }
      }
    }
  }

  /**
   * C[r, :] += g_r · S[r, :] · Wᵀ for r &lt; rows: S rows×n (row stride lds), W m×n row-major, C row
   * stride ldc. Equal weights (the common case: one batch, one weight) go to BLAS as its alpha.
   */
  public static void scaledRowsTimesTransposeAdd(double[] s, int sOff, int lds, int rows, int n, double[] g,
      double[] w, int wOff, int m, double[] c, int cOff, int ldc, double[] scratch) {
    if (uniform(g, rows)) {
      gemm(false, true, rows, m, n, g == null ? 1 : g[0], s, sOff, lds, w, wOff, n, 1.0, c, cOff, ldc);
      return;
    }
    for (int r = 0; r < rows; r++) {
      double gr = g[r];
      for (int k = 0; k < n; k++) {
        scratch[r * n + k] = gr * s[sOff + r * lds + k];
      }
    }
    gemm(false, true, rows, m, n, 1.0, scratch, 0, n, w, wOff, n, 1.0, c, cOff, ldc);
  }

  /** Whether every row has the same weight (no weights counts as all ones). */
  private static boolean uniform(double[] g, int rows) {
    if (g == null) {
      return true;
    }
    for (int r = 1; r < rows; r++) {
      if (g[r] != g[0]) {
        return false;
      }
    }
    return true;
  }

  /** The share of nonzeros, counted only until it passes {@link #SPARSE_DENSITY}. */
  private static double density(double[] x, int off, int ld, int rows, int m) {
    long total = (long) rows * m;
    long limit = (long) (SPARSE_DENSITY * total);
    long nonzero = 0;
    for (int r = 0; r < rows; r++) {
      int row = off + r * ld;
      for (int i = 0; i < m; i++) {
        if (x[row + i] != 0 && ++nonzero > limit) {
          return 1;
        }
      }
    }
    return total == 0 ? 0 : (double) nonzero / total;
  }

  /** Products below {@link #SMALL}: row updates when C's rows are long enough, else dot products. */
  private static void small(boolean transA, boolean transB, int m, int n, int k, double alpha,
      double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double beta, double[] c, int cOff, int ldc) {
    if (k >= SHORT && (transB || n < SHORT)) {
      smallByDots(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    for (int i = 0; i < m; i++) {
      int row = cOff + i * ldc;
      for (int j = 0; j < n; j++) {
        c[row + j] = beta == 0 ? 0 : beta * c[row + j];
      }
      for (int p = 0; p < k; p++) {
        double aip = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
        if (aip == 0) {
          continue;
        }
        if (transB) {
          for (int j = 0; j < n; j++) {
            c[row + j] += aip * b[bOff + j * ldb + p];
          }
        } else {
          int brow = bOff + p * ldb;
          for (int j = 0; j < n; j++) {
            c[row + j] += aip * b[brow + j];
          }
        }
      }
    }
  }

  /** Below this length an inner loop costs more in its set-up than in its multiply-adds. */
  private static final int SHORT = 8;

  private static final ThreadLocal<double[][]> DOTS = ThreadLocal.withInitial(() -> new double[2][0]);

  /**
   * C = alpha · op(A) op(B) + beta · C as m·n dot products of length k, over op(A)'s rows and
   * op(B)'s columns packed contiguously first: for the shapes the row form handles badly, C's rows
   * short (a gradient of a 2-d input: n = 2, its inner loop two long) or op(B) read across rows.
   */
  private static void smallByDots(boolean transA, boolean transB, int m, int n, int k, double alpha,
      double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double beta, double[] c, int cOff, int ldc) {
    double[][] scratch = DOTS.get();
    if (scratch[0].length < m * k) {
      scratch[0] = new double[m * k];
    }
    if (scratch[1].length < n * k) {
      scratch[1] = new double[n * k];
    }
    double[] ap = scratch[0];
    double[] bt = scratch[1];
    for (int i = 0; i < m; i++) {
      for (int p = 0; p < k; p++) {
        ap[i * k + p] = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
      }
    }
    for (int j = 0; j < n; j++) {
      for (int p = 0; p < k; p++) {
        bt[j * k + p] = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
      }
    }
    for (int i = 0; i < m; i++) {
      int row = cOff + i * ldc;
      for (int j = 0; j < n; j++) {
        double dot = dot4(ap, i * k, bt, j * k, k);
        c[row + j] = alpha * dot + (beta == 0 ? 0 : beta * c[row + j]);
      }
    }
  }

  /** A dot product in four running sums: one sum waits on the previous addition at every step. */
  private static double dot4(double[] a, int ao, double[] b, int bo, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int p = 0;
    for (; p + 3 < n; p += 4) {
      s0 += a[ao + p] * b[bo + p];
      s1 += a[ao + p + 1] * b[bo + p + 1];
      s2 += a[ao + p + 2] * b[bo + p + 2];
      s3 += a[ao + p + 3] * b[bo + p + 3];
    }
    for (; p < n; p++) {
      s0 += a[ao + p] * b[bo + p];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /**
   * W' += diag(Σ_r g_r s_r) A for rows s_r of S (stride lds, length m) and A of shape [m][n]: the
   * sum over a batch of the rows' diag(s_r) A, one pass over A.
   */
  public static void rowScaleRowsAdd(double[] s, int sOff, int lds, int rows, double[] g, double[] a, int aOff, int m, int n,
      double[] w, int wOff, double[] scratch) {
    java.util.Arrays.fill(scratch, 0, m, 0.0);
    for (int r = 0; r < rows; r++) {
      double gr = g == null ? 1 : g[r];
      int row = sOff + r * lds;
      for (int i = 0; i < m; i++) {
        scratch[i] += gr * s[row + i];
      }
    }
    for (int i = 0; i < m; i++) {
      double si = scratch[i];
      if (si == 0) {
        continue;
      }
      for (int j = 0; j < n; j++) {
        w[wOff + i * n + j] += si * a[aOff + i * n + j];
      }
    }
  }

  /** W += diag(Σ_r g_r d_r) for rows d_r of D (stride ldd, length m) and W of shape [m][m]. */
  public static void diagEmbedRowsAdd(double[] d, int dOff, int ldd, int rows, int m, double[] g, double[] w, int wOff) {
    for (int r = 0; r < rows; r++) {
      double gr = g == null ? 1 : g[r];
      int row = dOff + r * ldd;
      for (int i = 0; i < m; i++) {
        w[wOff + i * m + i] += gr * d[row + i];
      }
    }
  }

  /**
   * out[k] += Σ_r g_r · X[r, k] for a row-major rows×n X (row stride ldx): a weighted column sum,
   * the gradient of a bias shared by every row of a batch.
   */
  public static void columnSumsAdd(double[] x, int xOff, int ldx, int rows, int n, double[] g, double[] out, int outOff) {
    if (rows == 0 || n == 0) {
      return;
    }
    // netlib checks a full stride past the last row, which a state's last variable does not have.
    int blasRows = xOff + (long) ldx * rows <= x.length ? rows : rows - 1;
    if ((long) rows * n < SMALL || blasRows == 0) {
      blasRows = 0;
    } else {
      // Row-major X is the column-major n×rows matrix Xᵀ with the same stride: out += Xᵀ g.
      BLAS_INSTANCE.dgemv("N", n, blasRows, 1.0, x, xOff, ldx, g, 0, 1, 1.0, out, outOff, 1);
    }
    for (int r = blasRows; r < rows; r++) {
      double gr = g[r];
      int row = xOff + r * ldx;
      for (int k = 0; k < n; k++) {
        out[outOff + k] += gr * x[row + k];
      }
    }
  }

  private static final ThreadLocal<double[][]> PACKED = ThreadLocal.withInitial(() -> new double[2][0]);

  /** The rows×cols matrix at (off, ld) copied contiguously into this thread's scratch {@code slot}. */
  private static double[] packed(double[] x, int off, int ld, int rows, int cols, int slot) {
    double[][] scratch = PACKED.get();
    if (scratch[slot].length < rows * cols) {
      scratch[slot] = new double[rows * cols];
    }
    double[] out = scratch[slot];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(x, off + r * ld, out, r * cols, cols);
    }
    return out;
  }

  /** The implementation in use, e.g. {@code JNIBLAS} (native) or {@code Java11BLAS}. */
  public static String backend() {
    return BLAS_INSTANCE.getClass().getSimpleName();
  }

  /** True when products run in native code. */
  public static boolean isNative() {
    return backend().equals("JNIBLAS");
  }

  /**
   * For people: which library runs and why, e.g. "native (JNIBLAS): OpenBLAS 0.3.31-1.5.13 from
   * org.bytedeco:openblas (…)", or "Java11BLAS, plain Java: …" when the native library did not load.
   */
  public static String description() {
    if (isNative()) {
      return "native (JNIBLAS): " + CHOSEN;
    }
    return CHOSEN.startsWith("plain Java") ? backend() + ", " + CHOSEN
        : backend() + ", plain Java (tried: " + CHOSEN + "; set -Debm4j.blas=bundled|system to choose)";
  }

  /**
   * C = alpha · op(A) · op(B) + beta · C, all row-major with leading dimensions (row strides):
   * op(A) is m×k, op(B) k×n, C m×n. C is overwritten (accumulated into when beta = 1).
   */
  public static void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
      double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double beta, double[] c, int cOff, int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    if ((long) m * n * k < SMALL) {
      small(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    // netlib wants a full stride after an input's last row; a state's last variable lacks it.
    int aRows = transA ? k : m;
    int aCols = transA ? m : k;
    if (aOff + (long) lda * aRows > a.length) {
      a = packed(a, aOff, lda, aRows, aCols, 0);
      aOff = 0;
      lda = aCols;
    }
    int bRows = transB ? n : k;
    int bCols = transB ? k : n;
    if (bOff + (long) ldb * bRows > b.length) {
      b = packed(b, bOff, ldb, bRows, bCols, 1);
      bOff = 0;
      ldb = bCols;
    }
    // Row-major C = op(A) op(B) is column-major Cᵀ = op(B)ᵀ op(A)ᵀ on the same arrays.
    BLAS_INSTANCE.dgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha, b, bOff, ldb, a, aOff, lda, beta, c, cOff, ldc);
  }

  // ---------------------------------------------------------------- float32

  /** {@link #gemm} on float arrays: sgemm (small products by loops, in float). */
  public static void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, double beta, float[] c, int cOff, int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    if ((long) m * n * k < SMALL) {
      for (int i = 0; i < m; i++) {
        int row = cOff + i * ldc;
        for (int j = 0; j < n; j++) {
          float sum = 0;
          for (int p = 0; p < k; p++) {
            sum += (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]) * (transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]);
          }
          c[row + j] = (float) (alpha * sum + (beta == 0 ? 0 : beta * c[row + j]));
        }
      }
      return;
    }
    int aRows = transA ? k : m;
    int aCols = transA ? m : k;
    if (aOff + (long) lda * aRows > a.length) {
      a = packed(a, aOff, lda, aRows, aCols);
      aOff = 0;
      lda = aCols;
    }
    int bRows = transB ? n : k;
    int bCols = transB ? k : n;
    if (bOff + (long) ldb * bRows > b.length) {
      b = packed(b, bOff, ldb, bRows, bCols);
      bOff = 0;
      ldb = bCols;
    }
    BLAS_INSTANCE.sgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, (float) alpha, b, bOff, ldb, a, aOff, lda, (float) beta, c, cOff, ldc);
  }

  private static float[] packed(float[] x, int off, int ld, int rows, int cols) {
    float[] out = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(x, off + r * ld, out, r * cols, cols);
    }
    return out;
  }

  /** {@link #sparseTimesAdd} in float: C += diag(g) X W, always through sgemm (float data is dense data). */
  public static void sparseTimesAdd(float[] x, int xOff, int ldx, int rows, int m, float[] g,
      float[] w, int wOff, int n, float[] c, int cOff, int ldc, float[] scratch) {
    if (uniform(g, rows)) {
      gemm(false, false, rows, n, m, g == null ? 1 : g[0], x, xOff, ldx, w, wOff, n, 1.0, c, cOff, ldc);
      return;
    }
    scaleRows(x, xOff, ldx, rows, m, g, scratch);
    gemm(false, false, rows, n, m, 1.0, scratch, 0, m, w, wOff, n, 1.0, c, cOff, ldc);
  }

  /** {@link #sparseTransposeTimesAdd} in float: W += Xᵀ diag(g) S through sgemm. */
  public static void sparseTransposeTimesAdd(float[] x, int xOff, int ldx, int rows, int m, float[] g,
      float[] s, int sOff, int lds, int n, float[] w, int wOff, float[] scratch) {
    if (g == null) {
      gemm(true, false, m, n, rows, 1.0, x, xOff, ldx, s, sOff, lds, 1.0, w, wOff, n);
      return;
    }
    if (runs(g, rows) <= MAX_RUNS) {
      for (int from = 0, to; from < rows; from = to) {
        for (to = from + 1; to < rows && g[to] == g[from]; to++) {}
        gemm(true, false, m, n, to - from, g[from], x, xOff + from * ldx, ldx, s, sOff + from * lds, lds, 1.0, w, wOff, n);
      }
      return;
    }
    scaleRows(s, sOff, lds, rows, n, g, scratch);
    gemm(true, false, m, n, rows, 1.0, x, xOff, ldx, scratch, 0, n, 1.0, w, wOff, n);
  }

  /** {@link #scaledRowsTimesTransposeAdd} in float: C += diag(g) S Wᵀ through sgemm. */
  public static void scaledRowsTimesTransposeAdd(float[] s, int sOff, int lds, int rows, int n, float[] g,
      float[] w, int wOff, int m, float[] c, int cOff, int ldc, float[] scratch) {
    if (uniform(g, rows)) {
      gemm(false, true, rows, m, n, g == null ? 1 : g[0], s, sOff, lds, w, wOff, n, 1.0, c, cOff, ldc);
      return;
    }
    scaleRows(s, sOff, lds, rows, n, g, scratch);
    gemm(false, true, rows, m, n, 1.0, scratch, 0, n, w, wOff, n, 1.0, c, cOff, ldc);
  }

  /** {@link #columnSumsAdd} in float: sgemv where the rows are many enough, as for double. */
  public static void columnSumsAdd(float[] x, int xOff, int ldx, int rows, int n, float[] g, float[] out, int outOff) {
    if (rows == 0 || n == 0) {
      return;
    }
    int blasRows = xOff + (long) ldx * rows <= x.length ? rows : rows - 1;
    if ((long) rows * n < SMALL || blasRows == 0 || g == null) {
      blasRows = 0;
    } else {
      BLAS_INSTANCE.sgemv("N", n, blasRows, 1f, x, xOff, ldx, g, 0, 1, 1f, out, outOff, 1);
    }
    for (int r = blasRows; r < rows; r++) {
      float gr = g == null ? 1 : g[r];
      int row = xOff + r * ldx;
      for (int k = 0; k < n; k++) {
        out[outOff + k] += gr * x[row + k];
      }
    }
  }

  /**
   * scratch (rows × cols, packed) = diag(g) X: each row copied, then scaled where it lies (a loop
   * that reads and writes one array at one offset is vectorised; one over two offsets is not).
   */
  private static void scaleRows(float[] x, int off, int ld, int rows, int cols, float[] g, float[] scratch) {
    for (int r = 0; r < rows; r++) {
      System.arraycopy(x, off + r * ld, scratch, r * cols, cols);
    }
    for (int r = 0; r < rows; r++) {
      scale(scratch, r * cols, cols, g == null ? 1 : g[r]);
    }
  }

  private static void scale(float[] x, int off, int n, float s) {
    for (int k = off; k < off + n; k++) {
      x[k] *= s;
    }
  }

  /**
   * Up to this many runs of equal row weights, a weighted Xᵀ S is one product per run with the
   * weight as BLAS's alpha instead of S scaled row by row first (one weight for the batch is one
   * run; maximum likelihood's data rows and chain rows are two; measured: two products of 100 rows
   * cost what one of 200 does).
   */
  private static final int MAX_RUNS = 4;

  private static int runs(double[] g, int rows) {
    int runs = rows > 0 ? 1 : 0;
    for (int r = 1; r < rows; r++) {
      if (g[r] != g[r - 1]) {
        runs++;
      }
    }
    return runs;
  }

  private static int runs(float[] g, int rows) {
    int runs = rows > 0 ? 1 : 0;
    for (int r = 1; r < rows; r++) {
      if (g[r] != g[r - 1]) {
        runs++;
      }
    }
    return runs;
  }

  private static boolean uniform(float[] g, int rows) {
    if (g == null) {
      return true;
    }
    for (int r = 1; r < rows; r++) {
      if (g[r] != g[0]) {
        return false;
      }
    }
    return true;
  }
}
