package org.ebm4j.examples.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.random.RandomGenerator;
import org.ebm4j.data.BarsAndStripes;
import org.ebm4j.data.Dataset;
import org.ebm4j.examples.models.RbmModel;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.sampling.SamplerOptions;
import org.ebm4j.train.Checkpoint;
import org.ebm4j.train.EpochMetrics;
import org.ebm4j.train.Metrics;
import org.ebm4j.train.MiniBatch;
import org.ebm4j.train.NegativePhase;
import org.ebm4j.train.Objective;
import org.ebm4j.train.Schedule;
import org.ebm4j.train.Trainer;
import org.ebm4j.train.TrainingConfig;
import org.ebm4j.train.optim.Sgd;
import org.junit.jupiter.api.Test;

/** The trainer's seams: objectives, the update plan, metrics and the typed configuration. */
class TrainerSeamsTest {
  static final Dataset DATA = BarsAndStripes.generate(3);

  /** Ascends −½|θ − t|² towards t = (0.01, 0.02, ...): an objective of one's own, not likelihood. */
  static final class TowardsTarget implements Objective {
    int batches;

    @Override
    public void accumulate(EnergyModel model, MiniBatch batch, double[] grad, RandomGenerator rng) {
      batches++;
      double[] theta = model.params();
      for (int k = 0; k < grad.length; k++) {
        grad[k] += 0.01 * (k + 1) - theta[k];
      }
    }

    @Override
    public String describe() {
      return "towards a target";
    }
  }

  @Test
  void anyObjectiveCanDriveTheTrainer() {
    RbmModel model = RbmModel.builder().visible(9).hidden(4).seed(1).build();
    TowardsTarget objective = new TowardsTarget();
    Trainer t = Trainer.builder(model).objective(objective).optimizer(new Sgd(0.5)).batchSize(7).metrics(Metrics.timingOnly()).build();
    List<EpochMetrics> history = t.fit(DATA, 20);
    assertEquals(40, objective.batches, "two minibatches of 7 per epoch");
    for (int k = 0; k < model.params().length; k++) {
      assertEquals(0.01 * (k + 1), model.params()[k], 1e-9);
    }
    assertNull(t.negativePhase());
    assertEquals("gradient of towards a target, then the optimizer's step", t.updatePlan());
    assertTrue(Double.isNaN(history.get(0).logLikelihood()), "timing-only metrics measure no likelihood");
    Checkpoint c = t.checkpoint();
    assertEquals("towards a target", c.get("objective"));
  }

  @Test
  void thePlanFollowsTheModelsProvenCapabilities() {
    RbmModel model = RbmModel.builder().visible(9).hidden(4).seed(1).build();
    Trainer pcd = Trainer.builder(model).negativePhase(NegativePhase.pcd(1, 10, null, SamplerOptions.defaults())).build();
    assertTrue(pcd.updatePlan().startsWith("combined: data and chain rows in one batched gradient"), pcd.updatePlan());
    Trainer exact = Trainer.builder(model).build();
    assertEquals("gradient of maximum likelihood, positive phase free energy (exact), negative phase exact, then the optimizer's step", exact.updatePlan());
    List<EpochMetrics> history = exact.fit(DATA, 1);
    assertTrue(Double.isFinite(history.get(0).logLikelihood()), "standard metrics enumerate a small model");
  }

  @Test
  void aRunResumesFromItsCheckpointAloneThroughTheLibrary() throws Exception {
    // Tempered PCD with options over a named base, momentum, decay and a schedule: every setting must survive.
    java.util.function.Supplier<Trainer.Builder> settings = () -> Trainer.builder(RbmModel.builder().visible(9).hidden(4).seed(2).build())
        .negativePhase(NegativePhase.tempered(1, 6, "gibbs", SamplerOptions.parse("replicas=3,minBeta=0.2")))
        .optimizer(new Sgd(0.05, 0.5, 0.001))
        .schedule(Schedule.parse("exp:0.9"))
        .batchSize(5)
        .seed(11);
    Trainer straight = settings.get().build();
    straight.fit(DATA, 6);
    Trainer first = settings.get().build();
    first.fit(DATA, 3);
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("resume");
    first.checkpoint().write(dir);

    Checkpoint saved = Checkpoint.read(dir);
    EnergyModel model = org.ebm4j.model.Models.load(saved);
    TrainingConfig config = TrainingConfig.restore(saved);
    assertEquals("tempered:1", ((org.ebm4j.train.MaximumLikelihood) config.objective()).negativePhase().settings().spec());
    assertEquals("exp:0.9", config.schedule().spec());
    assertEquals(new Sgd(0.05, 0.5, 0.001).settings(), config.optimizer().settings());
    Trainer resumed = Trainer.builder(model).config(config).build();
    resumed.restore(saved);
    resumed.fit(DATA, 6);
    assertArrayEquals(straight.model().params(), model.params(), 0.0, "3 epochs, a checkpoint, 3 more: the same as 6 straight");
  }

