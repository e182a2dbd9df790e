package org.ebm4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.ebm4j.examples.models.FullyVisibleBmModel;
import org.ebm4j.examples.models.RbmModel;
import org.ebm4j.examples.models.TanhEnergyModel;
import org.junit.jupiter.api.Test;

/** The hand-written baselines compute the same gradients as the generated code they are timed against. */
class HandWrittenTest {
  static void assertClose(double[] expected, double[] actual) {
    for (int k = 0; k < expected.length; k++) {
      assertEquals(expected[k], actual[k], 1e-9 * (1 + Math.abs(expected[k])), "entry " + k);
    }
  }

  @Test
  void rbmPerStateAndBatched() {
    int nv = 7;
    int nh = 5;
    int rows = 9;
    RbmModel model = RbmModel.builder().visible(nv).hidden(nh).seed(1).build();
    SplittableRandom rng = new SplittableRandom(2);
    double[] states = new double[rows * (nv + nh)];
    double[] v = new double[rows * nv];
    double[] h = new double[rows * nh];
    for (int r = 0; r < rows; r++) {
      for (int u = 0; u < nv + nh; u++) {
        double value = rng.nextInt(2);
        states[r * (nv + nh) + u] = value;
        if (u < nv) {
          v[r * nv + u] = value;
        } else {
          h[r * nh + u - nv] = value;
        }
      }
    }
    double[] generated = new double[model.params().length];
    double[] hand = new double[generated.length];
    double[] x = new double[nv + nh];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(states, r * x.length, x, 0, x.length);
      model.accumulateGradient(x, 0.01, generated);
      HandWritten.rbmGradient(x, nv, nh, 0.01, hand);
    }
    assertClose(generated, hand);
    double[] batched = new double[generated.length];
    double[] handBatched = new double[generated.length];
    model.accumulateGradientBatch(states, rows, 0.01, batched);
    HandWritten.rbmGradientBatch(v, h, rows, nv, nh, 0.01, handBatched);
    assertClose(generated, batched);
    assertClose(generated, handBatched);
  }

  @Test
  void fullyVisiblePerState() {
    int n = 12;
    FullyVisibleBmModel model = FullyVisibleBmModel.builder().units(n).seed(1).build();
    SplittableRandom rng = new SplittableRandom(3);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = rng.nextInt(2);
    }
    double[] generated = new double[model.params().length];
    double[] hand = new double[generated.length];
    model.accumulateGradient(x, 0.01, generated);
    HandWritten.fvbmGradient(x, n, 0.01, hand);
    assertClose(generated, hand);
  }

  @Test
  void tanhPerStateAndBatched() {
    int d = 6;
    int h = 8;
    int rows = 5;
    TanhEnergyModel model = TanhEnergyModel.builder().dim(d).hidden(h).seed(1).build();
    SplittableRandom rng = new SplittableRandom(4);
    double[] xs = new double[rows * d];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = rng.nextGaussian();
    }
    double[] generated = new double[model.params().length];
    double[] hand = new double[generated.length];
    double[] x = new double[d];
    double[] pre = new double[h];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(xs, r * d, x, 0, d);
      model.accumulateGradient(x, 0.01, generated);
      HandWritten.tanhGradient(model.params(), x, d, h, 0.01, hand, pre);
    }
    assertClose(generated, hand);
    double[] batched = new double[generated.length];
    double[] handBatched = new double[generated.length];
    model.accumulateGradientBatch(xs, rows, 0.01, batched);
    HandWritten.tanhGradientBatch(model.params(), xs, rows, d, h, 0.01, handBatched, new double[rows * h], new double[rows * h]);
    assertClose(generated, batched);
    assertClose(generated, handBatched);
  }
}
