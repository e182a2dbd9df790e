package org.ebm4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.ebm4j.data.BarsAndStripes;
import org.ebm4j.data.Dataset;
import org.ebm4j.estimate.Ais;
import org.ebm4j.estimate.ExactLogZ;
import org.ebm4j.examples.models.FullyVisibleBmModel;
import org.ebm4j.examples.models.RbmModel;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.random.Rng;
import org.ebm4j.sampling.SamplerOptions;
import org.ebm4j.train.Trainer;
import org.ebm4j.train.optim.Adam;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Distributed evaluation in local mode (2 cores) against the single-machine answers, bit for bit. */
class DistributedEvaluationTest {
  static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    sc = new JavaSparkContext(Spark.localConf(2, "ebm4j-test"));
    sc.setLogLevel("WARN");
  }

  @AfterAll
  static void stop() {
    sc.stop();
  }

  static EnergyModel randomRbm(int visible, int hidden, long seed) {
    EnergyModel m = RbmModel.builder().visible(visible).hidden(hidden).seed(seed).build();
    Rng rng = new Rng(seed);
    for (int k = 0; k < m.params().length; k++) {
      m.params()[k] = 0.5 * rng.nextGaussian();
    }
    return m;
  }

  @Test
  void exactLogZByGrayCodeRangesEqualsTheSingleMachineValue() {
    EnergyModel rbm = randomRbm(16, 12, 3);
    assertEquals(64, ExactLogZ.parts(rbm));
    assertEquals(ExactLogZ.compute(rbm, 2, null), DistributedEvaluation.exactLogZ(sc, rbm), 0.0);
    // A model without the Gray-code path is one part, enumerated by one task.
    EnergyModel fvbm = FullyVisibleBmModel.builder().units(8).seed(1L).build();
    assertEquals(1, ExactLogZ.parts(fvbm));
    assertEquals(ExactLogZ.compute(fvbm, 1, null), DistributedEvaluation.exactLogZ(sc, fvbm), 0.0);
  }

  @Test
  void aisOverExecutorsEqualsTheSameShardsOnOneMachineAndBracketsTheExactValue() {
    EnergyModel rbm = randomRbm(9, 6, 5);
    Dataset data = BarsAndStripes.generate(3);
    double[] base = Ais.baseRateLogits(rbm, data);
    Ais.Result spark = DistributedEvaluation.ais(sc, rbm, base, null, SamplerOptions.defaults(), 200, 60, 4, 11L);
    Ais.Result local = DistributedEvaluation.aisLocally(rbm, base, null, SamplerOptions.defaults(), 200, 60, 4, 11L);
    assertArrayEquals(local.logWeights(), spark.logWeights(), 0.0);
    assertEquals(local.logZ(), spark.logZ(), 0.0);
    assertEquals(60, spark.runs());
    double exact = ExactLogZ.compute(rbm, 1, null);
    assertTrue(spark.logZLow() <= exact && exact <= spark.logZHigh(),
        () -> "exact " + exact + " outside the 3-s.e. bracket [" + spark.logZLow() + ", " + spark.logZHigh() + "]");
    // Other seeds, other runs.
    Ais.Result other = DistributedEvaluation.ais(sc, rbm, base, null, SamplerOptions.defaults(), 200, 60, 4, 12L);
    assertTrue(other.logZ() != spark.logZ());
  }

  @Test
  void aisRefusesMoreShardsThanRuns() {
    EnergyModel rbm = randomRbm(4, 2, 1);
    var e = assertThrows(IllegalArgumentException.class,
        () -> DistributedEvaluation.ais(sc, rbm, new double[rbm.stateSize()], null, SamplerOptions.defaults(), 10, 2, 3, 1L));
    assertTrue(e.getMessage().contains("shards <= runs"), e.getMessage());
  }

  @Test
  void aSweepOverSeedsRunsAsOneJobAndEqualsTheRunsOnOneMachine() {
    List<Long> seeds = List.of(1L, 2L, 3L);
    List<Double> spark = DistributedEvaluation.sweep(sc, seeds, DistributedEvaluationTest::trainBarsAndStripes);
    for (int i = 0; i < seeds.size(); i++) {
      assertEquals(trainBarsAndStripes(seeds.get(i)), spark.get(i), 0.0, "seed " + seeds.get(i));
    }
    assertTrue(spark.get(0) > -6.0, "training raised the log-likelihood from about -6.24: " + spark);
  }

  /** 40 epochs of the README's bars-and-stripes RBM; its exact log-likelihood. */
  static double trainBarsAndStripes(long seed) {
    EnergyModel rbm = RbmModel.builder().visible(9).hidden(12).seed(seed).build();
    Dataset data = BarsAndStripes.generate(3);
    Trainer trainer = Trainer.builder(rbm).optimizer(new Adam(0.05)).batchSize(14).seed(seed).build();
    trainer.fit(data, 40);
    return trainer.exactLogLikelihood(data);
  }

  @Test
  void aSnapshotRebuildsTheModelWithItsParameters() {
    EnergyModel rbm = randomRbm(5, 3, 9);
    EnergyModel copy = ModelSnapshot.of(rbm).build();
    assertEquals(rbm.getClass(), copy.getClass());
    assertArrayEquals(rbm.params(), copy.params(), 0.0);
    var missing = new ModelSnapshot("org.example.NoSuchModel", java.util.Map.of("visible", 2), new double[0]);
    var e = assertThrows(IllegalStateException.class, missing::build);
    assertTrue(e.getMessage().contains("not on this executor's class path"), e.getMessage());
  }
}
