package org.ebm4j.kernel;

import dev.ludovic.netlib.blas.BLAS;

/**
 * Row-major matrix products through {@code dev.ludovic.netlib:blas}: native OpenBLAS through JNI
 * where installed ({@code libopenblas0}), else the JDK's vector instructions or plain Java. Which
 * backend runs is reported by {@link #backend()}, never hidden.
 */
public final class Blas {
  /** netlib logs every backend it could not load; which one runs is reported by backend(). */
  private static final java.util.logging.Logger NETLIB_LOG = quiet();
  private static final BLAS BLAS_INSTANCE = BLAS.getInstance();

  private static java.util.logging.Logger quiet() {
    java.util.logging.Logger log = java.util.logging.Logger.getLogger("dev.ludovic.netlib");
    log.setLevel(java.util.logging.Level.SEVERE);
    return log;
  }

  /** Below this many multiply-adds a call into BLAS costs more than the loops (measured: JNI ~1 µs). */
  static final long SMALL = 32 * 1024;

  private Blas() {}

  private static void small(boolean transA, boolean transB, int m, int n, int k, double alpha,
      double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double beta, double[] c, int cOff, int ldc) {
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

  /** The implementation in use, e.g. {@code JNIBLAS} (native) or {@code Java11BLAS}. */
  public static String backend() {
    return BLAS_INSTANCE.getClass().getSimpleName();
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
    // Row-major C = op(A) op(B) is column-major Cᵀ = op(B)ᵀ op(A)ᵀ on the same arrays.
    BLAS_INSTANCE.dgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha, b, bOff, ldb, a, aOff, lda, beta, c, cOff, ldc);
  }
}
