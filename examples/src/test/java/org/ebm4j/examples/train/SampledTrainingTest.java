package org.ebm4j.examples.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ebm4j.data.Dataset;
import org.ebm4j.estimate.Enumeration;
import org.ebm4j.examples.models.RbmModel;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.random.Rng;
import org.ebm4j.sampling.SamplerOptions;
import org.ebm4j.train.Checkpoint;
import org.ebm4j.train.NegativePhase;
import org.ebm4j.train.Trainer;
import org.ebm4j.train.optim.Adam;
import org.ebm4j.train.optim.Sgd;
import org.junit.jupiter.api.Test;

/** Training with sampled negative phases, resumption, and the guard rails. */
class SampledTrainingTest {

  /** n exact draws from the visible marginal of a random 6×3 teacher RBM. */
  static Dataset teacherData(int n, long seed) {
    RbmModel teacher = RbmModel.builder().visible(6).hidden(3).build();
    Rng rng = new Rng(seed);
    double[] p = teacher.params();
    for (int k = 0; k < p.length; k++) {
      p[k] = 1.5 * rng.nextGaussian();
    }
    double[] logp = new double[64];
    double[] v = new double[6];
    for (int s = 0; s < 64; s++) {
      for (int j = 0; j < 6; j++) {
        v[j] = (s >> j) & 1;
      }
      logp[s] = -teacher.freeEnergy(v);
    }
    double logZ = Kernels.logSumExp(logp, 0, 64);
    double[] values = new double[n * 6];
    for (int i = 0; i < n; i++) {
      double u = rng.nextDouble();
      int s = 0;
      double cumulative = Math.exp(logp[0] - logZ);
      while (cumulative < u && s < 63) {
        s++;
        cumulative += Math.exp(logp[s] - logZ);
      }
      for (int j = 0; j < 6; j++) {
        values[i * 6 + j] = (s >> j) & 1;
      }
    }
    return new Dataset("teacher", n, 6, values);
  }

  static Trainer trainer(EnergyModel model, NegativePhase phase, long seed) {
    return Trainer.builder(model).negativePhase(phase).optimizer(new Sgd(0.1, 0.5, 0)).batchSize(20).seed(seed).build();
  }

  @Test
  void pcdReachesTheLikelihoodOfExactGradientTraining() {
    Dataset data = teacherData(600, 4);
    RbmModel exact = RbmModel.builder().visible(6).hidden(3).seed(2).build();
    RbmModel pcd = RbmModel.builder().visible(6).hidden(3).seed(2).build();
    Trainer exactTrainer = trainer(exact, NegativePhase.exact(), 1);
    Trainer pcdTrainer = trainer(pcd, NegativePhase.pcd(1, 50, "block-gibbs", SamplerOptions.defaults()), 1);
    double start = exactTrainer.exactLogLikelihood(data);
    exactTrainer.fit(data, 30);
    pcdTrainer.fit(data, 30);
    double llExact = exactTrainer.exactLogLikelihood(data);
    double llPcd = pcdTrainer.exactLogLikelihood(data);
    // Stated margin: PCD-1 within 0.05 nats of exact-gradient training, both well above the start.
    assertTrue(llExact > start + 0.3, "exact training " + start + " -> " + llExact);
    assertEquals(llExact, llPcd, 0.05, "PCD-1 vs exact");
    Trainer cd = trainer(RbmModel.builder().visible(6).hidden(3).seed(2).build(), NegativePhase.cd(1, null, SamplerOptions.defaults()), 1);
    cd.fit(data, 30);
    assertTrue(cd.exactLogLikelihood(data) > start + 0.2, "CD-1 learns too");
    Trainer tempered = trainer(RbmModel.builder().visible(6).hidden(3).seed(2).build(), NegativePhase.tempered(1, 20, "block-gibbs", SamplerOptions.defaults().with("replicas", 4)), 1);
    tempered.fit(data, 30);
    assertEquals(llExact, tempered.exactLogLikelihood(data), 0.05, "tempered PCD vs exact");
  }

