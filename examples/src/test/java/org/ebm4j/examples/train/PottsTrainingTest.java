package org.ebm4j.examples.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ebm4j.data.Dataset;
import org.ebm4j.examples.models.PottsModel;
import org.ebm4j.examples.models.SoftmaxRbmModel;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.random.Rng;
import org.ebm4j.train.MiniBatch;
import org.ebm4j.train.Objective;
import org.ebm4j.train.Trainer;
import org.ebm4j.train.optim.Adam;
import org.junit.jupiter.api.Test;

/**
 * Pseudo-likelihood for categorical units: its gradient against the brute-force objective
 * Σ_i log p(v_i | v_−i) with K states per unit (weighted examples included), and consistency — a
 * small Potts model recovered, up to the gauge, from every one of its states weighted by its
 * probability.
 */
class PottsTrainingTest {
  static final int SITES = 3;
  static final int K = 3;

  static void load(double[] x, int s) {
    java.util.Arrays.fill(x, 0, SITES * K, 0.0);
    for (int i = 0; i < SITES; i++) {
      x[i * K + s % K] = 1;
      s /= K;
    }
  }

  /** Weighted mean over the data of Σ_i log p(v_i | v_−i), latents summed by enumeration. */
  static double brutePseudoLikelihood(EnergyModel m, Dataset data) {
    double total = 0;
    double[] v = new double[data.width()];
    int units = data.width() / K;
    for (int r = 0; r < data.size(); r++) {
      data.row(r, v);
      double here = logPTilde(m, v);
      for (int i = 0; i < units; i++) {
        double[] saved = java.util.Arrays.copyOfRange(v, i * K, i * K + K);
        double[] terms = new double[K];
        for (int a = 0; a < K; a++) {
          java.util.Arrays.fill(v, i * K, i * K + K, 0.0);
          v[i * K + a] = 1;
          terms[a] = logPTilde(m, v);
        }
        System.arraycopy(saved, 0, v, i * K, K);
        total += data.weight(r) * (here - Kernels.logSumExp(terms, 0, K));
      }
    }
    return total / data.totalWeight();
  }

  static double logPTilde(EnergyModel m, double[] v) {
    int latent = m.latentSize();
    double[] x = java.util.Arrays.copyOf(v, m.stateSize());
    double[] terms = new double[1 << latent];
    for (int h = 0; h < terms.length; h++) {
      for (int j = 0; j < latent; j++) {
        x[v.length + j] = (h >> j) & 1;
      }
      terms[h] = -m.energy(x);
    }
    return Kernels.logSumExp(terms, 0, terms.length);
  }

  static Dataset randomStates(int n, int width, long seed, boolean weighted) {
    Rng rng = new Rng(seed);
    double[] values = new double[n * width];
    double[] weights = new double[n];
    double[] x = new double[width];
    for (int r = 0; r < n; r++) {
      load(x, rng.nextInt((int) Math.pow(K, SITES)));
      System.arraycopy(x, 0, values, r * width, width);
      weights[r] = 0.2 + rng.nextDouble();
    }
    Dataset d = new Dataset("random states", n, width, values);
    return weighted ? d.withWeights(weights) : d;
  }

  @Test
  void theGradientIsThatOfTheBruteForcePseudoLikelihood() {
    for (EnergyModel m : new EnergyModel[] {PottsModel.builder().units(SITES * K).states(K).build(),
        SoftmaxRbmModel.builder().visible(SITES * K).states(K).hidden(2).build()}) {
      Rng rng = new Rng(3);
      for (int k = 0; k < m.params().length; k++) {
        m.params()[k] = 0.7 * rng.nextGaussian();
      }
      for (boolean weighted : new boolean[] {false, true}) {
        Dataset data = randomStates(6, m.visibleSize(), 4, weighted);
        int[] all = {0, 1, 2, 3, 4, 5};
        MiniBatch batch = MiniBatch.of(data, all, 0, 6);
        double[] g = new double[m.params().length];
        Objective pl = Objective.pseudoLikelihood();
        pl.accumulate(m, batch, g, rng);
        // The Potts model takes the one-gradient form, the softmax RBM (latents) the general one.
        assertEquals(m instanceof PottsModel, pl.describe().contains("one gradient per example"), pl.describe());
        double[] p = m.params();
        for (int k = 0; k < p.length; k++) {
          double saved = p[k];
          p[k] = saved + 1e-5;
          double up = brutePseudoLikelihood(m, data);
          p[k] = saved - 1e-5;
          double down = brutePseudoLikelihood(m, data);
          p[k] = saved;
          assertEquals((up - down) / 2e-5, g[k], 1e-7, m.getClass().getSimpleName() + (weighted ? " weighted" : "") + " θ[" + k + "]");
        }
      }
    }
  }

