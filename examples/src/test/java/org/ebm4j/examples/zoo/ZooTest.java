package org.ebm4j.examples.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.ebm4j.check.ModelChecker;
import org.ebm4j.data.Dataset;
import org.ebm4j.estimate.ExactLogZ;
import org.ebm4j.model.BlockConditionals;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.FreeEnergy;
import org.ebm4j.random.Rng;
import org.ebm4j.sampling.Chains;
import org.ebm4j.sampling.SamplerOptions;
import org.ebm4j.sampling.Samplers;
import org.ebm4j.train.NegativePhase;
import org.ebm4j.train.Trainer;
import org.ebm4j.train.optim.Adam;
import org.junit.jupiter.api.Test;

/** Unusual models through the whole stack: checks, sampling, training. */
class ZooTest {

  @Test
  void mixedVisiblesWithLoopsAndLatents() {
    Map<String, Integer> dims = Map.of("nb", 3, "nr", 2, "nh", 3);
    ModelChecker.check(MixedModel.class, dims, 1);
    MixedModelModel m = MixedModelModel.builder().nb(3).nr(2).nh(3).seed(2).build();
    assertTrue(m.capability(FreeEnergy.class).isPresent());
    assertEquals(java.util.List.of("v", "x", "h"), m.capability(BlockConditionals.class).orElseThrow().blocks());
    Rng rng = new Rng(1);
    Chains chains = Chains.random(m, 5, rng);
    Samplers.create("block-gibbs", m, SamplerOptions.defaults()).sweep(chains, 20, rng);
    Samplers.create("metropolis", m, SamplerOptions.defaults()).sweep(chains, 20, rng);
    double[] values = new double[40 * 5];
    for (int i = 0; i < 40; i++) {
      for (int k = 0; k < 3; k++) {
        values[i * 5 + k] = rng.nextInt(2);
      }
      values[i * 5 + 3] = 1 + rng.nextGaussian();
      values[i * 5 + 4] = -1 + rng.nextGaussian();
    }
    Dataset data = new Dataset("mixed", 40, 5, values);
    Trainer t = Trainer.builder(m).negativePhase(NegativePhase.pcd(1, 10, null, SamplerOptions.defaults())).optimizer(new Adam(0.05)).batchSize(10).build();
    t.fit(data, 60);
    // The model's mean of x (mu + W h on average) moves to the data's (1, −1): checked by sampling.
    Chains samples = Chains.random(m, 200, rng);
    Samplers.create("block-gibbs", m, SamplerOptions.defaults()).sweep(samples, 100, rng);
    double mean0 = 0;
    double mean1 = 0;
    for (int c = 0; c < 200; c++) {
      mean0 += samples.states()[c * m.stateSize() + 3] / 200;
      mean1 += samples.states()[c * m.stateSize() + 4] / 200;
    }
    double[] dataMean = data.columnMeans();
    assertEquals(dataMean[3], mean0, 0.3);
    assertEquals(dataMean[4], mean1, 0.3);
  }

  @Test
  void latentInsideANonlinearity() {
    ModelChecker.check(NonlinearLatent.class, Map.of("n", 4, "m", 3), 1);
    NonlinearLatentEnergy m = NonlinearLatentEnergy.builder().n(4).m(3).seed(1).build();
    assertFalse(m.capability(FreeEnergy.class).isPresent());
    Rng rng = new Rng(3);
    double[] values = new double[30 * 4];
    for (int k = 0; k < values.length; k++) {
      values[k] = rng.nextDouble() < 0.8 ? 1 : 0;
    }
    Dataset data = new Dataset("ones", 30, 4, values);
    Trainer t = Trainer.builder(m).negativePhase(NegativePhase.pcd(2, 10, "gibbs", SamplerOptions.defaults())).optimizer(new Adam(0.05)).batchSize(10).build();
    double before = t.exactLogLikelihood(data);
    t.fit(data, 40);
    assertTrue(t.exactLogLikelihood(data) > before, "log-likelihood rises");
    Trainer exact = Trainer.builder(NonlinearLatentEnergy.builder().n(4).m(3).seed(1).build()).optimizer(new Adam(0.05)).batchSize(10).build();
    exact.fit(data, 20);
  }

  @Test
  void isingGridWithComputedNeighbours() {
    ModelChecker.check(IsingGrid.class, Map.of("sites", 9), 1);
    IsingGridModel m = IsingGridModel.builder().sites(9).build();
    double logZ = ExactLogZ.compute(m, 2, null);
    // At zero field and coupling 0.3 the all-up state has energy −18·0.3.
    double[] up = new double[9];
    java.util.Arrays.fill(up, 1);
    assertEquals(-18 * 0.3, m.energy(up), 1e-12);
    assertTrue(logZ > 9 * Math.log(2));
    Rng rng = new Rng(2);
    Chains chains = Chains.random(m, 4, rng);
    Samplers.create(Samplers.defaultName(m), m, SamplerOptions.defaults()).sweep(chains, 10, rng);
    Samplers.create("tempering", m, SamplerOptions.parse("replicas=3")).sweep(chains, 10, rng);
  }
}