  @Test
  void langevinPcdRecoversTheDataMoments() {
    Rng rng = new Rng(8);
    int n = 2000;
    double[] values = new double[2 * n];
    for (int i = 0; i < n; i++) {
      values[2 * i] = 1 + 0.5 * rng.nextGaussian();
      values[2 * i + 1] = -2 + 2 * rng.nextGaussian();
    }
    Dataset data = new Dataset("gaussian", n, 2, values);
    double[] mean = data.columnMeans();
    double[] var = new double[2];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 2; j++) {
        var[j] += Math.pow(values[2 * i + j] - mean[j], 2) / n;
      }
    }
    DiagonalGaussianModel model = DiagonalGaussianModel.builder().d(2).build();
    Trainer t = Trainer.builder(model)
        .negativePhase(NegativePhase.pcd(5, 100, "langevin", SamplerOptions.parse("step=0.01")))
        .optimizer(new Adam(0.05)).schedule(org.ebm4j.train.Schedule.exponential(0.9)).batchSize(100).seed(3).build();
    t.fit(data, 50);
    double[] p = model.params();
    for (int j = 0; j < 2; j++) {
      // Stated tolerance: means within 0.15 of the data's, variances within 20 %.
      assertEquals(mean[j], p[j], 0.15, "mean " + j);
      assertEquals(var[j], Math.exp(-p[2 + j]), 0.2 * var[j], "variance " + j);
    }
  }

  @Test
  void resumingFromACheckpointIsBitIdentical() throws Exception {
    Dataset data = teacherData(200, 5);
    for (String spec : List.of("pcd:2", "tempered:1", "cd:1")) {
      RbmModel straight = RbmModel.builder().visible(6).hidden(3).seed(1).build();
      Trainer a = Trainer.builder(straight).negativePhase(NegativePhase.parse(spec, null, 10, SamplerOptions.parse(spec.startsWith("tempered") ? "replicas=3" : ""))).optimizer(new Adam(0.01)).batchSize(20).seed(9).build();
      a.fit(data, 6);

      RbmModel first = RbmModel.builder().visible(6).hidden(3).seed(1).build();
      Trainer b = Trainer.builder(first).negativePhase(NegativePhase.parse(spec, null, 10, SamplerOptions.parse(spec.startsWith("tempered") ? "replicas=3" : ""))).optimizer(new Adam(0.01)).batchSize(20).seed(9).build();
      b.fit(data, 3);
      java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("ckpt");
      b.checkpoint().write(dir);

      RbmModel resumed = RbmModel.builder().visible(6).hidden(3).seed(1).build();
      Trainer c = Trainer.builder(resumed).negativePhase(NegativePhase.parse(spec, null, 10, SamplerOptions.parse(spec.startsWith("tempered") ? "replicas=3" : ""))).optimizer(new Adam(0.01)).batchSize(20).seed(9).build();
      c.restore(Checkpoint.read(dir));
      c.fit(data, 6);
      assertArrayEquals(straight.params(), resumed.params(), spec + ": resumed run differs");
    }
  }

  @Test
  void divergenceNamesEpochBatchAndParameterBlock() {
    Dataset data = teacherData(100, 6);
    RbmModel model = RbmModel.builder().visible(6).hidden(3).seed(1).build();
    // Without the guard's checks, which stop this run earlier (its log-likelihood turns NaN).
    Trainer t = Trainer.builder(model).optimizer(new Sgd(1e308)).batchSize(20).divergenceGuard(org.ebm4j.train.DivergenceGuard.off()).build();
    Trainer.DivergenceException e = assertThrows(Trainer.DivergenceException.class, () -> t.fit(data, 5));
    assertTrue(e.getMessage().matches("(?s)non-finite .* in epoch \\d+, batch \\d+, parameter block '(b|c|w)'.*lower the learning rate.*"), e.getMessage());
  }

  @Test
  void dataOutsideTheDomainIsRejectedWithRowAndColumn() {
    RbmModel model = RbmModel.builder().visible(3).hidden(2).build();
    Dataset bad = new Dataset("bad", 2, 3, new double[] {0, 1, 0, 1, 0.5, 1});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(model).build().fit(bad, 1));
    assertEquals("data bad, row 2, column 2: value 0.5 is not 0 or 1 (the unit is @Binary)", e.getMessage());
    Dataset narrow = new Dataset("narrow", 1, 2, new double[] {0, 1});
    e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(model).build().fit(narrow, 1));
    assertTrue(e.getMessage().contains("has 2 columns, but the model has 3 visible units"), e.getMessage());
  }

  @Test
  void aThirdPartySamplerIsUsableByName() {
    Dataset data = teacherData(100, 7);
    RbmModel model = RbmModel.builder().visible(6).hidden(3).seed(1).build();
    Trainer t = Trainer.builder(model).negativePhase(NegativePhase.pcd(1, 10, "random-scan-gibbs", SamplerOptions.defaults())).optimizer(new Sgd(0.1)).batchSize(20).build();
    double before = t.exactLogLikelihood(data);
    t.fit(data, 10);
    assertTrue(t.exactLogLikelihood(data) > before);
    assertTrue(t.negativePhase().describe().contains("random-scan-gibbs"));
  }

  @Test
  void enumerationAndTrainingAgreeOnLogLikelihood() {
    Dataset data = teacherData(50, 8);
    RbmModel model = RbmModel.builder().visible(6).hidden(3).seed(3).build();
    double viaTrainer = Trainer.builder(model).build().exactLogLikelihood(data);
    double viaEnumeration = Enumeration.averageLogLikelihood(model, data, Enumeration.plan(model, false).logZ());
    assertEquals(viaEnumeration, viaTrainer, 1e-12);
  }
}