  @Test
  void theMonitoredPseudoLikelihoodIsTheWeightedSumOverEverySite() {
    EnergyModel m = PottsModel.builder().units(SITES * K).states(K).build();
    Rng rng = new Rng(5);
    for (int k = 0; k < m.params().length; k++) {
      m.params()[k] = 0.7 * rng.nextGaussian();
    }
    for (boolean weighted : new boolean[] {false, true}) {
      Dataset data = randomStates(40, m.visibleSize(), 6, weighted);
      double monitored = Trainer.builder(m).build().pseudoLogLikelihood(data, 1);
      assertEquals(brutePseudoLikelihood(m, data), monitored, 1e-10, weighted ? "weighted" : "unweighted");
    }
    // Rows added for training only (a pseudo-count's uniform rows) are left out of what is reported.
    Dataset observed = randomStates(40, m.visibleSize(), 6, true);
    Dataset noise = randomStates(40, m.visibleSize(), 8, false);
    double[] values = java.util.Arrays.copyOf(observed.values(), 80 * observed.width());
    System.arraycopy(noise.values(), 0, values, 40 * observed.width(), 40 * observed.width());
    double[] weights = java.util.Arrays.copyOf(observed.weights(), 80);
    java.util.Arrays.fill(weights, 40, 80, 0.5);
    Dataset counted = new Dataset("counted", 80, observed.width(), values, null, weights, K, 40);
    assertEquals(brutePseudoLikelihood(m, observed), Trainer.builder(m).build().pseudoLogLikelihood(counted, 1), 1e-10, "observed rows only");
    assertTrue(Math.abs(brutePseudoLikelihood(m, counted) - brutePseudoLikelihood(m, observed)) > 1e-3, "the added rows would change it");
  }

  @Test
  void theReportedLogLikelihoodOfWeightedDataIsTheirWeightedMean() {
    EnergyModel m = PottsModel.builder().units(SITES * K).states(K).build();
    Rng rng = new Rng(8);
    for (int k = 0; k < m.params().length; k++) {
      m.params()[k] = 0.7 * rng.nextGaussian();
    }
    Dataset data = randomStates(30, m.visibleSize(), 9, true);
    double logZ = org.ebm4j.estimate.ExactLogZ.compute(m, 1, null);
    double expected = 0;
    double[] v = new double[data.width()];
    for (int r = 0; r < data.size(); r++) {
      data.row(r, v);
      expected += data.weight(r) * (logPTilde(m, v) - logZ);
    }
    expected /= data.totalWeight();
    assertEquals(expected, org.ebm4j.estimate.Enumeration.averageLogLikelihood(m, data, logZ), 1e-10);
    assertEquals(expected, Trainer.builder(m).build().exactLogLikelihood(data), 1e-10);
  }

  @Test
  void pseudoLikelihoodRecoversAPottsModelFromItsWeightedStates() {
    EnergyModel truth = PottsModel.builder().units(SITES * K).states(K).build();
    Rng rng = new Rng(11);
    for (int k = 0; k < truth.params().length; k++) {
      truth.params()[k] = 0.8 * rng.nextGaussian();
    }
    int states = (int) Math.pow(K, SITES);
    double[] values = new double[states * SITES * K];
    double[] logp = new double[states];
    double[] x = new double[SITES * K];
    for (int s = 0; s < states; s++) {
      load(x, s);
      System.arraycopy(x, 0, values, s * x.length, x.length);
      logp[s] = -truth.energy(x);
    }
    double logZ = Kernels.logSumExp(logp, 0, states);
    double[] p = new double[states];
    for (int s = 0; s < states; s++) {
      p[s] = Math.exp(logp[s] - logZ);
    }
    Dataset data = new Dataset("every state", states, SITES * K, values).withWeights(p);
    EnergyModel learned = PottsModel.builder().units(SITES * K).states(K).build();
    Trainer t = Trainer.builder(learned).objective(Objective.pseudoLikelihood()).optimizer(new Adam(0.05)).batchSize(states).seed(3).build();
    t.fit(data, 1500);
    // Up to the gauge: every state's log-probability, the normalised −E, is the same.
    double[] learnedLogp = new double[states];
    for (int s = 0; s < states; s++) {
      load(x, s);
      learnedLogp[s] = -learned.energy(x);
    }
    double learnedLogZ = Kernels.logSumExp(learnedLogp, 0, states);
    for (int s = 0; s < states; s++) {
      assertEquals(logp[s] - logZ, learnedLogp[s] - learnedLogZ, 0.02, "log p of state " + s);
    }
  }

  @Test
  void objectivesThatIgnoreWeightsRefuseWeightedData() {
    EnergyModel m = PottsModel.builder().units(SITES * K).states(K).build();
    Dataset data = randomStates(6, SITES * K, 4, true);
    Trainer t = Trainer.builder(m).objective(Objective.named("nce").orElseThrow()).seed(3).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.fit(data, 1));
    assertTrue(e.getMessage().contains("carry example weights"), e.getMessage());
  }
}
