package org.ebm4j.examples.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.ebm4j.data.BarsAndStripes;
import org.ebm4j.data.Dataset;
import org.ebm4j.estimate.Ais;
import org.ebm4j.estimate.ExactLogZ;
import org.ebm4j.examples.models.FullyVisibleBmModel;
import org.ebm4j.examples.models.RbmModel;
import org.ebm4j.examples.models.SpinRbmModel;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.Domain;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.random.Rng;
import org.ebm4j.sampling.SamplerOptions;
import org.junit.jupiter.api.Test;

/** Estimators of log Z against brute force. */
class EstimatorTest {

  static <T extends EnergyModel> T randomized(T m, long seed, double scale) {
    Rng rng = new Rng(seed);
    double[] p = m.params();
    for (int k = 0; k < p.length; k++) {
      p[k] = scale * rng.nextGaussian();
    }
    return m;
  }

  static double bruteLogZ(EnergyModel m) {
    double[] x = new double[m.stateSize()];
    double logZ = Double.NEGATIVE_INFINITY;
    for (long s = 0; s < (1L << x.length); s++) {
      for (int j = 0; j < x.length; j++) {
        x[j] = ((s >> j) & 1) == 1 ? 1 : (m.variables().domainAt(j) == Domain.SPIN ? -1 : 0);
      }
      logZ = Kernels.logAddExp(logZ, -m.energy(x));
    }
    return logZ;
  }

  @Test
  void exactLogZEqualsBruteForce() {
    EnergyModel[] models = {
      randomized(RbmModel.builder().visible(9).hidden(5).build(), 1, 1.0),
      randomized(SpinRbmModel.builder().visible(8).hidden(5).build(), 2, 1.0),
      randomized(RbmModel.builder().visible(4).hidden(9).build(), 3, 1.0),
      randomized(FullyVisibleBmModel.builder().units(10).build(), 4, 1.0),
    };
    for (EnergyModel m : models) {
      double expected = bruteLogZ(m);
      for (int threads : new int[] {1, 3}) {
        AtomicReference<Double> last = new AtomicReference<>(0.0);
        double actual = ExactLogZ.compute(m, threads, last::set);
        assertEquals(expected, actual, 1e-9 * Math.max(1, Math.abs(expected)), m.getClass().getSimpleName() + " with " + threads + " threads");
        assertEquals(1.0, last.get(), 1e-12, "progress reaches 1");
      }
    }
    // Gray-code refreshes every 4096 states: 2^14 latent states exercise them.
    RbmModel big = randomized(RbmModel.builder().visible(16).hidden(14).build(), 5, 0.3);
    assertEquals(org.ebm4j.estimate.Enumeration.plan(big, false).logZ(), ExactLogZ.compute(big, 2, null), 1e-8);
  }

  @Test
  void exactLogZIsTheSameToTheLastBitForAnyThreadCount() {
    RbmModel m = randomized(RbmModel.builder().visible(20).hidden(14).build(), 6, 0.5);
    double one = ExactLogZ.compute(m, 1, null);
    for (int threads : new int[] {2, 3, 5}) {
      assertEquals(Double.doubleToRawLongBits(one), Double.doubleToRawLongBits(ExactLogZ.compute(m, threads, null)), threads + " threads");
    }
  }

  @Test
  void aisAgreesWithExactLogZForRbmsUpToTwentyHiddenUnits() {
    for (int hidden : new int[] {5, 20}) {
      RbmModel m = randomized(RbmModel.builder().visible(25).hidden(hidden).build(), 10 + hidden, 0.3);
      double exact = ExactLogZ.compute(m, 2, null);
      Dataset data = samples(m, 300, 3);
      Ais ais = new Ais(m, Ais.baseRateLogits(m, data), null, SamplerOptions.defaults());
      assertTrue(ais.marginal());
      Ais.Result forward = ais.forward(1000, 50, new Rng(7), null);
      assertEquals(exact, forward.logZ(), 0.5, "AIS, " + hidden + " hidden");
      assertTrue(forward.logZLow() <= forward.logZ() && forward.logZ() <= forward.logZHigh());
      Ais.Result reverse = ais.reverse(data, 1000, 50, new Rng(8), null);
      assertEquals(exact, reverse.logZ(), 0.5, "reverse AIS, " + hidden + " hidden");
      // Started from (near-)model samples, RAISE errs towards a larger log Z: a conservative likelihood.
      assertTrue(reverse.logZ() > exact - 0.05, "RAISE log Z " + reverse.logZ() + " vs exact " + exact);
    }
  }

  @Test
  void aisOnTheJointStateWorksWithoutAFreeEnergy() {
    FullyVisibleBmModel m = randomized(FullyVisibleBmModel.builder().units(12).build(), 3, 0.4);
    Ais ais = new Ais(m, new double[12], "gibbs", SamplerOptions.defaults());
    assertTrue(!ais.marginal());
    assertEquals(bruteLogZ(m), ais.forward(500, 40, new Rng(2), null).logZ(), 0.5);
    Dataset bs = BarsAndStripes.generate(2);
    assertEquals(6, bs.size());
  }

  /** Approximate model samples by long block Gibbs runs, as data for reverse AIS. */
  static Dataset samples(RbmModel m, int n, long seed) {
    Rng rng = new Rng(seed);
    var chains = org.ebm4j.sampling.Chains.random(m, n, rng);
    org.ebm4j.sampling.Samplers.create("block-gibbs", m, SamplerOptions.defaults()).sweep(chains, 200, rng);
    double[] values = new double[n * m.visibleSize()];
    double[] x = new double[m.stateSize()];
    for (int i = 0; i < n; i++) {
      chains.get(i, x);
      System.arraycopy(x, 0, values, i * m.visibleSize(), m.visibleSize());
    }
    return new Dataset("samples", n, m.visibleSize(), values);
  }
}
