package org.ebm4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ebm4j.data.BarsAndStripes;
import org.ebm4j.data.Dataset;
import org.ebm4j.examples.models.RbmModel;
import org.ebm4j.examples.zoo.FullGaussianModel;
import org.ebm4j.random.Rng;
import org.ebm4j.train.optim.Adam;
import org.junit.jupiter.api.Test;

/**
 * Noise-contrastive estimation: its θ- and log Z-gradients against central differences of its own
 * objective (same noise), and on models with known answers: a Gaussian's closed-form
 * maximum-likelihood mean and covariance, and an RBM whose log Z is exact.
 */
class NoiseContrastiveTest {
  @Test
  void gradientsAreThoseOfTheObjective() {
    RbmModel m = RbmModel.builder().visible(5).hidden(3).seed(1).build();
    Rng init = new Rng(2);
    for (int k = 0; k < m.params().length; k++) {
      m.params()[k] = 0.6 * init.nextGaussian();
    }
    Dataset data = BarsAndStripes.generate(3);
    Dataset five = new Dataset("five", 14, 5, java.util.Arrays.copyOf(columns(data, 5), 14 * 5));
    NoiseContrastive nce = new NoiseContrastive(2.5);
    nce.prepare(m, five);
    MiniBatch batch = MiniBatch.of(five, new int[] {0, 2, 4, 6, 8, 10}, 0, 6);
    double[] g = new double[m.params().length];
    nce.value(m, batch, g, new Rng(9));
    double[] p = m.params();
    for (int k = 0; k < p.length; k++) {
      double saved = p[k];
      p[k] = saved + 1e-5;
      double up = nce.value(m, batch, null, new Rng(9));
      p[k] = saved - 1e-5;
      double down = nce.value(m, batch, null, new Rng(9));
      p[k] = saved;
      assertEquals((up - down) / 2e-5, g[k], 1e-7, "θ[" + k + "]");
    }
    double c = nce.ownParameters()[0];
    nce.ownParameters()[0] = c + 1e-5;
    double up = nce.value(m, batch, null, new Rng(9));
    nce.ownParameters()[0] = c - 1e-5;
    double down = nce.value(m, batch, null, new Rng(9));
    nce.ownParameters()[0] = c;
    assertEquals((up - down) / 2e-5, nce.ownGradient()[0], 1e-7, "log Z");
  }

  @Test
  void aGaussiansMeanAndCovarianceAreThoseOfMaximumLikelihood() {
    // 4000 draws of a correlated 2-D Gaussian; the closed-form ML answer is the sample mean and
    // covariance. Stated tolerance 0.08 on every entry (NCE with 4 noise samples per example is
    // consistent but less efficient), and log Z within 0.1 of the learned model's exact one.
    Dataset data = TwoDimensionalData.correlatedGaussian(4000, new Rng(4));
    double[] mean = data.columnMeans();
    double[][] cov = TwoDimensionalData.covariance(data);
    FullGaussianModel m = FullGaussianModel.builder().n(2).seed(1).build();
    NoiseContrastive nce = new NoiseContrastive(4);
    Trainer t = Trainer.builder(m).objective(nce).optimizer(new Adam(0.02)).batchSize(200).seed(5).divergenceGuard(DivergenceGuard.off()).build();
    t.fit(data, 150);
    TwoDimensionalData.Moments learned = TwoDimensionalData.Moments.of(m.params());
    for (int a = 0; a < 2; a++) {
      assertEquals(mean[a], learned.mean()[a], 0.08, "mean " + a);
      for (int b = 0; b < 2; b++) {
        assertEquals(cov[a][b], learned.covariance()[a][b], 0.08, "covariance " + a + "," + b);
      }
    }
    assertEquals(learned.logZ(), nce.logZ(), 0.1, "learned log Z");
  }

  @Test
  void anRbmTrainedByNceLearnsItsOwnLogZ() {
    // Bars and stripes, 9-6 RBM, 20 noise samples per example: NCE's learned log Z within 0.1 of the
    // exact log Z of the model it trained (seeded: 0.013 here; with 5 noise samples and 400 epochs
    // it was 0.85 off), and an exact log-likelihood near maximum likelihood's (-3.01; uniform -6.24).
    RbmModel m = RbmModel.builder().visible(9).hidden(6).seed(1).build();
    NoiseContrastive nce = new NoiseContrastive(20);
    Dataset data = BarsAndStripes.generate(3);
    Trainer t = Trainer.builder(m).objective(nce).optimizer(new Adam(0.05)).batchSize(14).seed(2).build();
    t.fit(data, 1500);
    double exact = org.ebm4j.estimate.ExactLogZ.compute(m, 1, null);
    double ll = t.exactLogLikelihood(data);
    assertEquals(exact, nce.logZ(), 0.1, "learned log Z");
    assertTrue(ll > -3.3, "log-likelihood " + ll);
    // The learned log Z survives a checkpoint.
    Trainer again = Trainer.builder(RbmModel.builder().visible(9).hidden(6).seed(1).build()).objective(new NoiseContrastive(20)).optimizer(new Adam(0.05)).batchSize(14).seed(2).build();
    again.restore(t.checkpoint());
    assertEquals(nce.logZ(), ((NoiseContrastive) again.config().objective()).logZ(), 0.0);
  }

  @Test
  void aGaussianBernoulliRbmTrainedByNceComesCloseToMaximumLikelihood() {
    // 2-D data from three unit-variance clusters; a GB-RBM with 3 hidden units, whose exact test
    // log-likelihood sums its 8 hidden states (v integrated). Maximum likelihood (PCD-1) against NCE
    // (10 noise samples per example from the fitted Gaussian), same epochs and seed; stated
    // tolerance: NCE within 0.1 nats of maximum likelihood's test log-likelihood (seeded: -3.907
    // against -3.925 here).
    Dataset train = TwoDimensionalData.clusters(3000, new Rng(1));
    Dataset test = TwoDimensionalData.clusters(2000, new Rng(2));
    double[] results = new double[2];
    for (int run = 0; run < 2; run++) {
      org.ebm4j.examples.models.GaussianBernoulliRbmModel m = org.ebm4j.examples.models.GaussianBernoulliRbmModel.builder().visible(2).hidden(3).seed(3).build();
      Trainer.Builder b = Trainer.builder(m).optimizer(new Adam(0.01)).batchSize(100).seed(4);
      b = run == 0 ? b.negativePhase(NegativePhase.parse("pcd:1", null, 100, org.ebm4j.sampling.SamplerOptions.defaults())) : b.objective(new NoiseContrastive(10));
      Trainer t = b.build();
      t.fit(train, 60);
      double logZ = org.ebm4j.estimate.ExactLogZ.compute(m, 1, null);
      results[run] = org.ebm4j.estimate.Enumeration.averageLogLikelihood(m, test, logZ);
    }
    // The true density scores about −log 2π − 1 − log 3 = −3.94; one Gaussian fitted to it, −4.2.
    assertTrue(results[0] > -4.05, "maximum likelihood " + results[0]);
    assertEquals(results[0], results[1], 0.1, "NCE against maximum likelihood");
  }

  private static double[] columns(Dataset data, int width) {
    double[] out = new double[data.size() * width];
    for (int r = 0; r < data.size(); r++) {
      System.arraycopy(data.values(), r * data.width(), out, r * width, width);
    }
    return out;
  }
}
