package org.ebm4j.examples.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ebm4j.data.Dataset;
import org.ebm4j.examples.models.DbmModel;
import org.ebm4j.examples.models.FullyVisibleBmModel;
import org.ebm4j.examples.models.GaussianBernoulliRbmModel;
import org.ebm4j.examples.models.RbmModel;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.random.Rng;
import org.ebm4j.train.MiniBatch;
import org.ebm4j.train.Objective;
import org.ebm4j.train.PseudoLikelihood;
import org.ebm4j.train.Trainer;
import org.ebm4j.train.optim.Adam;
import org.junit.jupiter.api.Test;

/**
 * Pseudo-likelihood and ratio matching against brute-force objectives (Σ_i log p(v_i | v_−i) and
 * −Σ_i σ(a_i)², latents summed by enumeration): their gradients by central differences, the
 * unbiasedness of sampled sites, and consistency — the couplings of a fully visible BM recovered
 * from its own exact samples.
 */
class SiteFlipObjectivesTest {
  @Test
  void theGradientIsThatOfTheBruteForcePseudoLikelihood() {
    checkGradient(Objective.pseudoLikelihood(), SiteFlipObjectivesTest::brutePseudoLikelihood);
  }

  @Test
  void theRatioMatchingGradientIsThatOfTheBruteForceObjective() {
    checkGradient(Objective.ratioMatching(), SiteFlipObjectivesTest::bruteRatioMatching);
  }

  /** The objective's gradient on an FVBM and an RBM against central differences of {@code brute}. */
  private static void checkGradient(Objective objective, java.util.function.ToDoubleBiFunction<EnergyModel, Dataset> brute) {
    for (EnergyModel m : new EnergyModel[] {FullyVisibleBmModel.builder().units(5).seed(1).build(), RbmModel.builder().visible(4).hidden(3).seed(2).build()}) {
      Rng rng = new Rng(3);
      for (int k = 0; k < m.params().length; k++) {
        m.params()[k] = 0.7 * rng.nextGaussian();
      }
      Dataset data = randomBinary(6, m.visibleSize(), 4);
      MiniBatch batch = MiniBatch.of(data, new int[] {0, 1, 2, 3, 4, 5}, 0, 6);
      double[] g = new double[m.params().length];
      objective.accumulate(m, batch, g, rng);
      double[] p = m.params();
      for (int k = 0; k < p.length; k++) {
        double saved = p[k];
        p[k] = saved + 1e-5;
        double up = brute.applyAsDouble(m, data);
        p[k] = saved - 1e-5;
        double down = brute.applyAsDouble(m, data);
        p[k] = saved;
        assertEquals((up - down) / 2e-5, g[k], 1e-7, objective.describe() + ", " + m.getClass().getSimpleName() + " θ[" + k + "]");
      }
    }
  }

  @Test
  void sampledSitesAreUnbiased() {
    // 4000 draws of 2 sites of 6: the mean is within 0.03 of the full gradient (seeded).
    EnergyModel m = FullyVisibleBmModel.builder().units(6).seed(1).build();
    Rng rng = new Rng(5);
    for (int k = 0; k < m.params().length; k++) {
      m.params()[k] = 0.5 * rng.nextGaussian();
    }
    Dataset data = randomBinary(3, 6, 6);
    MiniBatch batch = MiniBatch.of(data, new int[] {0, 1, 2}, 0, 3);
    double[] full = new double[m.params().length];
    Objective.pseudoLikelihood().accumulate(m, batch, full, rng);
    double[] mean = new double[full.length];
    PseudoLikelihood two = Objective.pseudoLikelihood(2);
    int draws = 4000;
    for (int t = 0; t < draws; t++) {
      double[] g = new double[full.length];
      two.accumulate(m, batch, g, rng);
      for (int k = 0; k < g.length; k++) {
        mean[k] += g[k] / draws;
      }
    }
    for (int k = 0; k < full.length; k++) {
      assertEquals(full[k], mean[k], 0.03, "θ[" + k + "]");
    }
  }

  @Test
  void theCouplingsOfAFullyVisibleBmAreRecoveredFromItsOwnSamples() {
    // Consistency: 20 000 exact samples of a 5-unit FVBM; stated tolerance 0.12 on every bias and
    // coupling (their sampling error at this size is about 0.03-0.05).
    checkRecovery(Objective.pseudoLikelihood(), 60, 0.12);
  }

  @Test
  void ratioMatchingRecoversTheCouplingsOfAFullyVisibleBm() {
    // The same, tolerance 0.15: ratio matching is the less efficient estimator.
    checkRecovery(Objective.ratioMatching(), 100, 0.15);
  }

