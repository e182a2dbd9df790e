package org.ebm4j.benchmarks;

import org.ebm4j.kernel.Blas;

/**
 * Gradients written by hand for the same energies and layouts as the generated models: the
 * baseline the generated code is measured against.
 */
final class HandWritten {
  private HandWritten() {}

  /** RBM, params [b (nv), c (nh), W (nv×nh)]: grad += w·(v, h, v hᵀ). */
  static void rbmGradient(double[] x, int nv, int nh, double weight, double[] grad) {
    for (int i = 0; i < nv; i++) {
      grad[i] += weight * x[i];
    }
    for (int j = 0; j < nh; j++) {
      grad[nv + j] += weight * x[nv + j];
    }
    int w = nv + nh;
    for (int i = 0; i < nv; i++) {
      double vi = weight * x[i];
      if (vi == 0) {
        continue;
      }
      int row = w + i * nh;
      for (int j = 0; j < nh; j++) {
        grad[row + j] += vi * x[nv + j];
      }
    }
  }

  /** RBM energy −bᵀv − cᵀh − vᵀWh. */
  static double rbmEnergy(double[] p, double[] x, int nv, int nh) {
    double e = 0;
    for (int i = 0; i < nv; i++) {
      e -= p[i] * x[i];
    }
    for (int j = 0; j < nh; j++) {
      e -= p[nv + j] * x[nv + j];
    }
    int w = nv + nh;
    for (int i = 0; i < nv; i++) {
      double vi = x[i];
      if (vi == 0) {
        continue;
      }
      double s = 0;
      int row = w + i * nh;
      for (int j = 0; j < nh; j++) {
        s += p[row + j] * x[nv + j];
      }
      e -= vi * s;
    }
    return e;
  }

  /** Fully visible BM, params [b (n), W (n×n)], upper triangle used: grad += w·(x, x_i x_j). */
  static void fvbmGradient(double[] x, int n, double weight, double[] grad) {
    for (int i = 0; i < n; i++) {
      double xi = weight * x[i];
      grad[i] += xi;
      if (xi == 0) {
        continue;
      }
      int row = n + i * n;
      for (int j = i + 1; j < n; j++) {
        grad[row + j] += xi * x[j];
      }
    }
  }

  /**
   * TanhEnergy, params [w (h×d), c (h), a (h), logSigma]: E = ½|x|² e^{−2s} − aᵀ tanh(Wx + c) + 0.1
   * Σ softplus(Wx + c) / (1 + |x|²); grad += −w·∇θE.
   */
  static void tanhGradient(double[] p, double[] x, int d, int h, double weight, double[] grad, double[] pre) {
    int c = h * d;
    int a = c + h;
    int s = a + h;
    double sq = 0;
    for (int k = 0; k < d; k++) {
      sq += x[k] * x[k];
    }
    double denom = 1 + sq;
    for (int j = 0; j < h; j++) {
      double z = p[c + j];
      for (int k = 0; k < d; k++) {
        z += p[j * d + k] * x[k];
      }
      pre[j] = z;
    }
    double expS = Math.exp(-2 * p[s]);
    grad[s] += -weight * (-sq * expS);
    for (int j = 0; j < h; j++) {
      double t = Math.tanh(pre[j]);
      double sig = 1 / (1 + Math.exp(-pre[j]));
      grad[a + j] += weight * t;
      double dz = -p[a + j] * (1 - t * t) + 0.1 * sig / denom;
      grad[c + j] += -weight * dz;
      for (int k = 0; k < d; k++) {
        grad[j * d + k] += -weight * dz * x[k];
      }
    }
  }

  /**
   * Batched RBM joint gradient with V (rows×nv) and H (rows×nh) in arrays of their own, as a
   * hand-written batch would hold them: grad += w·(Σ v, Σ h, Vᵀ H), the product through BLAS.
   */
  static void rbmGradientBatch(double[] v, double[] h, int rows, int nv, int nh, double weight, double[] grad) {
    Blas.gemm(true, false, nv, nh, rows, weight, v, 0, nv, h, 0, nh, 1.0, grad, nv + nh, nh);
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < nv; i++) {
        grad[i] += weight * v[r * nv + i];
      }
      for (int j = 0; j < nh; j++) {
        grad[nv + j] += weight * h[r * nh + j];
      }
    }
  }

  /**
   * Batched TanhEnergy gradient of {@code rows} states X (rows×d): PRE = X Wᵀ and W̄ += Dᵀ X through
   * BLAS, the rest per element. {@code pre} and {@code dz} hold rows×h values.
   */
  static void tanhGradientBatch(double[] p, double[] xs, int rows, int d, int h, double weight, double[] grad, double[] pre, double[] dz) {
    int c = h * d;
    int a = c + h;
    int s = a + h;
    Blas.gemm(false, true, rows, h, d, 1.0, xs, 0, d, p, 0, d, 0.0, pre, 0, h);
    double expS = Math.exp(-2 * p[s]);
    for (int r = 0; r < rows; r++) {
      double sq = 0;
      for (int k = 0; k < d; k++) {
        sq += xs[r * d + k] * xs[r * d + k];
      }
      double denom = 1 + sq;
      grad[s] += -weight * (-sq * expS);
      for (int j = 0; j < h; j++) {
        double z = pre[r * h + j] + p[c + j];
        double t = Math.tanh(z);
        double sig = 1 / (1 + Math.exp(-z));
        grad[a + j] += weight * t;
        double g = -weight * (-p[a + j] * (1 - t * t) + 0.1 * sig / denom);
        grad[c + j] += g;
        dz[r * h + j] = g;
      }
    }
    Blas.gemm(true, false, h, d, rows, 1.0, dz, 0, h, xs, 0, d, 1.0, grad, 0, d);
  }
}
