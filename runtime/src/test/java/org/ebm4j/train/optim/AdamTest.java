package org.ebm4j.train.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AdamTest {
  /** Adam written out for one coordinate, as in Kingma and Ba's Algorithm 1 (ascent). */
  private static double[] reference(double[] theta0, double[][] ascents, double lr, double b1, double b2, double eps) {
    double[] theta = theta0.clone();
    double[] m = new double[theta.length];
    double[] v = new double[theta.length];
    for (int t = 1; t <= ascents.length; t++) {
      for (int k = 0; k < theta.length; k++) {
        double g = ascents[t - 1][k];
        m[k] = b1 * m[k] + (1 - b1) * g;
        v[k] = b2 * v[k] + (1 - b2) * g * g;
        double mHat = m[k] / (1 - Math.pow(b1, t));
        double vHat = v[k] / (1 - Math.pow(b2, t));
        theta[k] += lr * mHat / (Math.sqrt(vHat) + eps);
      }
    }
    return theta;
  }

  @Test
  void stepsFollowTheAlgorithm() {
    double[][] ascents = {{1, -2, 0.5}, {0.5, -1, 3}, {-1, 0.1, 2}, {2, 2, -0.5}};
    double[] theta = {0.1, 0.2, -0.3};
    double[] expected = reference(theta, ascents, 0.01, 0.9, 0.999, 1e-8);
    Adam adam = new Adam(0.01);
    for (double[] g : ascents) {
      adam.step(theta, g);
    }
    assertArrayEquals(expected, theta, 1e-15);
  }

  @Test
  void theFirstStepIsTheLearningRateInTheAscentsDirection() {
    double[] theta = {0, 0};
    new Adam(0.05).step(theta, new double[] {3, -1e-3});
    assertArrayEquals(new double[] {0.05, -0.05}, theta, 1e-6);
  }

  @Test
  void aRestoredOptimizerContinuesExactly() {
    double[] a = {1, 2};
    double[] b = {1, 2};
    Adam first = new Adam(0.1, 0.8, 0.99, 1e-8, 0.01);
    first.step(a, new double[] {1, -1});
    first.step(a, new double[] {0.5, 2});
    Adam second = new Adam(0.1, 0.8, 0.99, 1e-8, 0.01);
    second.step(b, new double[] {1, -1});
    second.step(b, new double[] {0.5, 2});
    Adam resumed = new Adam(0.1, 0.8, 0.99, 1e-8, 0.01);
    resumed.restore(second.state());
    first.step(a, new double[] {-3, 0.25});
    resumed.step(b, new double[] {-3, 0.25});
    assertArrayEquals(a, b, 0.0);
  }

  @Test
  void climbsAConcaveQuadraticToItsTop() {
    // f(θ) = −½ |θ − (1, −2)|², ascent = −(θ − target); weight decay moves the top to target / (1 + λ).
    double[] theta = {0, 0};
    Adam adam = new Adam(0.05, 0.9, 0.999, 1e-8, 0.5);
    for (int t = 0; t < 5000; t++) {
      adam.step(theta, new double[] {1 - theta[0], -2 - theta[1]});
    }
    assertArrayEquals(new double[] {1 / 1.5, -2 / 1.5}, theta, 1e-3);
  }

  @Test
  void badSettingsAreRefused() {
    assertEquals("Adam needs lr > 0, betas in [0, 1), epsilon > 0, decay >= 0",
        assertThrows(IllegalArgumentException.class, () -> new Adam(0.1, 1.0, 0.999, 1e-8, 0)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Adam(-1));
  }
}
