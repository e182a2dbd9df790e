package org.ebm4j.examples.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ebm4j.data.BarsAndStripes;
import org.ebm4j.data.Dataset;
import org.ebm4j.examples.models.RbmModel;
import org.ebm4j.random.Rng;
import org.ebm4j.sampling.SamplerOptions;
import org.ebm4j.train.Checkpoint;
import org.ebm4j.train.DivergenceGuard;
import org.ebm4j.train.Metrics;
import org.ebm4j.train.NegativePhase;
import org.ebm4j.train.Trainer;
import org.ebm4j.train.optim.Sgd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs that diverge without a single non-finite number stop at the failing epoch, say why, put
 * back the last good parameters and never let a listener (the CLI's checkpoint writer) see the
 * wrecked model.
 */
class DivergenceTest {
  private static final Dataset DATA = BarsAndStripes.generate(3);

  /** Learning rate 0.1 for three epochs, then 10^6: a collapse in epoch 4. */
  private static Trainer.Builder jumpAfterThree(RbmModel model) {
    return Trainer.builder(model).optimizer(new Sgd(0.1)).batchSize(7).seed(3).schedule(epoch -> epoch <= 3 ? 1 : 1e7);
  }

  @Test
  void aCollapsingLogLikelihoodStopsTheRunAndKeepsTheLastGoodCheckpoint() throws IOException {
    Path dir = Files.createTempDirectory("diverge");
    RbmModel model = RbmModel.builder().visible(9).hidden(6).seed(1).build();
    Trainer[] t = new Trainer[1];
    t[0] = jumpAfterThree(model).listener(e -> write(t[0], dir)).build();
    Trainer.DivergenceException e = assertThrows(Trainer.DivergenceException.class, () -> t[0].fit(DATA, 20));
    assertEquals(4, e.epoch());
    assertEquals(3, e.lastGoodEpoch());
    assertTrue(e.getMessage().startsWith("training diverged in epoch 4: the log-likelihood collapsed to"), e.getMessage());
    assertTrue(e.getMessage().contains("lower the learning rate (the optimizer is sgd(lr=0.1") && e.getMessage().contains("back to those after epoch 3"), e.getMessage());

    // The parameters and the checkpoint on disk are those of three good epochs, bit for bit.
    RbmModel three = RbmModel.builder().visible(9).hidden(6).seed(1).build();
    jumpAfterThree(three).build().fit(DATA, 3);
    assertArrayEquals(three.params(), model.params());
    Checkpoint kept = Checkpoint.read(dir);
    assertEquals("3", kept.get("epoch"));
    assertArrayEquals(three.params(), kept.array("params"));
    // The failed run cannot be continued or checkpointed by mistake.
    IllegalStateException again = assertThrows(IllegalStateException.class, () -> t[0].fit(DATA, 20));
    assertTrue(again.getMessage().contains("diverged"), again.getMessage());
    assertThrows(IllegalStateException.class, t[0]::checkpoint);
  }

  @Test
  void withoutALikelihoodAnExplodingParameterNormStopsTheRun() {
    RbmModel model = RbmModel.builder().visible(9).hidden(6).seed(1).build();
    Trainer t = jumpAfterThree(model).metrics(Metrics.timingOnly()).build();
    Trainer.DivergenceException e = assertThrows(Trainer.DivergenceException.class, () -> t.fit(DATA, 20));
    assertEquals(4, e.epoch());
    assertTrue(e.getMessage().contains("the parameter norm exploded to"), e.getMessage());
  }

  @Test
  void theGuardCanBeTurnedOff() {
    RbmModel model = RbmModel.builder().visible(9).hidden(6).seed(1).build();
    jumpAfterThree(model).divergenceGuard(DivergenceGuard.off()).build().fit(DATA, 6);
    assertTrue(Double.isFinite(model.params()[0]));
  }

  @Test
  void aHealthyRunIsNotStopped() {
    // A high but workable rate with sampled, noisy gradients: the guard must stay quiet.
    RbmModel model = RbmModel.builder().visible(9).hidden(6).seed(1).build();
    Trainer t = Trainer.builder(model).optimizer(new Sgd(1.0)).batchSize(2).seed(5)
        .negativePhase(NegativePhase.pcd(1, 10, null, SamplerOptions.defaults())).build();
    t.fit(DATA, 60);
    assertEquals(60, t.epoch());
  }

  /**
   * E = Σ (m − x) cannot be normalised; chains of every real-valued sampler run away from the data
   * and the run stops within a few epochs, naming the term to add (before: 300 epochs in silence).
   */
  @ParameterizedTest
  @ValueSource(strings = {"langevin", "mala", "hmc", "metropolis"})
  void aNonNormalizableEnergyIsCaughtByItsChainsLeavingTheData(String sampler) {
    Rng rng = new Rng(4);
    double[] values = new double[200];
    for (int i = 0; i < values.length; i++) {
      values[i] = rng.nextGaussian();
    }
    Dataset data = new Dataset("gaussian", 100, 2, values);
    UnboundedModel model = UnboundedModel.builder().d(2).build();
    Trainer t = Trainer.builder(model).optimizer(new Sgd(0.01)).batchSize(10).seed(1)
        .negativePhase(NegativePhase.pcd(5, 10, sampler, SamplerOptions.defaults())).build();
    Trainer.DivergenceException e = assertThrows(Trainer.DivergenceException.class, () -> t.fit(data, 300));
    assertTrue(e.epoch() <= 30, sampler + " took " + e.epoch() + " epochs");
    assertTrue((e.getMessage().contains("left the data's range") || e.getMessage().contains("drift away from the data")) && e.getMessage().contains("add a term such as 0.5 * sumSquares(x)"), e.getMessage());
  }

  private static void write(Trainer t, Path dir) {
    try {
      t.checkpoint().write(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
