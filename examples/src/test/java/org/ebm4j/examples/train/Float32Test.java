package org.ebm4j.examples.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ebm4j.data.BarsAndStripes;
import org.ebm4j.data.Dataset;
import org.ebm4j.estimate.Enumeration;
import org.ebm4j.estimate.ExactLogZ;
import org.ebm4j.examples.models.RbmModel;
import org.ebm4j.model.Batches;
import org.ebm4j.model.Precision;
import org.ebm4j.random.Rng;
import org.ebm4j.train.Checkpoint;
import org.ebm4j.train.NegativePhase;
import org.ebm4j.train.Trainer;
import org.ebm4j.train.TrainingConfig;
import org.ebm4j.train.optim.Sgd;
import org.junit.jupiter.api.Test;

/**
 * float32 training: the batched work really runs in float (results differ from float64 by float
 * rounding, no more), θ changes reach the float copy, only updates use it, and a run trained in
 * float32 scores as one in float64 does.
 */
class Float32Test {
  @Test
  void latentMeansInFloatDifferFromDoubleByRoundingOnlyAndFollowTheta() {
    RbmModel m = RbmModel.builder().visible(30).hidden(20).seed(1).build();
    Rng rng = new Rng(2);
    double[] p = m.params();
    for (int k = 0; k < p.length; k++) {
      p[k] = rng.nextGaussian();
    }
    int rows = 7;
    double[] states = new double[rows * m.stateSize()];
    for (int k = 0; k < states.length; k++) {
      states[k] = rng.nextDouble() < 0.4 ? 1 : 0;
    }
    double[] exact = states.clone();
    Batches.latentMeans(m, exact, rows, new double[states.length]);
    assertEquals(Precision.FLOAT32, Batches.usePrecision(m, Precision.FLOAT32));
    try {
      double[] single = states.clone();
      Batches.latentMeans(m, single, rows, new double[states.length]);
      double worst = maxDifference(exact, single);
      assertTrue(worst > 0 && worst < 1e-5, "float32 means differ from float64 by " + worst);
      // θ moves: the float copy follows once told.
      for (int k = 0; k < p.length; k++) {
        p[k] *= 0.5;
      }
      Batches.paramsChanged(m);
      double[] moved = states.clone();
      Batches.latentMeans(m, moved, rows, new double[states.length]);
      Batches.usePrecision(m, Precision.FLOAT64);
      double[] movedExact = states.clone();
      Batches.latentMeans(m, movedExact, rows, new double[states.length]);
      assertTrue(maxDifference(movedExact, moved) < 1e-5, "the float copy followed θ");
    } finally {
      Batches.usePrecision(m, Precision.FLOAT64);
    }
    assertEquals(Precision.FLOAT64, Batches.precision(m));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"pcd:1", "cd:1"})
  void anRbmTrainedInFloat32ScoresAsInFloat64(String negative) {
    // Bars and stripes 4x4, 16 hidden, PCD-1 or CD-1 (each with its own float path), 150 epochs, same seed: the exact log-likelihoods
    // within 0.05 nats (stated tolerance), the parameters not identical (float really ran), and
    // the precision kept in checkpoints.
    Dataset data = BarsAndStripes.generate(4);
    double[] ll = new double[2];
    double[][] params = new double[2][];
    for (Precision precision : Precision.values()) {
      RbmModel m = RbmModel.builder().visible(16).hidden(16).seed(3).build();
      Trainer t = Trainer.builder(m).negativePhase(NegativePhase.parse(negative, null, 10, org.ebm4j.sampling.SamplerOptions.defaults()))
          .optimizer(new Sgd(0.05)).batchSize(10).seed(4).precision(precision).build();
      t.fit(data, 150);
      assertEquals(Precision.FLOAT64, Batches.precision(m), "float32 only during updates");
      ll[precision.ordinal()] = Enumeration.averageLogLikelihood(m, data, ExactLogZ.compute(m, 1, null));
      params[precision.ordinal()] = m.params().clone();
      Checkpoint c = t.checkpoint();
      assertEquals(precision, TrainingConfig.restore(c).precision());
    }
    assertEquals(ll[0], ll[1], 0.05, "float32 against float64");
    assertTrue(maxDifference(params[0], params[1]) > 0, "float32 changed nothing: it did not run");
  }

  @Test
  void aFloatStepMovesThetasFloatCopyAndIsWrittenBackWhenAsked() {
    RbmModel m = RbmModel.builder().visible(12).hidden(5).seed(1).build();
    Rng rng = new Rng(6);
    int rows = 9;
    int width = m.stateSize();
    double[] states = new double[rows * width];
    for (int k = 0; k < states.length; k++) {
      states[k] = rng.nextDouble() < 0.4 ? 1 : 0;
    }
    double[] weights = new double[rows];
    float[] floatWeights = new float[rows];
    for (int r = 0; r < rows; r++) {
      weights[r] = r < 4 ? 0.1 : -0.05;
      floatWeights[r] = (float) weights[r];
    }
    double[] before = m.params().clone();
    double[] expected = before.clone();
    m.capability(org.ebm4j.model.BatchGradients.class).orElseThrow().accumulateGradientBatch(states, rows, weights, expected);
    float[] floatStates = new float[(rows + 1) * width];
    for (int k = 0; k < states.length; k++) {
      floatStates[k] = (float) states[k];
    }
    Batches.usePrecision(m, Precision.FLOAT32);
    try {
      assertEquals(-1, Batches.stepFloatParams(m, floatStates, rows, floatWeights));
      assertEquals(0, maxDifference(before, m.params()), "θ's doubles are out of date until written back");
      Batches.paramsChanged(m); // ignored: the float copy is the live θ
      assertEquals(-1, Batches.stepFloatParams(m, floatStates, rows, floatWeights));
      m.capability(org.ebm4j.model.BatchGradients.class).orElseThrow().accumulateGradientBatch(states, rows, weights, expected);
    } finally {
      Batches.usePrecision(m, Precision.FLOAT64);
    }
    double worst = maxDifference(expected, m.params());
    assertTrue(worst > 0 && worst < 1e-5, "two float steps against two double steps: " + worst);
    // A non-finite state makes a non-finite θ, which the step reports by its index.
    floatStates[0] = Float.NaN;
    Batches.usePrecision(m, Precision.FLOAT32);
    try {
      assertTrue(Batches.stepFloatParams(m, floatStates, rows, floatWeights) >= 0);
    } finally {
      Batches.usePrecision(m, Precision.FLOAT64);
    }
    assertTrue(org.ebm4j.kernel.Kernels.firstNonFinite(m.params()) >= 0, "written back, NaN and all");
  }

  @Test
  void float32TrainingThatDivergesStopsWithTheParameterNamed() {
    // PCD with plain SGD steps θ in float: a step of 1e39 is beyond float (not double).
    RbmModel m = RbmModel.builder().visible(16).hidden(8).seed(3).build();
    Trainer t = Trainer.builder(m).negativePhase(NegativePhase.parse("pcd:1", null, 10, org.ebm4j.sampling.SamplerOptions.defaults()))
        .optimizer(new Sgd(1e39)).batchSize(1).seed(4).precision(Precision.FLOAT32).build();
    Trainer.DivergenceException e = org.junit.jupiter.api.Assertions.assertThrows(Trainer.DivergenceException.class, () -> t.fit(BarsAndStripes.generate(4), 5));
    assertTrue(e.getMessage().contains("parameter after the update"), e.getMessage());
    assertEquals(Precision.FLOAT64, Batches.precision(m));
  }

  private static double maxDifference(double[] a, double[] b) {
    double worst = 0;
    for (int k = 0; k < a.length; k++) {
      worst = Math.max(worst, Math.abs(a[k] - b[k]));
    }
    return worst;
  }
}
