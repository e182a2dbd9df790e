package org.ebm4j.examples.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ebm4j.data.Dataset;
import org.ebm4j.estimate.Ais;
import org.ebm4j.estimate.Enumeration;
import org.ebm4j.estimate.ExactLogZ;
import org.ebm4j.examples.models.PottsModel;
import org.ebm4j.examples.models.SoftmaxRbmModel;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.TemperedModel;
import org.ebm4j.random.Rng;
import org.ebm4j.sampling.Chains;
import org.ebm4j.sampling.Sampler;
import org.ebm4j.sampling.SamplerOptions;
import org.ebm4j.sampling.Samplers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Samplers and estimators on categorical models against brute force: every state of the visible
 * units enumerated by hand here (a unit's state is a digit in base K), independent of the runtime's
 * own enumeration. Fixed seeds; tolerances as in {@link SamplerExactnessTest}.
 */
class CategoricalSamplingTest {
  static final int SITES = 3;
  static final int K = 3;

  static EnergyModel potts(long seed) {
    return SamplerExactnessTest.randomized(PottsModel.builder().units(SITES * K).states(K).build(), seed);
  }

  static EnergyModel softmaxRbm(long seed) {
    return SamplerExactnessTest.randomized(SoftmaxRbmModel.builder().visible(SITES * K).states(K).hidden(2).build(), seed);
  }

  /** Writes visible state number s (base K digits, site 0 the lowest) one-hot into x. */
  static void load(double[] x, int s) {
    java.util.Arrays.fill(x, 0, SITES * K, 0.0);
    for (int i = 0; i < SITES; i++) {
      x[i * K + s % K] = 1;
      s /= K;
    }
  }

  static int index(double[] x) {
    int s = 0;
    for (int i = SITES - 1; i >= 0; i--) {
      int a = 0;
      while (x[i * K + a] == 0) {
        a++;
      }
      s = s * K + a;
    }
    return s;
  }

  /** The exact distribution of the visible states, latents (binary, few) summed by brute force. */
  static double[] exact(EnergyModel m) {
    int states = (int) Math.pow(K, SITES);
    int latent = m.latentSize();
    double[] logp = new double[states];
    double[] x = new double[m.stateSize()];
    for (int s = 0; s < states; s++) {
      load(x, s);
      double[] terms = new double[1 << latent];
      for (int h = 0; h < terms.length; h++) {
        for (int j = 0; j < latent; j++) {
          x[SITES * K + j] = (h >> j) & 1;
        }
        terms[h] = -m.energy(x);
      }
      logp[s] = Kernels.logSumExp(terms, 0, terms.length);
    }
    double logZ = Kernels.logSumExp(logp, 0, states);
    for (int s = 0; s < states; s++) {
      logp[s] = Math.exp(logp[s] - logZ);
    }
    return logp;
  }

  static double bruteLogZ(EnergyModel m) {
    int states = (int) Math.pow(K, SITES);
    int latent = m.latentSize();
    double[] terms = new double[states << latent];
    double[] x = new double[m.stateSize()];
    for (int s = 0; s < states; s++) {
      load(x, s);
      for (int h = 0; h < 1 << latent; h++) {
        for (int j = 0; j < latent; j++) {
          x[SITES * K + j] = (h >> j) & 1;
        }
        terms[(s << latent) + h] = -m.energy(x);
      }
    }
    return Kernels.logSumExp(terms, 0, terms.length);
  }

  static double[] histogram(EnergyModel m, Sampler sampler, int sweeps, long seed) {
    Rng rng = new Rng(seed);
    Chains chains = Chains.random(m, 50, rng);
    sampler.sweep(chains, 50, rng);
    double[] counts = new double[(int) Math.pow(K, SITES)];
    double[] x = new double[m.stateSize()];
    for (int s = 0; s < sweeps; s++) {
      sampler.sweep(chains, 1, rng);
      for (int c = 0; c < chains.count(); c++) {
        chains.get(c, x);
        counts[index(x)]++;
      }
    }
    for (int s = 0; s < counts.length; s++) {
      counts[s] /= 50.0 * sweeps;
    }
    return counts;
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource({"gibbs, potts", "tempering, potts", "gibbs, softmax-rbm", "block-gibbs, softmax-rbm", "tempering, softmax-rbm"})
  void samplersDrawTheExactDistribution(String samplerName, String modelName) {
    EnergyModel m = modelName.equals("potts") ? potts(17) : softmaxRbm(17);
    double[] p = exact(m);
    int sweeps = 400;
    SamplerOptions options = samplerName.equals("tempering") ? SamplerOptions.defaults().with("replicas", 4) : SamplerOptions.defaults();
    double[] q = histogram(m, Samplers.create(samplerName, m, options), sweeps, 5);
    double tol = SamplerExactnessTest.tolerance(p, 50 * sweeps);
    assertTrue(SamplerExactnessTest.tv(p, q) < tol, samplerName + " TV " + SamplerExactnessTest.tv(p, q) + " >= " + tol);
    double[] other = exact(modelName.equals("potts") ? potts(18) : softmaxRbm(18));
    assertTrue(SamplerExactnessTest.tv(other, q) > tol, "tolerance " + tol + " does not tell models apart");
  }

  @Test
  void gibbsDrawsATemperedPottsViewFromTheModelsGradient() {
    // AIS and tempering sample tempered views: β times the model plus a base of independent units.
    EnergyModel m = potts(21);
    Rng rng = new Rng(4);
    double[] base = new double[m.stateSize()];
    for (int k = 0; k < base.length; k++) {
      base[k] = rng.nextGaussian();
    }
    TemperedModel view = new TemperedModel(m, 0.4, base);
    double[] p = exact(view);
    double[] q = histogram(view, Samplers.create("gibbs", view, SamplerOptions.defaults()), 400, 6);
    double tol = SamplerExactnessTest.tolerance(p, 50 * 400);
    assertTrue(SamplerExactnessTest.tv(p, q) < tol, "TV " + SamplerExactnessTest.tv(p, q) + " >= " + tol);
    assertTrue(SamplerExactnessTest.tv(exact(new TemperedModel(m, 0.8, base)), q) > tol, "tolerance " + tol + " does not tell β = 0.4 from 0.8");
  }

  @Test
  void exactLogZEnumeratesKToTheUnitsStates() {
    EnergyModel potts = potts(3);
    assertEquals(bruteLogZ(potts), ExactLogZ.compute(potts, 1, null), 1e-10);
    assertEquals("3^3 joint states", Enumeration.plan(potts, false).describe());
    EnergyModel rbm = softmaxRbm(3);
    assertEquals(bruteLogZ(rbm), ExactLogZ.compute(rbm, 1, null), 1e-10);
    // Two binary latents are fewer states than 3^3 visible ones: the visibles are summed out.
    assertEquals("2^2 latent states, visible block 'v' summed out", Enumeration.plan(rbm, false).describe());
    double[] x = new double[rbm.stateSize()];
    load(x, 7);
    double[] v = java.util.Arrays.copyOf(x, rbm.visibleSize());
    double logZ = bruteLogZ(rbm);
    assertEquals(Math.log(exact(rbm)[7]), Enumeration.logPTildeVisible(rbm, v) - logZ, 1e-10);
  }

  @Test
  void aisAgreesWithExactLogZ() {
    EnergyModel rbm = SamplerExactnessTest.randomized(SoftmaxRbmModel.builder().visible(6 * 4).states(4).hidden(6).build(), 4);
    double exact = ExactLogZ.compute(rbm, 1, null);
    // Base rates from a sample of the model (block Gibbs), as a user's data would give them.
    Rng rng = new Rng(1);
    Chains chains = Chains.random(rbm, 200, rng);
    Samplers.create("block-gibbs", rbm, SamplerOptions.defaults()).sweep(chains, 200, rng);
    double[] values = new double[200 * rbm.visibleSize()];
    for (int c = 0; c < 200; c++) {
      System.arraycopy(chains.states(), c * rbm.stateSize(), values, c * rbm.visibleSize(), rbm.visibleSize());
    }
    Dataset data = new Dataset("model samples", 200, rbm.visibleSize(), values);
    data.validate(rbm.variables());
    Ais ais = new Ais(rbm, Ais.baseRateLogits(rbm, data), null, SamplerOptions.defaults());
    Ais.Result forward = ais.forward(1000, 50, new Rng(7), null);
    assertEquals(exact, forward.logZ(), 0.3, "AIS");
    Ais joint = new Ais(potts(5), new double[SITES * K], "gibbs", SamplerOptions.defaults());
    assertEquals(bruteLogZ(potts(5)), joint.forward(500, 40, new Rng(2), null).logZ(), 0.2, "AIS over a Potts model's joint states");
  }

  @Test
  void dataMustBeOneHot() {
    EnergyModel m = potts(1);
    double[] row = new double[SITES * K];
    load(row, 5);
    row[1] = 1 - row[1];
    Dataset bad = new Dataset("bad", 1, SITES * K, row);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> bad.validate(m.variables()));
    assertTrue(e.getMessage().contains("columns 1-3: unit 1 of the categorical variable s has"), e.getMessage());
  }
}
