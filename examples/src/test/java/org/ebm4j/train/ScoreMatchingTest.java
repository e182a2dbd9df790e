package org.ebm4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ebm4j.data.Dataset;
import org.ebm4j.examples.models.GaussianBernoulliRbmModel;
import org.ebm4j.examples.models.RbmModel;
import org.ebm4j.examples.models.TanhEnergyModel;
import org.ebm4j.examples.zoo.FullGaussianModel;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.random.Rng;
import org.ebm4j.train.optim.Adam;
import org.junit.jupiter.api.Test;

/**
 * Score matching in its three forms: θ-gradients against central differences of each objective
 * (same directions and noise), on models with latents summed out and without; a Gaussian's
 * closed-form maximum-likelihood mean and covariance; a Gaussian–Bernoulli RBM against maximum
 * likelihood's exact test log-likelihood; refusals.
 */
class ScoreMatchingTest {
  static final List<ScoreMatching> FORMS = List.of(ScoreMatching.exact(), ScoreMatching.sliced(2), ScoreMatching.denoising(0.3));

  @Test
  void gradientsAreThoseOfTheObjectives() {
    List<EnergyModel> models = List.of(
        GaussianBernoulliRbmModel.builder().visible(3).hidden(2).seed(1).build(),
        TanhEnergyModel.builder().dim(2).hidden(3).seed(2).build(),
        FullGaussianModel.builder().n(3).seed(3).build());
    for (EnergyModel m : models) {
      Rng data = new Rng(9);
      int d = m.visibleSize();
      double[] values = new double[4 * d];
      for (int k = 0; k < values.length; k++) {
        values[k] = data.nextGaussian();
      }
      MiniBatch batch = new MiniBatch(values, 4, d);
      for (ScoreMatching sm : FORMS) {
        double[] p = m.params();
        for (int k = 0; k < p.length; k++) {
          p[k] += 0.3 * data.nextGaussian();
        }
        double[] g = new double[p.length];
        sm.value(m, batch, g, new Rng(5));
        for (int k = 0; k < p.length; k++) {
          double saved = p[k];
          p[k] = saved + 1e-5;
          double up = sm.value(m, batch, null, new Rng(5));
          p[k] = saved - 1e-5;
          double down = sm.value(m, batch, null, new Rng(5));
          p[k] = saved;
          // The ascent direction of −J.
          assertEquals(-(up - down) / 2e-5, g[k], 1e-6 * Math.max(1, Math.abs(g[k])), m.getClass().getSimpleName() + " " + sm.spec() + " θ[" + k + "]");
        }
      }
    }
  }

  @Test
  void aGaussiansMeanAndCovarianceAreThoseOfMaximumLikelihood() {
    // For a Gaussian the score-matching estimator is the maximum-likelihood one (Hyvärinen 2005):
    // the sample mean and covariance; denoising score matching's is the data blurred by its noise,
    // covariance + sigma² I (sigma 0.3 here). Stated tolerances: exact 0.01, sliced and denoising
    // (random directions and noise in every step) 0.03.
    Dataset data = TwoDimensionalData.correlatedGaussian(2000, new Rng(4));
    double[] mean = data.columnMeans();
    double[][] cov = TwoDimensionalData.covariance(data);
    for (ScoreMatching sm : List.of(ScoreMatching.exact(), ScoreMatching.sliced(1), ScoreMatching.denoising(0.3))) {
      FullGaussianModel m = FullGaussianModel.builder().n(2).seed(1).build();
      // Learning rate decayed (half-life 20 epochs) so the stochastic forms settle on their optimum.
      Trainer t = Trainer.builder(m).objective(sm).optimizer(new Adam(0.02)).schedule(Schedule.inverse(20)).batchSize(200).seed(5).divergenceGuard(DivergenceGuard.off()).build();
      t.fit(data, 150);
      TwoDimensionalData.Moments learned = TwoDimensionalData.Moments.of(m.params());
      double[] mu = learned.mean();
      double tolerance = sm.spec().equals("score-matching") ? 0.01 : 0.03;
      double blur = sm.spec().startsWith("denoising") ? 0.09 : 0;
      for (int a = 0; a < 2; a++) {
        assertEquals(mean[a], mu[a], tolerance, sm.spec() + " mean " + a);
        for (int b = 0; b < 2; b++) {
          assertEquals(cov[a][b] + (a == b ? blur : 0), learned.covariance()[a][b], tolerance, sm.spec() + " covariance " + a + "," + b);
        }
      }
    }
  }

