package org.ebm4j.train;

import org.ebm4j.data.Dataset;
import org.ebm4j.random.Rng;

/**
 * The 2-D data sets of the objectives' tests with known answers, and what a trained 2-D
 * {@code FullGaussian} model's parameters mean.
 */
final class TwoDimensionalData {
  private TwoDimensionalData() {}

  /** n draws of the correlated Gaussian with mean (1, −0.5): x = 1 + 0.8 z1, y = −0.5 + 0.5 z1 + 0.6 z2. */
  static Dataset correlatedGaussian(int n, Rng rng) {
    double[] values = new double[2 * n];
    for (int i = 0; i < n; i++) {
      double z1 = rng.nextGaussian();
      double z2 = rng.nextGaussian();
      values[2 * i] = 1.0 + 0.8 * z1;
      values[2 * i + 1] = -0.5 + 0.5 * z1 + 0.6 * z2;
    }
    return new Dataset("gaussian", n, 2, values);
  }

  /** n points from three unit-variance clusters at (−2.5, 0), (2.5, 0) and (0, 3). */
  static Dataset clusters(int n, Rng rng) {
    double[][] centres = {{-2.5, 0}, {2.5, 0}, {0, 3}};
    double[] values = new double[2 * n];
    for (int i = 0; i < n; i++) {
      double[] c = centres[rng.nextInt(3)];
      values[2 * i] = c[0] + rng.nextGaussian();
      values[2 * i + 1] = c[1] + rng.nextGaussian();
    }
    return new Dataset("clusters", n, 2, values);
  }

  /** The maximum-likelihood covariance (divided by n) of 2-D data. */
  static double[][] covariance(Dataset data) {
    double[] mean = data.columnMeans();
    double[] values = data.values();
    int n = data.size();
    double[][] cov = new double[2][2];
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < 2; a++) {
        for (int b = 0; b < 2; b++) {
          cov[a][b] += (values[2 * i + a] - mean[a]) * (values[2 * i + b] - mean[b]) / n;
        }
      }
    }
    return cov;
  }

  /**
   * A 2-D FullGaussian's θ = (b[2], a[2×2]) as its density's moments: precision P = I + (A + Aᵀ)/2,
   * covariance P⁻¹, mean P⁻¹ b, and log Z = ½ bᵀP⁻¹b + log 2π − ½ log det P.
   */
  record Moments(double[] mean, double[][] covariance, double logZ) {
    static Moments of(double[] p) {
      double p00 = 1 + p[2];
      double p11 = 1 + p[5];
      double p01 = (p[3] + p[4]) / 2;
      double det = p00 * p11 - p01 * p01;
      double[][] cov = {{p11 / det, -p01 / det}, {-p01 / det, p00 / det}};
      double[] mu = {cov[0][0] * p[0] + cov[0][1] * p[1], cov[1][0] * p[0] + cov[1][1] * p[1]};
      return new Moments(mu, cov, 0.5 * (p[0] * mu[0] + p[1] * mu[1]) + Math.log(2 * Math.PI) - 0.5 * Math.log(det));
    }
  }
}
