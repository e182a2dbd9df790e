package org.ebm4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Row-major products against plain triple loops, on both sides of every size and density switch. */
class BlasTest {

  static double[] random(int n, double density, SplittableRandom rng) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = rng.nextDouble() < density ? (density < 1 ? 1 : rng.nextGaussian()) : 0;
    }
    return a;
  }

  @Test
  void gemmMatchesLoopsForEveryTransposeAndSize() {
    SplittableRandom rng = new SplittableRandom(1);
    for (int[] dims : new int[][] {{3, 4, 5}, {60, 70, 80}}) {
      int m = dims[0];
      int n = dims[1];
      int k = dims[2];
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          double[] a = random(m * k + 3, 1, rng);
          double[] b = random(k * n + 2, 1, rng);
          double[] c = random(m * n + 1, 1, rng);
          double[] expected = c.clone();
          for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
              double s = 0;
              for (int p = 0; p < k; p++) {
                double aip = ta ? a[3 + p * m + i] : a[3 + i * k + p];
                double bpj = tb ? b[2 + j * k + p] : b[2 + p * n + j];
                s += aip * bpj;
              }
              expected[1 + i * n + j] = 0.5 * expected[1 + i * n + j] + 2 * s;
            }
          }
          Blas.gemm(ta, tb, m, n, k, 2.0, a, 3, ta ? m : k, b, 2, tb ? k : n, 0.5, c, 1, n);
          for (int i = 0; i < c.length; i++) {
            assertEquals(expected[i], c[i], 1e-9, "ta=" + ta + " tb=" + tb + " size " + m);
          }
        }
      }
    }
  }

  @Test
  void sparseProductsMatchDenseOnesAtEveryDensity() {
    SplittableRandom rng = new SplittableRandom(2);
    int rows = 20;
    int m = 30;
    int n = 25;
    for (double density : new double[] {0.01, 0.05, 0.9}) {
      double[] x = random(rows * m, density, rng);
      double[] w = random(m * n, 1, rng);
      double[] g = random(rows, 1, rng);
      double[] s = random(rows * n, 1, rng);
      double[] c = new double[rows * n];
      double[] expectedC = new double[rows * n];
      double[] wbar = new double[m * n];
      double[] expectedW = new double[m * n];
      for (int r = 0; r < rows; r++) {
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            expectedC[r * n + j] += g[r] * x[r * m + i] * w[i * n + j];
            expectedW[i * n + j] += g[r] * x[r * m + i] * s[r * n + j];
          }
        }
      }
      double[] scratch = new double[rows * Math.max(m, n)];
      Blas.sparseTimesAdd(x, 0, m, rows, m, g, w, 0, n, c, 0, n, scratch);
      Blas.sparseTransposeTimesAdd(x, 0, m, rows, m, g, s, 0, n, n, wbar, 0, scratch);
      for (int i = 0; i < c.length; i++) {
        assertEquals(expectedC[i], c[i], 1e-9, "X·W at density " + density);
      }
      for (int i = 0; i < wbar.length; i++) {
        assertEquals(expectedW[i], wbar[i], 1e-9, "Xᵀ·S at density " + density);
      }
    }
  }

  /**
   * Inputs that are the last variable of a state array: row stride wider than the matrix and no
   * room for a full stride after the last row, which netlib rejects unless we repack.
   */
  @Test
  void stridedInputsEndingAtTheArraysEndWork() {
    SplittableRandom rng = new SplittableRandom(3);
    int rows = 700; // rows · m above Blas.SMALL, so both products reach BLAS
    int m = 60;
    int n = 50;
    int stride = 90;
    int off = stride - m;
    double[] x = random(off + (rows - 1) * stride + m, 1, rng);
    double[] w = random(m * n, 1, rng);
    double[] c = new double[rows * n];
    double[] g = random(rows, 1, rng);
    double[] sums = new double[m];
    Blas.gemm(false, false, rows, n, m, 1.0, x, off, stride, w, 0, n, 0.0, c, 0, n);
    Blas.columnSumsAdd(x, off, stride, rows, m, g, sums, 0);
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int i = 0; i < m; i++) {
          s += x[off + r * stride + i] * w[i * n + j];
        }
        assertEquals(s, c[r * n + j], 1e-9);
      }
    }
    for (int i = 0; i < m; i++) {
      double s = 0;
      for (int r = 0; r < rows; r++) {
        s += g[r] * x[off + r * stride + i];
      }
      assertEquals(s, sums[i], 1e-9);
    }
  }
}
