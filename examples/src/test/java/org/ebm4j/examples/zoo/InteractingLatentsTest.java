package org.ebm4j.examples.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.ebm4j.check.ModelChecker;
import org.ebm4j.estimate.Enumeration;
import org.ebm4j.estimate.ExactLogZ;
import org.ebm4j.examples.models.Dbm;
import org.ebm4j.examples.models.DbmModel;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.Interactions;
import org.ebm4j.model.Models;
import org.ebm4j.model.Variables;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Models whose latents interact (DBMs of two and three layers, binary and spin, and one where every
 * pair of groups interacts): the processor's interaction graph, and exact log Z, log p̃(v) and model
 * gradient from sums over non-interacting blocks, against brute-force enumeration of every joint
 * state.
 */
class InteractingLatentsTest {
  static java.util.stream.Stream<Arguments> models() {
    return java.util.stream.Stream.of(
        Arguments.of(Dbm.class, Map.of("visible", 4, "h1", 3, "h2", 2), Map.of("v", List.of("h1"), "h1", List.of("v", "h2"), "h2", List.of("h1")), 3),
        Arguments.of(SpinDbm.class, Map.of("n", 3, "m1", 3, "m2", 2), Map.of("v", List.of("h1"), "h1", List.of("v", "h2"), "h2", List.of("h1")), 3),
        Arguments.of(ThreeLayerDbm.class, Map.of("n", 3, "m1", 2, "m2", 3, "m3", 2),
            Map.of("v", List.of("h1"), "h1", List.of("v", "h2"), "h2", List.of("h1", "h3"), "h3", List.of("h2")), 4),
        Arguments.of(Triangle.class, Map.of("n", 3, "m1", 2, "m2", 2), Map.of("v", List.of("h1", "h2"), "h1", List.of("v", "h2"), "h2", List.of("v", "h1")), 4));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void sumsOverNonInteractingBlocksAreExact(Class<?> spec, Map<String, Integer> dims, Map<String, List<String>> graph, int enumerated) {
    ModelChecker.check(spec, dims, 3);
    EnergyModel m = Models.create(spec, dims, 7);
    Interactions interactions = m.capability(Interactions.class).orElseThrow();
    graph.forEach((v, ns) -> assertEquals(ns, interactions.neighbours(v), v));
    // A chain of layers is shown as one; a triangle has none.
    assertEquals(spec == ThreeLayerDbm.class, m.describe().contains("layers: v | h1 | h2 | h3"), m.describe());
    assertEquals(spec != Triangle.class, m.describe().contains("layers: "), m.describe());

    Enumeration plan = Enumeration.plan(m, false);
    assertEquals(1L << enumerated, plan.states(), plan.describe());
    double brute = bruteLogZ(m);
    assertEquals(brute, plan.logZ(), 1e-10 * Math.max(1, Math.abs(brute)), plan.describe());
    assertEquals(brute, ExactLogZ.compute(m, 2, null), 1e-10 * Math.max(1, Math.abs(brute)));

    // The exact negative phase: weight · E_p[∇θ log p̃].
    double[] expected = new double[m.params().length];
    double[] x = new double[m.stateSize()];
    for (long s = 0; s < 1L << m.stateSize(); s++) {
      load(m, s, x, m.stateSize());
      m.accumulateGradient(x, 0.7 * Math.exp(-m.energy(x) - brute), expected);
    }
    double[] actual = new double[m.params().length];
    Enumeration.plan(m, true).accumulateModelGradient(0.7, actual);
    for (int k = 0; k < actual.length; k++) {
      assertEquals(expected[k], actual[k], 1e-10, "θ[" + k + "]");
    }

    // log p̃(v) with the latents partly enumerated, partly summed out.
    int visible = m.visibleSize();
    for (long s = 0; s < Math.min(8, 1L << visible); s++) {
      double[] v = new double[visible];
      load(m, s * 3 % (1L << visible), v, visible);
      double sum = Double.NEGATIVE_INFINITY;
      for (long h = 0; h < 1L << m.latentSize(); h++) {
        System.arraycopy(v, 0, x, 0, visible);
        for (int j = 0; j < m.latentSize(); j++) {
          x[visible + j] = m.variables().domainAt(visible + j).value((int) (h >> j & 1));
        }
        sum = Kernels.logAddExp(sum, -m.energy(x));
      }
      assertEquals(sum, Enumeration.logPTildeVisible(m, v), 1e-10 * Math.max(1, Math.abs(sum)));
    }
  }

  @org.junit.jupiter.api.Test
  void realVisibleUnitsAreIntegratedInClosedForm() {
    // v real (a Gaussian block) and h2 are independent given h1: log Z enumerates h1 only.
    GaussianDbmModel m = GaussianDbmModel.builder().n(1).m1(2).m2(2).seed(5).build();
    Enumeration plan = Enumeration.plan(m, false);
    assertEquals(4, plan.states(), plan.describe());
    double[] x = new double[m.stateSize()];
    double logZ = Double.NEGATIVE_INFINITY;
    double step = 1e-3;
    for (long h = 0; h < 16; h++) {
      for (int j = 0; j < 4; j++) {
        x[1 + j] = h >> j & 1;
      }
      // The integral over v by the trapezoid rule on [-20, 20].
      double integral = 0;
      for (double v = -20; v <= 20; v += step) {
        x[0] = v;
        integral += Math.exp(-m.energy(x)) * step;
      }
      logZ = Kernels.logAddExp(logZ, Math.log(integral));
    }
    assertEquals(logZ, plan.logZ(), 1e-6);
    assertTrue(m.describe().contains("interactions: v–h1, h1–h2; independent given the other group: v, h2 | h1"), m.describe());
  }

  @org.junit.jupiter.api.Test
  void thePositivePhaseOfASmallDbmIsExact() {
    // Latents h1 summed out given h2, h2 enumerated: the full gradient is that of the exact
    // log-likelihood (central differences of enumerated sums).
    DbmModel m = DbmModel.builder().visible(4).h1(3).h2(2).seed(3).build();
    java.util.Arrays.setAll(m.params(), k -> Math.sin(1.7 * k + 0.3));
    org.ebm4j.random.Rng rng = new org.ebm4j.random.Rng(2);
    double[] values = new double[8 * 4];
    for (int i = 0; i < values.length; i++) {
      values[i] = rng.nextInt(2);
    }
    org.ebm4j.data.Dataset data = new org.ebm4j.data.Dataset("random", 8, 4, values);
    double[] g = org.ebm4j.train.Trainer.builder(m).build().fullGradient(data);
    double[] p = m.params();
    for (int k = 0; k < p.length; k++) {
      double saved = p[k];
      p[k] = saved + 1e-5;
      double up = Enumeration.averageLogLikelihood(m, data, bruteLogZ(m));
      p[k] = saved - 1e-5;
      double down = Enumeration.averageLogLikelihood(m, data, bruteLogZ(m));
      p[k] = saved;
      assertEquals((up - down) / 2e-5, g[k], 1e-7, "θ[" + k + "]");
    }
  }

  @org.junit.jupiter.api.Test
  void aDbmTrainedExactlyOnBarsAndStripesComesCloseToTheBestPossible() {
    DbmModel m = DbmModel.builder().visible(9).h1(8).h2(4).seed(1).build();
    org.ebm4j.data.Dataset data = org.ebm4j.data.BarsAndStripes.generate(3);
    org.ebm4j.train.Trainer t = org.ebm4j.train.Trainer.builder(m).optimizer(new org.ebm4j.train.optim.Adam(0.05)).batchSize(14).seed(1).build();
    t.fit(data, 300);
    // The best possible for 14 equally likely images is -ln 14 = -2.639; uniform is -6.238.
    double ll = t.exactLogLikelihood(data);
    assertTrue(ll > -2.75, "log-likelihood " + ll);
  }

  /**
   * AIS on the reduced state space (the blocks that leave the fewest units summed out at every β)
   * and clamped AIS of log Σ_h p̃(v, h), against brute force. Seeded; stated tolerances: 0.1 nats for
   * log Z (1000 temperatures, 100 runs), 0.05 for each example's clamped sum (300 temperatures, 50 runs).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void aisOnTheReducedSpaceAndClampedAisAgreeWithExactSums(Class<?> spec, Map<String, Integer> dims, Map<String, List<String>> graph, int enumerated) {
    EnergyModel m = Models.create(spec, dims, 7);
    org.ebm4j.estimate.Ais ais = new org.ebm4j.estimate.Ais(m, new double[m.stateSize()], null, org.ebm4j.sampling.SamplerOptions.defaults());
    assertTrue(ais.marginal(), ais.describe());
    double exact = bruteLogZ(m);
    org.ebm4j.estimate.Ais.Result forward = ais.forward(1000, 100, new org.ebm4j.random.Rng(1), null);
    assertEquals(exact, forward.logZ(), 0.1, ais.describe() + ": AIS [" + forward.logZLow() + ", " + forward.logZHigh() + "]");

    org.ebm4j.estimate.Ais clamped = org.ebm4j.estimate.Ais.clamped(m);
    assertTrue(clamped.describe().contains("'v' clamped"), clamped.describe());
    int visible = m.visibleSize();
    double[] values = new double[4 * visible];
    for (int e = 0; e < 4; e++) {
      double[] v = new double[visible];
      load(m, (5L * e + 1) % (1L << visible), v, visible);
      System.arraycopy(v, 0, values, e * visible, visible);
    }
    org.ebm4j.data.Dataset data = new org.ebm4j.data.Dataset("four", 4, visible, values);
    double[] estimates = clamped.forwardClamped(data, 4, 50, 300, new org.ebm4j.random.Rng(2), null);
    for (int e = 0; e < 4; e++) {
      double truth = Enumeration.logPTildeVisible(m, data.row(e));
      assertEquals(truth, estimates[e], 0.05, clamped.describe() + ", example " + e);
    }
  }

  @org.junit.jupiter.api.Test
  void aisAndReverseAisOnADbmAgreeWithExactLogZ() {
    // Seeded; tolerance 0.15 nats: the 3-standard-error brackets here are ±0.04 (forward) and ±0.09 (reverse).
    DbmModel m = DbmModel.builder().visible(8).h1(6).h2(4).seed(2).build();
    org.ebm4j.random.Rng rng = new org.ebm4j.random.Rng(4);
    for (int k = 0; k < m.params().length; k++) {
      m.params()[k] = 0.8 * rng.nextGaussian();
    }
    double exact = Enumeration.plan(m, false).logZ();
    assertEquals(bruteLogZ(m), exact, 1e-9);
    org.ebm4j.estimate.Ais ais = new org.ebm4j.estimate.Ais(m, new double[m.stateSize()], null, org.ebm4j.sampling.SamplerOptions.defaults());
    org.ebm4j.estimate.Ais.Result forward = ais.forward(2000, 200, new org.ebm4j.random.Rng(1), k -> {});
    assertEquals(exact, forward.logZ(), 0.15, "AIS [" + forward.logZLow() + ", " + forward.logZHigh() + "]");
    // Reverse AIS from data drawn from the model itself (exact samples by enumeration are not needed: long chains).
    org.ebm4j.sampling.Chains chains = org.ebm4j.sampling.Chains.random(m, 50, new org.ebm4j.random.Rng(2));
    org.ebm4j.sampling.Samplers.create("block-gibbs", m, org.ebm4j.sampling.SamplerOptions.defaults()).sweep(chains, 2000, new org.ebm4j.random.Rng(3));
    double[] values = new double[50 * 8];
    for (int c = 0; c < 50; c++) {
      System.arraycopy(chains.states(), c * m.stateSize(), values, c * 8, 8);
    }
    org.ebm4j.estimate.Ais.Result reverse = ais.reverse(new org.ebm4j.data.Dataset("model samples", 50, 8, values), 2000, 50, new org.ebm4j.random.Rng(5), k -> {});
    assertEquals(exact, reverse.logZ(), 0.15, "reverse AIS [" + reverse.logZLow() + ", " + reverse.logZHigh() + "]");
  }

  @org.junit.jupiter.api.Test
  void aDbmWithRealVisibleUnitsTrainsAndIsEvaluatedExactly() {
    // Real v (a Gaussian block) under two binary layers: PCD with block Gibbs, mean-field positive
    // phase, and an exact log-likelihood (h1 enumerated, v integrated and h2 summed out).
    GaussianDbmModel m = GaussianDbmModel.builder().n(2).m1(3).m2(2).seed(1).build();
    java.util.Arrays.fill(m.params(), 0.0);
    org.ebm4j.random.Rng rng = new org.ebm4j.random.Rng(6);
    double[] values = new double[200 * 2];
    for (int i = 0; i < 200; i++) {
      // Two clusters the latents can explain.
      double centre = rng.nextInt(2) == 0 ? -1.5 : 1.5;
      values[2 * i] = centre + 0.5 * rng.nextGaussian();
      values[2 * i + 1] = centre + 0.5 * rng.nextGaussian();
    }
    org.ebm4j.data.Dataset data = new org.ebm4j.data.Dataset("clusters", 200, 2, values);
    org.ebm4j.train.Trainer t = org.ebm4j.train.Trainer.builder(m)
        .negativePhase(org.ebm4j.train.NegativePhase.pcd(1, 50, "block-gibbs", org.ebm4j.sampling.SamplerOptions.defaults()))
        .positivePhase(org.ebm4j.train.LatentInference.meanField())
        .optimizer(new org.ebm4j.train.optim.Adam(0.02)).batchSize(20).seed(2).build();
    double before = t.exactLogLikelihood(data);
    t.fit(data, 40);
    double after = t.exactLogLikelihood(data);
    assertTrue(Double.isFinite(before) && after > before + 0.3, before + " -> " + after);
  }

  private static double bruteLogZ(EnergyModel m) {
    double[] x = new double[m.stateSize()];
    double logZ = Double.NEGATIVE_INFINITY;
    for (long s = 0; s < 1L << m.stateSize(); s++) {
      load(m, s, x, m.stateSize());
      logZ = Kernels.logAddExp(logZ, -m.energy(x));
    }
    return logZ;
  }

  private static void load(EnergyModel m, long s, double[] x, int n) {
    Variables vars = m.variables();
    for (int j = 0; j < n; j++) {
      x[j] = vars.domainAt(j).value((int) (s >> j & 1));
    }
  }
}
