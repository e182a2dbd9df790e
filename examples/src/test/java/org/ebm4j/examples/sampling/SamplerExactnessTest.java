package org.ebm4j.examples.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ebm4j.examples.models.FullyVisibleBmModel;
import org.ebm4j.examples.models.RbmModel;
import org.ebm4j.examples.models.SpinRbmModel;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.Domain;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.random.Rng;
import org.ebm4j.sampling.Chains;
import org.ebm4j.sampling.NotNormalizableException;
import org.ebm4j.sampling.Sampler;
import org.ebm4j.sampling.SamplerOptions;
import org.ebm4j.sampling.Samplers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sampler against exact distributions: discrete ones by total-variation distance to the
 * enumerated distribution of small models, continuous ones by the moments of known densities.
 * Fixed seeds; tolerances are stated where they are used.
 */
class SamplerExactnessTest {

  static EnergyModel randomized(EnergyModel m, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] p = m.params();
    for (int k = 0; k < p.length; k++) {
      p[k] = rng.nextGaussian();
    }
    return m;
  }

  static double[] exact(EnergyModel m) {
    int n = m.stateSize();
    double[] logp = new double[1 << n];
    double[] x = new double[n];
    for (int s = 0; s < logp.length; s++) {
      load(m, x, s);
      logp[s] = -m.energy(x);
    }
    double logZ = Kernels.logSumExp(logp, 0, logp.length);
    for (int s = 0; s < logp.length; s++) {
      logp[s] = Math.exp(logp[s] - logZ);
    }
    return logp;
  }

  static void load(EnergyModel m, double[] x, int s) {
    for (int j = 0; j < x.length; j++) {
      x[j] = ((s >> j) & 1) == 1 ? 1 : (m.variables().domainAt(j) == Domain.SPIN ? -1 : 0);
    }
  }

  static int index(double[] x) {
    int s = 0;
    for (int j = 0; j < x.length; j++) {
      s |= (x[j] == 1 ? 1 : 0) << j;
    }
    return s;
  }

  /** Histogram of states over {@code sweeps} sweeps of 50 chains after 50 sweeps of burn-in. */
  static double[] histogram(EnergyModel m, Sampler sampler, int sweeps, long seed) {
    Rng rng = new Rng(seed);
    Chains chains = Chains.random(m, 50, rng);
    sampler.sweep(chains, 50, rng);
    double[] counts = new double[1 << m.stateSize()];
    double[] x = new double[m.stateSize()];
    for (int s = 0; s < sweeps; s++) {
      sampler.sweep(chains, 1, rng);
      for (int c = 0; c < chains.count(); c++) {
        chains.get(c, x);
        counts[index(x)]++;
      }
    }
    double total = 50.0 * sweeps;
    for (int s = 0; s < counts.length; s++) {
      counts[s] /= total;
    }
    return counts;
  }

  static double tv(double[] p, double[] q) {
    double d = 0;
    for (int s = 0; s < p.length; s++) {
      d += Math.abs(p[s] - q[s]);
    }
    return d / 2;
  }

  /**
   * Tolerance for the TV distance of an empirical histogram of n draws: Σ_s sd_s with effective
   * sample size n/4 for autocorrelation, about three times the expected distance of n/4 iid draws.
   */
  static double tolerance(double[] p, int n) {
    double t = 0;
    for (double ps : p) {
      t += Math.sqrt(ps * (1 - ps) / (n / 4.0));
    }
    return t / 2 * 3;
  }

  static Stream<Arguments> discreteCases() {
    return Stream.of(
        Arguments.of("gibbs", "rbm"), Arguments.of("gibbs", "fvbm"), Arguments.of("gibbs", "spin-rbm"),
        Arguments.of("block-gibbs", "rbm"), Arguments.of("block-gibbs", "spin-rbm"),
        Arguments.of("metropolis", "rbm"), Arguments.of("metropolis", "fvbm"), Arguments.of("metropolis", "spin-rbm"),
        Arguments.of("tempering", "rbm"), Arguments.of("tempering", "fvbm"));
  }

  static EnergyModel model(String name, long seed) {
    return switch (name) {
      case "rbm" -> randomized(RbmModel.builder().visible(4).hidden(3).build(), seed);
      case "fvbm" -> randomized(FullyVisibleBmModel.builder().units(5).build(), seed);
      default -> randomized(SpinRbmModel.builder().visible(3).hidden(3).build(), seed);
    };
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("discreteCases")
  void discreteSamplerMatchesEnumeratedDistribution(String samplerName, String modelName) {
    EnergyModel m = model(modelName, 17);
    double[] p = exact(m);
    int sweeps = samplerName.equals("tempering") ? 200 : 400;
    double[] q = histogram(m, Samplers.create(samplerName, m, samplerName.equals("tempering") ? SamplerOptions.defaults().with("replicas", 4) : SamplerOptions.defaults()), sweeps, 5);
    double tol = tolerance(p, 50 * sweeps);
    assertTrue(tv(p, q) < tol, samplerName + " TV " + tv(p, q) + " >= " + tol);
    // The tolerance discriminates: the same histogram is far from another model's distribution.
    double[] other = exact(model(modelName, 18));
    assertTrue(tv(other, q) > tol, "tolerance " + tol + " does not tell models apart");
  }

  /**
   * Block Gibbs with the model's float32 path in effect, as float32 training runs it: chains kept
   * in float, draws from the float kernels. The same tolerance as float64; the float kernels' 4e-7
   * error in probabilities is far below it.
   */
  @ParameterizedTest(name = "float32 block-gibbs on {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"rbm", "spin-rbm"})
  void floatBlockGibbsMatchesEnumeratedDistribution(String modelName) {
    EnergyModel m = model(modelName, 17);
    double[] p = exact(m);
    org.ebm4j.model.Batches.usePrecision(m, org.ebm4j.model.Precision.FLOAT32);
    try {
      assertEquals(org.ebm4j.model.Precision.FLOAT32, org.ebm4j.model.Batches.precision(m));
      double[] q = histogram(m, Samplers.create("block-gibbs", m, SamplerOptions.defaults()), 400, 5);
      double tol = tolerance(p, 50 * 400);
      assertTrue(tv(p, q) < tol, "float32 block-gibbs TV " + tv(p, q) + " >= " + tol);
      assertTrue(tv(exact(model(modelName, 18)), q) > tol, "tolerance " + tol + " does not tell models apart");
    } finally {
      org.ebm4j.model.Batches.usePrecision(m, org.ebm4j.model.Precision.FLOAT64);
    }
  }

  static GaussianEnergyModel gaussian() {
    GaussianEnergyModel g = GaussianEnergyModel.builder().d(2).build();
    double[] p = g.params();
    // P = [[2, 0.8], [0.8, 1]], m = (1, −1): covariance P⁻¹ = [[1, −0.8], [−0.8, 2]] / 1.36.
    System.arraycopy(new double[] {2, 0.8, 0.8, 1, 1, -1}, 0, p, 0, 6);
    return g;
  }

  @ParameterizedTest
  @MethodSource("continuousCases")
  void continuousSamplerRecoversMeanAndCovariance(String name, String options, double tolerance) {
    GaussianEnergyModel g = gaussian();
    Sampler sampler = Samplers.create(name, g, SamplerOptions.parse(options));
    Rng rng = new Rng(3);
    Chains chains = Chains.random(g, 40, rng);
    sampler.sweep(chains, 200, rng);
    double[] mean = new double[2];
    double[] second = new double[3];
    int n = 0;
    for (int s = 0; s < 1000; s++) {
      sampler.sweep(chains, 1, rng);
      for (int c = 0; c < chains.count(); c++) {
        double x0 = chains.states()[2 * c];
        double x1 = chains.states()[2 * c + 1];
        mean[0] += x0;
        mean[1] += x1;
        second[0] += x0 * x0;
        second[1] += x0 * x1;
        second[2] += x1 * x1;
        n++;
      }
    }
    for (int i = 0; i < 2; i++) {
      mean[i] /= n;
    }
    double c00 = second[0] / n - mean[0] * mean[0];
    double c01 = second[1] / n - mean[0] * mean[1];
    double c11 = second[2] / n - mean[1] * mean[1];
    assertEquals(1, mean[0], tolerance, name + " mean[0]");
    assertEquals(-1, mean[1], tolerance, name + " mean[1]");
    assertEquals(1 / 1.36, c00, tolerance, name + " cov[0][0]");
    assertEquals(-0.8 / 1.36, c01, tolerance, name + " cov[0][1]");
    assertEquals(2 / 1.36, c11, 1.5 * tolerance, name + " cov[1][1]");
    Double acceptance = sampler.statistics().get("acceptance");
    if (acceptance != null) {
      assertTrue(acceptance > 0.4 && acceptance < 0.995, name + " acceptance " + acceptance);
    }
  }

  /** sampler, options, tolerance on moments (40 000 correlated draws; ULA also has O(step) bias). */
  static Stream<Arguments> continuousCases() {
    return Stream.of(
        Arguments.of("langevin", "step=0.02", 0.1),
        Arguments.of("mala", "step=0.2", 0.08),
        Arguments.of("hmc", "step=0.2,leapfrog=8", 0.06),
        Arguments.of("metropolis", "step=0.8", 0.1),
        Arguments.of("tempering", "base=mala,step=0.2,replicas=3", 0.1));
  }

  @Test
  void temperingCrossesTheBarrierThatLocalSamplersCannot() {
    DoubleWellModel well = DoubleWellModel.builder().build();
    double localRight = rightFraction(well, "mala", "step=0.1");
    double temperedRight = rightFraction(well, "tempering", "base=mala,step=0.1,replicas=8,minBeta=0.02");
    // All chains start in the right well: MALA alone stays there (barrier 81/8 nats); tempering
    // finds both wells, equally likely by symmetry (2 000 sweeps of 20 chains).
    assertTrue(localRight > 0.95, "mala right-well fraction " + localRight);
    assertEquals(0.5, temperedRight, 0.12, "tempering right-well fraction");
    Sampler pt = Samplers.create("tempering", well, SamplerOptions.parse("base=mala,replicas=4"));
    pt.sweep(Chains.random(well, 2, new Rng(1)), 10, new Rng(1));
    assertTrue(pt.statistics().keySet().containsAll(java.util.List.of("swap[0-1]", "swap[1-2]", "swap[2-3]")));
  }

  static double rightFraction(EnergyModel m, String name, String options) {
    Sampler sampler = Samplers.create(name, m, SamplerOptions.parse(options));
    Rng rng = new Rng(9);
    Chains chains = new Chains(20, 1);
    java.util.Arrays.fill(chains.states(), 3.0);
    double right = 0;
    int n = 0;
    for (int s = 0; s < 2000; s++) {
      sampler.sweep(chains, 1, rng);
      for (double x : chains.states()) {
        right += x > 0 ? 1 : 0;
        n++;
      }
    }
    return right / n;
  }

  @Test
  void temperingRunsOnGaussianBernoulliRbmsThroughTheTemperedFreeEnergy() {
    var gb = org.ebm4j.examples.models.GaussianBernoulliRbmModel.builder().visible(2).hidden(3).seed(4).build();
    randomized(gb, 21);
    double[] blockMean = visibleMean(gb, "block-gibbs", "");
    double[] temperedMean = visibleMean(gb, "tempering", "base=mala,step=0.2,replicas=3");
    // Both estimate E[v] of the same model: 20 000 correlated draws, tolerance 0.15.
    assertEquals(blockMean[0], temperedMean[0], 0.15);
    assertEquals(blockMean[1], temperedMean[1], 0.15);
    // The tempered view's free energy is exact: at β = 1 it is the model's.
    var view = org.ebm4j.model.TemperedModel.uniformBase(gb, 1.0);
    double[] v = {0.3, -0.7};
    assertEquals(gb.freeEnergy(v), view.capability(org.ebm4j.model.FreeEnergy.class).orElseThrow().freeEnergy(v), 1e-12);
  }

  static double[] visibleMean(EnergyModel m, String sampler, String options) {
    Sampler s = Samplers.create(sampler, m, SamplerOptions.parse(options));
    Rng rng = new Rng(6);
    Chains chains = Chains.random(m, 40, rng);
    s.sweep(chains, 100, rng);
    double[] mean = new double[2];
    for (int t = 0; t < 500; t++) {
      s.sweep(chains, 1, rng);
      for (int c = 0; c < 40; c++) {
        mean[0] += chains.states()[c * m.stateSize()] / 20000;
        mean[1] += chains.states()[c * m.stateSize() + 1] / 20000;
      }
    }
    return mean;
  }

  @Test
  void unsupportedModelsAndUnknownNamesAreRefusedWithReasons() {
    var fvbm = FullyVisibleBmModel.builder().units(3).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Samplers.create("block-gibbs", fvbm, SamplerOptions.defaults()));
    assertTrue(e.getMessage().contains("no variable whose units are conditionally independent"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Samplers.create("langevin", fvbm, SamplerOptions.defaults()));
    assertTrue(e.getMessage().contains("has none"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Samplers.create("gibbs", gaussian(), SamplerOptions.defaults()));
    assertTrue(e.getMessage().contains("real units"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Samplers.create("nope", fvbm, SamplerOptions.defaults()));
    assertTrue(e.getMessage().contains("known samplers: ") && e.getMessage().contains("block-gibbs") && e.getMessage().contains("hmc"), e.getMessage());
  }

  @Test
  void aDriftingChainSaysTheDensityIsNotNormalizable() {
    GaussianEnergyModel g = gaussian();
    // A negative-definite "precision": exp(−E) grows without bound.
    System.arraycopy(new double[] {-1, 0, 0, -1}, 0, g.params(), 0, 4);
    Sampler langevin = Samplers.create("langevin", g, SamplerOptions.parse("step=0.1"));
    NotNormalizableException e = assertThrows(NotNormalizableException.class, () -> langevin.sweep(Chains.random(g, 2, new Rng(1)), 10_000, new Rng(1)));
    assertTrue(e.getMessage().contains("not normalizable"), e.getMessage());
  }

  @Test
  void sameSeedSameChains() {
    EnergyModel m = model("rbm", 3);
    double[][] runs = new double[2][];
    for (int r = 0; r < 2; r++) {
      Rng rng = new Rng(77);
      Chains chains = Chains.random(m, 7, rng);
      Samplers.create("gibbs", m, SamplerOptions.defaults()).sweep(chains, 25, rng);
      runs[r] = chains.states();
    }
    assertTrue(java.util.Arrays.equals(runs[0], runs[1]));
  }
}
