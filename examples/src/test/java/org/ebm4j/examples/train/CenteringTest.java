package org.ebm4j.examples.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ebm4j.data.Dataset;
import org.ebm4j.examples.models.FullyVisibleBmModel;
import org.ebm4j.examples.models.RbmModel;
import org.ebm4j.examples.models.SpinRbmModel;
import org.ebm4j.sampling.SamplerOptions;
import org.ebm4j.train.Checkpoint;
import org.ebm4j.train.NegativePhase;
import org.ebm4j.train.Trainer;
import org.ebm4j.train.optim.Sgd;
import org.junit.jupiter.api.Test;

/** Centering: the step is the centered gradient's, the parameters stay plain. */
class CenteringTest {

  @Test
  void oneStepIsTheCenteredGradientStepInPlainParameters() {
    Dataset data = SampledTrainingTest.teacherData(40, 3);
    RbmModel model = RbmModel.builder().visible(6).hidden(3).seed(5).build();
    double lr = 0.1;
    Trainer t = Trainer.builder(model).optimizer(new Sgd(lr)).batchSize(data.size()).centering(0.01).build();
    // Reproduce the trainer's start: b at the data's logits, μ the data means, λ = 1/2.
    double[] mean = data.columnMeans();
    double[] start = model.params().clone();
    for (int i = 0; i < 6; i++) {
      double p = Math.min(1 - 1e-3, Math.max(1e-3, mean[i]));
      start[i] = Math.log(p / (1 - p));
    }
    RbmModel probe = RbmModel.builder().visible(6).hidden(3).build();
    System.arraycopy(start, 0, probe.params(), 0, start.length);
    double[] g = Trainer.builder(probe).build().fullGradient(data);
    t.fit(data, 1);
    double[] after = model.params();
    // Layout: b[6], c[3], w[6][3]. Centered W step, then the biases that keep the centered ones' steps.
    double[] dw = new double[18];
    for (int i = 0; i < 6; i++) {
      for (int j = 0; j < 3; j++) {
        dw[i * 3 + j] = g[9 + i * 3 + j] - mean[i] * g[6 + j] - g[i] * 0.5;
        assertEquals(start[9 + i * 3 + j] + lr * dw[i * 3 + j], after[9 + i * 3 + j], 1e-12);
      }
    }
    for (int i = 0; i < 6; i++) {
      double s = 0;
      for (int j = 0; j < 3; j++) {
        s += dw[i * 3 + j] * 0.5;
      }
      assertEquals(start[i] + lr * (g[i] - s), after[i], 1e-12);
    }
    for (int j = 0; j < 3; j++) {
      double s = 0;
      for (int i = 0; i < 6; i++) {
        s += dw[i * 3 + j] * mean[i];
      }
      assertEquals(start[6 + j] + lr * (g[6 + j] - s), after[6 + j], 1e-12);
    }
  }

  @Test
  void centeredPcdLearnsAndResumesBitIdentically() throws Exception {
    Dataset data = SampledTrainingTest.teacherData(300, 4);
    RbmModel straight = RbmModel.builder().visible(6).hidden(3).seed(1).build();
    Trainer a = Trainer.builder(straight).negativePhase(NegativePhase.pcd(1, 20, null, SamplerOptions.defaults())).optimizer(new Sgd(0.05)).batchSize(20).centering(0.01).seed(2).build();
    double before = a.exactLogLikelihood(data);
    a.fit(data, 6);
    assertTrue(a.exactLogLikelihood(data) > before);

    RbmModel first = RbmModel.builder().visible(6).hidden(3).seed(1).build();
    Trainer b = Trainer.builder(first).negativePhase(NegativePhase.pcd(1, 20, null, SamplerOptions.defaults())).optimizer(new Sgd(0.05)).batchSize(20).centering(0.01).seed(2).build();
    b.fit(data, 3);
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("centered");
    b.checkpoint().write(dir);
    RbmModel resumed = RbmModel.builder().visible(6).hidden(3).seed(1).build();
    Trainer c = Trainer.builder(resumed).negativePhase(NegativePhase.pcd(1, 20, null, SamplerOptions.defaults())).optimizer(new Sgd(0.05)).batchSize(20).centering(0.01).seed(2).build();
    c.restore(Checkpoint.read(dir));
    c.fit(data, 6);
    assertArrayEquals(straight.params(), resumed.params());
  }

  @Test
  void otherEnergiesAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.builder(FullyVisibleBmModel.builder().units(4).build()).centering(0.01).build());
    assertTrue(e.getMessage().contains("centering applies to energies"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.builder(org.ebm4j.examples.models.GaussianBernoulliRbmModel.builder().visible(4).hidden(2).build()).centering(0.01).build());
    assertTrue(e.getMessage().contains("'v' is real-valued") && e.getMessage().contains("nor the RBM form"), e.getMessage());
    // sᵀWv written as dot(s, matvec(w, v)) is a proven coupling too: a spin RBM is centered layer by layer.
    Trainer.builder(SpinRbmModel.builder().visible(4).hidden(2).build()).centering(0.01).build();
  }
}
