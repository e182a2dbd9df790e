package org.ebm4j.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A direct step (gradient added into the optimizer's buffer) is the step {@link Sgd#step} takes. */
class SgdTest {

  @Test
  void directStepsEqualOrdinarySteps() {
    double[][] settings = {{0.1, 0, 0}, {0.1, 0.9, 0}, {0.05, 0.5, 0.01}, {0.2, 0, 0.001}};
    for (double[] s : settings) {
      SplittableRandom rng = new SplittableRandom(1);
      int n = 50;
      double[] a = new double[n];
      for (int k = 0; k < n; k++) {
        a[k] = rng.nextGaussian();
      }
      double[] b = a.clone();
      Sgd ordinary = new Sgd(s[0], s[1], s[2]);
      Sgd direct = new Sgd(s[0], s[1], s[2]);
      for (int step = 0; step < 5; step++) {
        double[] g = new double[n];
        for (int k = 0; k < n; k++) {
          g[k] = rng.nextGaussian();
        }
        ordinary.setLearningRateFactor(1.0 / (step + 1));
        direct.setLearningRateFactor(1.0 / (step + 1));
        ordinary.step(a, g);
        Optimizer.Direct d = direct.direct(b);
        if (s[1] == 0 && s[2] == 0) {
          assertSame(b, d.buffer(), "plain SGD adds straight into θ");
        }
        for (int k = 0; k < n; k++) {
          d.buffer()[k] += d.factor() * g[k];
        }
        direct.completeDirect(b);
        for (int k = 0; k < n; k++) {
          assertEquals(a[k], b[k], 1e-12, "settings " + java.util.Arrays.toString(s) + ", step " + step);
        }
      }
    }
  }

  @Test
  void adamNeedsTheGradientItself() {
    assertEquals(null, new Adam(0.01, 0.9, 0.999, 1e-8, 0).direct(new double[3]));
  }
}