  private static void checkRecovery(Objective objective, int epochs, double tolerance) {
    FullyVisibleBmModel truth = FullyVisibleBmModel.builder().units(5).seed(1).build();
    Rng rng = new Rng(11);
    double[] p = truth.params();
    java.util.Arrays.fill(p, 0.0);
    for (int i = 0; i < 5; i++) {
      p[i] = 0.8 * rng.nextGaussian();
      for (int j = i + 1; j < 5; j++) {
        p[5 + i * 5 + j] = 0.8 * rng.nextGaussian();
      }
    }
    Dataset data = exactSamples(truth, 20000, rng);
    FullyVisibleBmModel learned = FullyVisibleBmModel.builder().units(5).seed(2).build();
    java.util.Arrays.fill(learned.params(), 0.0);
    Trainer t = Trainer.builder(learned).objective(objective).optimizer(new Adam(0.05)).batchSize(1000).seed(3).build();
    t.fit(data, epochs);
    for (int i = 0; i < 5; i++) {
      assertEquals(p[i], learned.params()[i], tolerance, objective.describe() + ": b[" + i + "]");
      for (int j = i + 1; j < 5; j++) {
        assertEquals(p[5 + i * 5 + j], learned.params()[5 + i * 5 + j], tolerance, objective.describe() + ": w[" + i + "][" + j + "]");
      }
    }
  }

  /** Mean over the data of −Σ_i σ(log p̃(flip_i v) − log p̃(v))², the objective ratio matching ascends. */
  private static double bruteRatioMatching(EnergyModel m, Dataset data) {
    double total = 0;
    for (int r = 0; r < data.size(); r++) {
      double[] v = data.row(r);
      double here = logPTilde(m, v);
      for (int i = 0; i < v.length; i++) {
        v[i] = 1 - v[i];
        double s = 1 / (1 + Math.exp(here - logPTilde(m, v)));
        v[i] = 1 - v[i];
        total -= s * s;
      }
    }
    return total / data.size();
  }

  @Test
  void modelsItCannotHandleAreRefusedWithWhatToDoInstead() {
    Dataset binary = randomBinary(2, 4, 1);
    MiniBatch batch = MiniBatch.of(binary, new int[] {0, 1}, 0, 2);
    DbmModel dbm = DbmModel.builder().visible(4).h1(2).h2(2).seed(1).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Objective.pseudoLikelihood().accumulate(dbm, batch, new double[dbm.params().length], new Rng(1)));
    assertTrue(e.getMessage().contains("no free energy") && e.getMessage().contains("--positive meanfield"), e.getMessage());
    GaussianBernoulliRbmModel gb = GaussianBernoulliRbmModel.builder().visible(4).hidden(2).seed(1).build();
    e = assertThrows(IllegalArgumentException.class,
        () -> Objective.pseudoLikelihood().accumulate(gb, batch, new double[gb.params().length], new Rng(1)));
    assertTrue(e.getMessage().contains("real-valued"), e.getMessage());
    assertEquals("pseudo-likelihood:sites=3", PseudoLikelihood.parse("pseudo-likelihood:sites=3").spec());
    assertThrows(IllegalArgumentException.class, () -> PseudoLikelihood.parse("pseudo-likelihood:sites=x"));
  }

  /** Mean over the data of Σ_i log p(v_i | v_−i), log p̃(v) by enumerating every latent state. */
  private static double brutePseudoLikelihood(EnergyModel m, Dataset data) {
    double total = 0;
    for (int r = 0; r < data.size(); r++) {
      double[] v = data.row(r);
      for (int i = 0; i < v.length; i++) {
        double observed = v[i];
        v[i] = 0;
        double low = logPTilde(m, v);
        v[i] = 1;
        double high = logPTilde(m, v);
        v[i] = observed;
        total += (observed == 1 ? high : low) - Kernels.logAddExp(low, high);
      }
    }
    return total / data.size();
  }

  private static double logPTilde(EnergyModel m, double[] v) {
    int d = v.length;
    int hidden = m.latentSize();
    double[] x = new double[m.stateSize()];
    System.arraycopy(v, 0, x, 0, d);
    double sum = Double.NEGATIVE_INFINITY;
    for (int h = 0; h < 1 << hidden; h++) {
      for (int j = 0; j < hidden; j++) {
        x[d + j] = h >> j & 1;
      }
      sum = Kernels.logAddExp(sum, -m.energy(x));
    }
    return sum;
  }

  private static Dataset randomBinary(int rows, int width, long seed) {
    Rng rng = new Rng(seed);
    double[] values = new double[rows * width];
    for (int i = 0; i < values.length; i++) {
      values[i] = rng.nextInt(2);
    }
    return new Dataset("random", rows, width, values);
  }

  /** Exact draws by inverting the enumerated distribution. */
  private static Dataset exactSamples(EnergyModel m, int n, Rng rng) {
    int d = m.visibleSize();
    double[] logP = new double[1 << d];
    double[] x = new double[d];
    for (int s = 0; s < logP.length; s++) {
      for (int i = 0; i < d; i++) {
        x[i] = s >> i & 1;
      }
      logP[s] = -m.energy(x);
    }
    double logZ = Kernels.logSumExp(logP, 0, logP.length);
    double[] values = new double[n * d];
    for (int r = 0; r < n; r++) {
      double u = rng.nextDouble();
      int s = 0;
      double c = Math.exp(logP[0] - logZ);
      while (c < u && s < logP.length - 1) {
        s++;
        c += Math.exp(logP[s] - logZ);
      }
      for (int i = 0; i < d; i++) {
        values[r * d + i] = s >> i & 1;
      }
    }
    return new Dataset("fvbm samples", n, d, values);
  }
}
