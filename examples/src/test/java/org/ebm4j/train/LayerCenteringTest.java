package org.ebm4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ebm4j.data.BarsAndStripes;
import org.ebm4j.examples.models.DbmModel;
import org.ebm4j.random.Rng;
import org.junit.jupiter.api.Test;

/** Centering every layer of a DBM: the plain step is the centered step mapped back (chain rule, computed here apart). */
class LayerCenteringTest {
  @Test
  void thePlainStepIsTheCenteredStepMappedBack() {
    DbmModel m = DbmModel.builder().visible(3).h1(2).h2(2).seed(1).build();
    Rng rng = new Rng(5);
    double[] theta = m.params();
    for (int k = 0; k < theta.length; k++) {
      theta[k] = rng.nextGaussian();
    }
    LayerCentering lc = new LayerCentering(m, 0.1);
    for (int k = 0; k < lc.mu.length; k++) {
      lc.mu[k] = rng.nextDouble();
    }
    double[] g = new double[theta.length];
    for (int k = 0; k < g.length; k++) {
      g[k] = rng.nextGaussian();
    }
    double[] step = g.clone();
    lc.transform(step);

    // Layout: b[3], c1[2], c2[2], w1[3x2], w2[2x2]; state: v[3], h1[2], h2[2].
    double[] mv = java.util.Arrays.copyOfRange(lc.mu, 0, 3);
    double[] m1 = java.util.Arrays.copyOfRange(lc.mu, 3, 5);
    double[] m2 = java.util.Arrays.copyOfRange(lc.mu, 5, 7);
    double[][] w1 = new double[3][2];
    double[][] w2 = new double[2][2];
    double[][] gw1 = new double[3][2];
    double[][] gw2 = new double[2][2];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 2; j++) {
        w1[i][j] = theta[7 + i * 2 + j];
        gw1[i][j] = g[7 + i * 2 + j] - g[i] * m1[j] - mv[i] * g[3 + j];
      }
    }
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        w2[i][j] = theta[13 + i * 2 + j];
        gw2[i][j] = g[13 + i * 2 + j] - g[3 + i] * m2[j] - m1[i] * g[5 + j];
      }
    }
    // Centered biases before and after a unit step, then back to plain ones with the new W.
    for (int i = 0; i < 3; i++) {
      double before = theta[i] + dot(w1[i], m1);
      double after = before + g[i];
      double[] newRow = {w1[i][0] + gw1[i][0], w1[i][1] + gw1[i][1]};
      assertEquals(after - dot(newRow, m1) - theta[i], step[i], 1e-12, "b[" + i + "]");
    }
    for (int j = 0; j < 2; j++) {
      double before = theta[3 + j] + column(w1, j, mv) + dot(w2[j], m2);
      double after = before + g[3 + j];
      double[][] nw1 = add(w1, gw1);
      double[][] nw2 = add(w2, gw2);
      assertEquals(after - column(nw1, j, mv) - dot(nw2[j], m2) - theta[3 + j], step[3 + j], 1e-12, "c1[" + j + "]");
    }
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 2; j++) {
        assertEquals(gw1[i][j], step[7 + i * 2 + j], 1e-12);
      }
    }
  }

  @Test
  void aCenteredDbmTrains() {
    DbmModel m = DbmModel.builder().visible(9).h1(8).h2(4).seed(1).build();
    var data = BarsAndStripes.generate(3);
    Trainer t = Trainer.builder(m).centering(0.01).positivePhase(LatentInference.meanField()).optimizer(new org.ebm4j.train.optim.Adam(0.05)).batchSize(14).seed(1).build();
    t.fit(data, 200);
    assertTrue(t.exactLogLikelihood(data) > -3.0, "log-likelihood " + t.exactLogLikelihood(data));
    // The offsets of every layer moved from their start (0.5) towards the posterior means.
    LayerCentering lc = (LayerCentering) t.reparameterisation();
    assertTrue(lc.mu[9] != 0.5 && lc.mu[17] != 0.5);
  }

  /** The mean-field positive phase hands its means to the offsets: the same move as fitting them again. */
  @Test
  void offsetsFollowThePositivePhasesMeansWithoutRefitting() {
    DbmModel m = DbmModel.builder().visible(9).h1(8).h2(4).seed(1).build();
    Rng rng = new Rng(2);
    for (int k = 0; k < m.params().length; k++) {
      m.params()[k] = rng.nextGaussian();
    }
    var data = BarsAndStripes.generate(3);
    MiniBatch batch = MiniBatch.of(data, new int[] {0, 3, 5, 8, 13}, 0, 5);
    LayerCentering handed = new LayerCentering(m, 0.3);
    LayerCentering refit = new LayerCentering(m, 0.3);
    MaximumLikelihood ml = Objective.maximumLikelihood(NegativePhase.exact(), LatentInference.meanField(50, 1e-9, 0));
    ml.accumulate(m, batch, new double[m.params().length], rng);
    assertTrue(ml.measurePositive(handed));
    handed.moveOffsets();
    refit.updateOffsets(batch);
    for (int k = 0; k < handed.mu.length; k++) {
      assertEquals(refit.mu[k], handed.mu[k], 1e-6, "offset " + k);
    }
    assertTrue(handed.mu[9] != 0.5, "the latent offsets moved");
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double column(double[][] w, int j, double[] x) {
    double s = 0;
    for (int i = 0; i < w.length; i++) {
      s += w[i][j] * x[i];
    }
    return s;
  }

  private static double[][] add(double[][] a, double[][] b) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = new double[a[i].length];
      for (int j = 0; j < a[i].length; j++) {
        out[i][j] = a[i][j] + b[i][j];
      }
    }
    return out;
  }
}
