package org.ebm4j.examples.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ebm4j.data.Dataset;
import org.ebm4j.examples.models.RbmModel;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.random.Rng;
import org.ebm4j.sampling.Chains;
import org.ebm4j.sampling.SamplerOptions;
import org.ebm4j.train.MiniBatch;
import org.ebm4j.train.NegativePhase;
import org.ebm4j.train.Trainer;
import org.ebm4j.train.optim.Sgd;
import org.junit.jupiter.api.Test;

/**
 * The fast path of an update for models with summed-out latents: data and chain rows in one batched
 * gradient, SGD fused into it, and the chains' last latent draw taken from the gradient's means.
 */
class CombinedUpdateTest {

  /**
   * One fused update moves θ by exactly lr · (mean marginal gradient of the data − mean marginal
   * gradient at the chains' new visibles), computed here independently through the free energy.
   */
  @Test
  void fusedUpdateIsTheLearningRateTimesPositiveMinusNegative() {
    RbmModel model = RbmModel.builder().visible(6).hidden(4).seed(3).build();
    Rng init = new Rng(5);
    for (int k = 0; k < model.params().length; k++) {
      model.params()[k] = 0.7 * init.nextGaussian();
    }
    double lr = 0.05;
    Trainer trainer = Trainer.builder(model).negativePhase(NegativePhase.pcd(1, 7, "block-gibbs", SamplerOptions.defaults()))
        .optimizer(new Sgd(lr)).batchSize(5).seed(9).build();
    Dataset data = SampledTrainingTest.teacherData(5, 2);
    MiniBatch batch = MiniBatch.of(data, new int[] {0, 1, 2, 3, 4}, 0, 5);
    double[] before = model.params().clone();
    trainer.update(batch);
    Chains chains = trainer.negativePhase().chains();
    RbmModel probe = RbmModel.builder().visible(6).hidden(4).build();
    System.arraycopy(before, 0, probe.params(), 0, before.length);
    double[] expected = new double[before.length];
    double[] v = new double[6];
    for (int i = 0; i < 5; i++) {
      batch.row(i, v);
      probe.accumulateMarginalGradient(v, lr / 5, expected);
    }
    double[] x = new double[probe.stateSize()];
    for (int c = 0; c < chains.count(); c++) {
      chains.get(c, x);
      System.arraycopy(x, 0, v, 0, 6);
      probe.accumulateMarginalGradient(v, -lr / 7, expected);
    }
    for (int k = 0; k < before.length; k++) {
      assertEquals(before[k] + expected[k], model.params()[k], 1e-12, "parameter " + k);
    }
  }

  /**
   * A centered update taken on shifted states (the fast path) moves θ exactly as the centered
   * transform of the plain gradient says (Melchior et al.: ∇W = g_W − μ g_cᵀ − g_b λᵀ, Δb = g_b −
   * ∇W λ, Δc = g_c − ∇Wᵀ μ), with the offsets the first update left, all recomputed here.
   */
  @Test
  void centeredDirectUpdateIsTheTransformOfThePlainGradient() {
    int nv = 6;
    int nh = 4;
    double lr = 0.05;
    double rate = 0.3;
    RbmModel model = RbmModel.builder().visible(nv).hidden(nh).seed(3).build();
    Rng init = new Rng(5);
    for (int k = 0; k < model.params().length; k++) {
      model.params()[k] = 0.7 * init.nextGaussian();
    }
    Trainer trainer = Trainer.builder(model).negativePhase(NegativePhase.pcd(1, 7, "block-gibbs", SamplerOptions.defaults()))
        .optimizer(new Sgd(lr)).batchSize(5).centering(rate).seed(9).build();
    Dataset data = SampledTrainingTest.teacherData(5, 2);
    MiniBatch batch = MiniBatch.of(data, new int[] {0, 1, 2, 3, 4}, 0, 5);
    // Offsets start at μ = 0, λ = 1/2; each update uses them, then moves them towards the batch
    // means of v and of E[h | v] at the θ it started from. The second update uses these:
    double[] mu = new double[nv];
    double[] lambda = new double[nh];
    java.util.Arrays.fill(lambda, 0.5);
    moveOffsets(model, batch, rate, mu, lambda);
    trainer.update(batch);
    double[] before = model.params().clone();
    trainer.update(batch);
    Chains chains = trainer.negativePhase().chains();
    RbmModel probe = RbmModel.builder().visible(nv).hidden(nh).build();
    System.arraycopy(before, 0, probe.params(), 0, before.length);
    double[] g = new double[before.length];
    double[] v = new double[nv];
    for (int i = 0; i < 5; i++) {
      batch.row(i, v);
      probe.accumulateMarginalGradient(v, 1.0 / 5, g);
    }
    double[] x = new double[probe.stateSize()];
    for (int c = 0; c < chains.count(); c++) {
      chains.get(c, x);
      System.arraycopy(x, 0, v, 0, nv);
      probe.accumulateMarginalGradient(v, -1.0 / 7, g);
    }
    // layout: b[nv], c[nh], w[nv × nh]
    double[] gw = new double[nv * nh];
    for (int i = 0; i < nv; i++) {
      for (int j = 0; j < nh; j++) {
        gw[i * nh + j] = g[nv + nh + i * nh + j] - mu[i] * g[nv + j] - g[i] * lambda[j];
      }
    }
    for (int i = 0; i < nv; i++) {
      double s = 0;
      for (int j = 0; j < nh; j++) {
        s += gw[i * nh + j] * lambda[j];
      }
      assertEquals(before[i] + lr * (g[i] - s), model.params()[i], 1e-12, "b " + i);
    }
    for (int j = 0; j < nh; j++) {
      double s = 0;
      for (int i = 0; i < nv; i++) {
        s += gw[i * nh + j] * mu[i];
      }
      assertEquals(before[nv + j] + lr * (g[nv + j] - s), model.params()[nv + j], 1e-12, "c " + j);
    }
    for (int k = 0; k < nv * nh; k++) {
      assertEquals(before[nv + nh + k] + lr * gw[k], model.params()[nv + nh + k], 1e-12, "w " + k);
    }
  }