  @Test
  void aGaussianBernoulliRbmTrainedByScoreMatchingComesCloseToMaximumLikelihood() {
    // The data and recipe of NoiseContrastiveTest's GB-RBM case (three unit-variance clusters in 2-D,
    // 3 hidden units summed out exactly for the test log-likelihood, Adam 0.01, batch 100, 60
    // epochs); maximum likelihood by PCD-1 against each form of score matching.
    Dataset train = TwoDimensionalData.clusters(3000, new Rng(1));
    Dataset test = TwoDimensionalData.clusters(2000, new Rng(2));
    List<Objective> objectives = List.of(ScoreMatching.exact(), ScoreMatching.sliced(1), ScoreMatching.denoising(Double.NaN));
    double[] results = new double[objectives.size() + 1];
    for (int run = 0; run <= objectives.size(); run++) {
      GaussianBernoulliRbmModel m = GaussianBernoulliRbmModel.builder().visible(2).hidden(3).seed(3).build();
      Trainer.Builder b = Trainer.builder(m).optimizer(new Adam(0.01)).batchSize(100).seed(4);
      b = run == 0 ? b.negativePhase(NegativePhase.parse("pcd:1", null, 100, org.ebm4j.sampling.SamplerOptions.defaults())) : b.objective(objectives.get(run - 1));
      b.build().fit(train, 60);
      double logZ = org.ebm4j.estimate.ExactLogZ.compute(m, 1, null);
      results[run] = org.ebm4j.estimate.Enumeration.averageLogLikelihood(m, test, logZ);
      System.out.printf("%s: test log-likelihood %.4f%n", run == 0 ? "maximum likelihood" : objectives.get(run - 1).spec(), results[run]);
    }
    assertTrue(results[0] > -4.05, "maximum likelihood " + results[0]);
    for (int run = 1; run < results.length; run++) {
      assertEquals(results[0], results[run], 0.1, objectives.get(run - 1).spec() + " against maximum likelihood");
    }
  }

  @Test
  void theTanhEnergyTrainedByScoreMatchingReproducesTheRing() {
    // The picture in docs/images/ring-score-matching.png (train --model tanh --dims hidden=32 --data
    // ring --objective score-matching, 100 epochs), checked by numbers: along 24 directions the
    // learned log p~ peaks within 0.25 of the ring's radius 2, and the ring stands at least 3 nats
    // above the centre.
    Dataset ring = org.ebm4j.data.DataSpec.ring(2000, 1);
    TanhEnergyModel m = TanhEnergyModel.builder().dim(2).hidden(32).seed(1).build();
    Trainer.builder(m).objective(ScoreMatching.exact()).optimizer(new Adam(0.01)).batchSize(100).seed(1).build().fit(ring, 60);
    double centre = m.logPTilde(new double[] {0, 0});
    for (int k = 0; k < 24; k++) {
      double angle = 2 * Math.PI * k / 24;
      double best = Double.NEGATIVE_INFINITY;
      double bestRadius = 0;
      for (double r = 0; r <= 4; r += 0.02) {
        double lp = m.logPTilde(new double[] {r * Math.cos(angle), r * Math.sin(angle)});
        if (lp > best) {
          best = lp;
          bestRadius = r;
        }
      }
      assertEquals(2, bestRadius, 0.25, "radius of the mode at angle " + k * 15 + " degrees");
      assertTrue(best - centre > 3, "ring above centre by " + (best - centre) + " at " + k * 15 + " degrees");
    }
  }

  @Test
  void modelsWithoutScoresAreRefusedWithWhatToUse() {
    RbmModel rbm = RbmModel.builder().visible(4).hidden(2).seed(1).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.builder(rbm).objective(ScoreMatching.exact()).build().fit(new Dataset("x", 1, 4, new double[4]), 1));
    assertTrue(e.getMessage().contains("pseudo-likelihood"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ScoreMatching.parse("sliced-score-matching:projections=0"));
    assertThrows(IllegalArgumentException.class, () -> ScoreMatching.parse("denoising-score-matching:sigma=-1"));
    assertThrows(IllegalArgumentException.class, () -> ScoreMatching.parse("score-matching:sigma=1"));
    for (String spec : List.of("score-matching", "sliced-score-matching:projections=3", "denoising-score-matching:sigma=0.2", "denoising-score-matching")) {
      assertEquals(spec, Objective.named(spec).orElseThrow().spec());
    }
  }
}
