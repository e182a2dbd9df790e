package org.ebm4j.examples.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.ebm4j.data.BarsAndStripes;
import org.ebm4j.data.Dataset;
import org.ebm4j.estimate.Enumeration;
import org.ebm4j.examples.models.FullyVisibleBmModel;
import org.ebm4j.examples.models.GaussianBernoulliRbmModel;
import org.ebm4j.examples.models.RbmModel;
import org.ebm4j.examples.models.SpinRbmModel;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.train.EpochMetrics;
import org.ebm4j.train.NegativePhase;
import org.ebm4j.train.Trainer;
import org.ebm4j.train.optim.Adam;
import org.ebm4j.train.optim.Sgd;
import org.junit.jupiter.api.Test;

/** Exact maximum likelihood: moment matching, monotone likelihood, vanishing gradient. */
class ExactTrainingTest {

  /** n examples of width d from a fixed random distribution over {0,1}^d with full support. */
  static Dataset randomBinaryData(int n, int d, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] p = new double[d];
    for (int j = 0; j < d; j++) {
      p[j] = 0.2 + 0.6 * rng.nextDouble();
    }
    double[] values = new double[n * d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        // Correlate neighbours so pairwise statistics carry information.
        double q = j > 0 && values[i * d + j - 1] == 1 ? Math.min(0.95, p[j] + 0.3) : p[j];
        values[i * d + j] = rng.nextDouble() < q ? 1 : 0;
      }
    }
    return new Dataset("random", n, d, values);
  }

  /** Brute-force model distribution over all states of a fully visible binary model. */
  static double[] distribution(EnergyModel m) {
    int d = m.stateSize();
    double[] logp = new double[1 << d];
    double[] x = new double[d];
    for (int s = 0; s < logp.length; s++) {
      for (int j = 0; j < d; j++) {
        x[j] = (s >> j) & 1;
      }
      logp[s] = -m.energy(x);
    }
    double logZ = Kernels.logSumExp(logp, 0, logp.length);
    for (int s = 0; s < logp.length; s++) {
      logp[s] = Math.exp(logp[s] - logZ);
    }
    return logp;
  }

  @Test
  void fullyVisibleMachineMatchesDataMomentsAtConvergence() {
    int d = 4;
    Dataset data = randomBinaryData(60, d, 11);
    FullyVisibleBmModel model = FullyVisibleBmModel.builder().units(d).seed(3).build();
    Trainer trainer =
        Trainer.builder(model).optimizer(new Adam(0.05)).batchSize(data.size()).seed(5).build();
    trainer.fit(data, 3000);
    double[] p = distribution(model);
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        double dataMoment = 0;
        for (int r = 0; r < data.size(); r++) {
          dataMoment += data.values()[r * d + i] * data.values()[r * d + j];
        }
        dataMoment /= data.size();
        double modelMoment = 0;
        for (int s = 0; s < p.length; s++) {
          modelMoment += p[s] * ((s >> i) & 1) * ((s >> j) & 1);
        }
        assertEquals(dataMoment, modelMoment, 1e-3, "E[x" + i + " x" + j + "]");
      }
    }
  }

  @Test
  void rbmLikelihoodRisesMonotonicallyAndGradientVanishes() {
    Dataset data = randomBinaryData(50, 4, 21);
    RbmModel model = RbmModel.builder().visible(4).hidden(2).seed(1).build();
    Trainer small = Trainer.builder(model).optimizer(new Sgd(0.05)).batchSize(data.size()).build();
    double previous = small.exactLogLikelihood(data);
    for (EpochMetrics m : small.fit(data, 300)) {
      assertTrue(m.logLikelihood() >= previous - 1e-12, "log-likelihood fell at epoch " + m.epoch());
      previous = m.logLikelihood();
    }
    double initialNorm = norm(small.fullGradient(data));
    Trainer converge = Trainer.builder(model).optimizer(new Adam(0.02)).batchSize(data.size()).build();
    converge.fit(data, 4000);
    double finalNorm = norm(converge.fullGradient(data));
    assertTrue(finalNorm < 1e-3 && finalNorm < initialNorm / 50, "gradient norm " + initialNorm + " -> " + finalNorm);
    assertTrue(converge.exactLogLikelihood(data) > previous);
  }

  @Test
  void exactLogZAgreesAcrossEnumeratedSides() {
    RbmModel rbm = RbmModel.builder().visible(5).hidden(3).seed(2).build();
    randomize(rbm, 9);
    double joint = bruteLogZ(rbm);
    assertEquals(Enumeration.Side.LATENT, Enumeration.plan(rbm, false).side());
    assertEquals(joint, Enumeration.plan(rbm, false).logZ(), 1e-9);
    RbmModel tall = RbmModel.builder().visible(3).hidden(6).seed(2).build();
    randomize(tall, 10);
    assertEquals(Enumeration.Side.VISIBLE, Enumeration.plan(tall, false).side());
    assertEquals(bruteLogZ(tall), Enumeration.plan(tall, false).logZ(), 1e-9);
    SpinRbmModel spin = SpinRbmModel.builder().visible(4).hidden(3).seed(2).build();
    randomize(spin, 11);
    assertEquals(bruteLogZ(spin), Enumeration.plan(spin, false).logZ(), 1e-9);
  }

  @Test
  void exactNegativePhaseEqualsBruteForceExpectation() {
    for (EnergyModel m : List.<EnergyModel>of(
        RbmModel.builder().visible(3).hidden(4).seed(4).build(),
        RbmModel.builder().visible(4).hidden(2).seed(4).build(),
        SpinRbmModel.builder().visible(3).hidden(3).seed(4).build())) {
      randomize(m, 12);
      double[] expected = new double[m.params().length];
      double logZ = bruteLogZ(m);
      double[] x = new double[m.stateSize()];
      for (int s = 0; s < (1 << x.length); s++) {
        load(m, x, s);
        m.accumulateGradient(x, Math.exp(-m.energy(x) - logZ), expected);
      }
      double[] actual = new double[expected.length];
      NegativePhase.exact().accumulate(m, null, 1.0, actual, new org.ebm4j.random.Rng(1));
      for (int k = 0; k < expected.length; k++) {
        assertEquals(expected[k], actual[k], 1e-9, "parameter " + k + " of " + m.getClass().getSimpleName());
      }
    }
  }

  @Test
  void gaussianVisibleBlockIsIntegratedForLogZ() {
    GaussianBernoulliRbmModel gb = GaussianBernoulliRbmModel.builder().visible(2).hidden(3).seed(2).build();
    randomize(gb, 13);
    Enumeration plan = Enumeration.plan(gb, false);
    assertEquals(Enumeration.Side.LATENT, plan.side());
    // Brute force: sum over h of the Gaussian integral, done numerically on a grid.
    double[] x = new double[gb.stateSize()];
    double logZ = Double.NEGATIVE_INFINITY;
    double step = 0.02;
    for (int s = 0; s < 8; s++) {
      for (int j = 0; j < 3; j++) {
        x[2 + j] = (s >> j) & 1;
      }
      for (double a = -12; a <= 12; a += step) {
        for (double b = -12; b <= 12; b += step) {
          x[0] = a;
          x[1] = b;
          logZ = Kernels.logAddExp(logZ, -gb.energy(x) + 2 * Math.log(step));
        }
      }
    }
    assertEquals(logZ, plan.logZ(), 1e-6);
  }

  @Test
  void barsAndStripesHasTheDistinctImages() {
    Dataset bs = BarsAndStripes.generate(3);
    assertEquals(14, bs.size());
    assertEquals(9, bs.width());
    java.util.Set<String> rows = new java.util.HashSet<>();
    for (int i = 0; i < bs.size(); i++) {
      rows.add(java.util.Arrays.toString(bs.row(i)));
    }
    assertEquals(14, rows.size());
  }

  static void randomize(EnergyModel m, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] p = m.params();
    for (int k = 0; k < p.length; k++) {
      p[k] = rng.nextGaussian();
    }
  }

  static void load(EnergyModel m, double[] x, int s) {
    for (int j = 0; j < x.length; j++) {
      boolean one = ((s >> j) & 1) == 1;
      x[j] = one ? 1 : (m.variables().domainAt(j) == org.ebm4j.model.Domain.SPIN ? -1 : 0);
    }
  }

  static double bruteLogZ(EnergyModel m) {
    double[] x = new double[m.stateSize()];
    double logZ = Double.NEGATIVE_INFINITY;
    for (int s = 0; s < (1 << x.length); s++) {
      load(m, x, s);
      logZ = Kernels.logAddExp(logZ, -m.energy(x));
    }
    return logZ;
  }

  static double norm(double[] g) {
    double s = 0;
    for (double v : g) {
      s += v * v;
    }
    return Math.sqrt(s);
  }
}