  /** μ ← (1 − r) μ + r·mean v, λ ← (1 − r) λ + r·mean E[h | v] over the batch, at the model's θ now. */
  private static void moveOffsets(RbmModel model, MiniBatch batch, double rate, double[] mu, double[] lambda) {
    double[] x = new double[model.stateSize()];
    double[] fields = new double[lambda.length];
    double[] meanV = new double[mu.length];
    double[] meanH = new double[lambda.length];
    for (int r = 0; r < batch.size(); r++) {
      batch.row(r, x);
      model.conditionalFields("h", x, fields);
      for (int i = 0; i < mu.length; i++) {
        meanV[i] += x[i] / batch.size();
      }
      for (int j = 0; j < lambda.length; j++) {
        meanH[j] += Kernels.sigmoid(fields[j]) / batch.size();
      }
    }
    for (int i = 0; i < mu.length; i++) {
      mu[i] = (1 - rate) * mu[i] + rate * meanV[i];
    }
    for (int j = 0; j < lambda.length; j++) {
      lambda[j] = (1 - rate) * lambda[j] + rate * meanH[j];
    }
  }

  /**
   * With θ frozen (a learning rate of 1e-300), the persistent chains, whose latents the trainer
   * draws from the means it computes, sample the model's joint p(v, h): total variation from the
   * exact distribution under 0.03 after 6000 updates of 10 chains (seeded; the sampling error at
   * this size is about 0.01).
   */
  @Test
  void chainsWithDeferredLatentDrawsSampleTheModel() {
    RbmModel model = RbmModel.builder().visible(3).hidden(2).seed(3).build();
    Rng init = new Rng(7);
    for (int k = 0; k < model.params().length; k++) {
      model.params()[k] = init.nextGaussian();
    }
    Trainer trainer = Trainer.builder(model).negativePhase(NegativePhase.pcd(1, 10, "block-gibbs", SamplerOptions.defaults()))
        .optimizer(new Sgd(1e-300)).batchSize(4).seed(11).build();
    Dataset data = new Dataset("d", 4, 3, new double[] {0, 1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1});
    MiniBatch batch = MiniBatch.of(data, new int[] {0, 1, 2, 3}, 0, 4);
    double[] counts = new double[32];
    double[] x = new double[5];
    int samples = 0;
    for (int t = 0; t < 6200; t++) {
      trainer.update(batch);
      if (t < 200) {
        continue; // burn-in
      }
      Chains chains = trainer.negativePhase().chains();
      for (int c = 0; c < chains.count(); c++) {
        chains.get(c, x);
        int s = 0;
        for (int u = 0; u < 5; u++) {
          s |= (int) x[u] << u;
        }
        counts[s]++;
        samples++;
      }
    }
    double[] logp = new double[32];
    for (int s = 0; s < 32; s++) {
      for (int u = 0; u < 5; u++) {
        x[u] = (s >> u) & 1;
      }
      logp[s] = model.logPTilde(x);
    }
    double logZ = Kernels.logSumExp(logp, 0, 32);
    double tv = 0;
    for (int s = 0; s < 32; s++) {
      tv += Math.abs(counts[s] / samples - Math.exp(logp[s] - logZ)) / 2;
    }
    assertTrue(tv < 0.03, "total variation " + tv);
  }
}