  @Test
  void aCheckpointWithANonFiniteParameterOrANegativeEpochIsRefused() {
    RbmModel model = RbmModel.builder().visible(9).hidden(4).seed(2).build();
    Trainer t = Trainer.builder(model).build();
    Checkpoint c = t.checkpoint();
    double[] params = c.array("params").clone();
    params[5] = Double.NaN;
    Checkpoint nan = t.checkpoint().putArray("params", params);
    assertEquals("the checkpoint's parameter 5 (block 'b') is NaN; it cannot be resumed",
        assertThrows(IllegalArgumentException.class, () -> t.restore(nan)).getMessage());
    Checkpoint negative = t.checkpoint().put("epoch", -3);
    assertEquals("the checkpoint's epoch '-3' is not a number of epochs",
        assertThrows(IllegalArgumentException.class, () -> t.restore(negative)).getMessage());
  }

  @Test
  void aModelTooLargeForIntIndicesIsRefusedNamingTheBlock() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RbmModel.builder().visible(65536).hidden(65536).build());
    assertEquals("the model needs more than 2^31 values: parameter w alone is visible × hidden = 65536 × 65536 = 4294967296 values after 131072 others;"
        + " choose smaller dimensions", e.getMessage());
  }

  @Test
  void aConfigurationIsOneTypedValue() {
    TrainingConfig config = new TrainingConfig(Objective.maximumLikelihood(NegativePhase.exact()), new Sgd(0.05), 7, 3L, Schedule.constant(), 0);
    RbmModel a = RbmModel.builder().visible(9).hidden(4).seed(1).build();
    RbmModel b = RbmModel.builder().visible(9).hidden(4).seed(1).build();
    Trainer fromConfig = Trainer.builder(a).config(config).build();
    Trainer fromSetters = Trainer.builder(b).negativePhase(NegativePhase.exact()).optimizer(new Sgd(0.05)).batchSize(7).seed(3L).build();
    assertEquals(7, fromConfig.config().batchSize());
    fromConfig.fit(DATA, 3);
    fromSetters.fit(DATA, 3);
    assertArrayEquals(b.params(), a.params(), 0.0);
    assertEquals("batch size must be positive, got 0",
        assertThrows(IllegalArgumentException.class, () -> new TrainingConfig(config.objective(), config.optimizer(), 0, 0, Schedule.constant(), 0)).getMessage());
    assertEquals("centering rate must be in [0, 1], got 2.0",
        assertThrows(IllegalArgumentException.class, () -> new TrainingConfig(config.objective(), config.optimizer(), 5, 0, Schedule.constant(), 2)).getMessage());
  }

  @Test
  void theDefaultNegativePhaseIsExactWhereCheapElsePcd() {
    assertEquals("exact", Trainer.builder(RbmModel.builder().visible(9).hidden(4).build()).build().negativePhase().describe());
    // Real visibles leave no exact gradient: PCD-1 with as many chains as the batch.
    var gb = org.ebm4j.examples.models.GaussianBernoulliRbmModel.builder().visible(9).hidden(4).build();
    Trainer t = Trainer.builder(gb).batchSize(7).build();
    assertTrue(t.negativePhase().describe().startsWith("pcd:1") && t.negativePhase().describe().contains("7 persistent chains"), t.negativePhase().describe());
    t.fit(DATA, 2);
    assertEquals(2, t.epoch());
  }
}
