package org.ebm4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.ebm4j.data.BarsAndStripes;
import org.ebm4j.data.Dataset;
import org.ebm4j.examples.models.FullyVisibleBmModel;
import org.ebm4j.examples.models.RbmModel;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.random.Rng;
import org.ebm4j.sampling.SamplerOptions;
import org.ebm4j.train.EpochMetrics;
import org.ebm4j.train.NegativePhase;
import org.ebm4j.train.Trainer;
import org.ebm4j.train.optim.Adam;
import org.ebm4j.train.optim.Sgd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data-parallel training in local mode against single-machine training with the same seed. */
class DistributedTrainerTest {
  static JavaSparkContext sc;
  static SparkSession spark;

  @BeforeAll
  static void start() {
    sc = new JavaSparkContext(Spark.localConf(2, "ebm4j-trainer-test"));
    sc.setLogLevel("WARN");
    spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Bars and stripes repeated, so that minibatches span partitions. */
  static Dataset data() {
    Dataset bs = BarsAndStripes.generate(3);
    int copies = 5;
    double[] v = new double[bs.size() * copies * bs.width()];
    for (int c = 0; c < copies; c++) {
      System.arraycopy(bs.values(), 0, v, c * bs.values().length, bs.values().length);
    }
    return new Dataset("bars-and-stripes x5", bs.size() * copies, bs.width(), v);
  }

  static EnergyModel rbm() {
    return RbmModel.builder().visible(9).hidden(6).seed(4L).build();
  }

  static double[] distributed(EnergyModel model, NegativePhase negative, Dataset data, int partitions, int epochs) {
    DistributedTrainer t = DistributedTrainer.builder(sc, model).negativePhase(negative).optimizer(new Sgd(0.05)).batchSize(20).seed(3L).build();
    t.fit(SparkData.of(sc, data, partitions), epochs);
    return model.params().clone();
  }

  @Test
  void onePartitionEqualsSingleMachineTrainingBitForBit() {
    Dataset data = data();
    EnergyModel local = rbm();
    Trainer trainer = Trainer.builder(local).negativePhase(NegativePhase.exact()).optimizer(new Sgd(0.05)).batchSize(20).seed(3L).build();
    trainer.fit(data, 6);
    assertArrayEquals(local.params(), distributed(rbm(), NegativePhase.exact(), data, 1, 6), 0.0);
    // Persistent chains: Trainer's plain-gradient update (not its fused one) is the distributed one.
    EnergyModel pcd = rbm();
    Trainer plain = Trainer.builder(pcd).negativePhase(NegativePhase.pcd(1, 30, null, SamplerOptions.defaults()))
        .optimizer(new Sgd(0.05)).batchSize(20).seed(3L).fusedUpdates(false).build();
    assertTrue(plain.updatePlan().startsWith("gradient"), plain.updatePlan());
    plain.fit(data, 6);
    assertArrayEquals(pcd.params(), distributed(rbm(), NegativePhase.pcd(1, 30, null, SamplerOptions.defaults()), data, 1, 6), 0.0);
  }

  @Test
  void onePartitionWithPersistentChainsEqualsSingleMachineTrainingWhereTheUpdateIsThePlainGradient() {
    // A Boltzmann machine written with loops: the single-machine update is the plain gradient, so the
    // driver's chains draw exactly what Trainer's chains draw.
    Dataset data = data();
    EnergyModel local = FullyVisibleBmModel.builder().units(9).seed(5L).build();
    Trainer trainer = Trainer.builder(local).negativePhase(NegativePhase.pcd(1, 30, null, SamplerOptions.defaults()))
        .optimizer(new Sgd(0.05)).batchSize(20).seed(3L).build();
    assertTrue(trainer.updatePlan().startsWith("gradient"), trainer.updatePlan());
    trainer.fit(data, 5);
    EnergyModel spread = FullyVisibleBmModel.builder().units(9).seed(5L).build();
    assertArrayEquals(local.params(), distributed(spread, NegativePhase.pcd(1, 30, null, SamplerOptions.defaults()), data, 1, 5), 0.0);
  }

  @Test
  void partitionsChangeOnlyTheOrderOfTheSum() {
    Dataset data = data();
    double[] one = distributed(rbm(), NegativePhase.exact(), data, 1, 6);
    for (int p : new int[] {2, 5}) {
      double[] many = distributed(rbm(), NegativePhase.exact(), data, p, 6);
      for (int k = 0; k < one.length; k++) {
        assertEquals(one[k], many[k], 1e-12 * Math.max(1, Math.abs(one[k])), p + " partitions, θ[" + k + "]");
      }
    }
    // Persistent chains live on the driver: partitions leave them as they are.
    double[] pcdOne = distributed(rbm(), NegativePhase.pcd(1, 30, null, SamplerOptions.defaults()), data, 1, 4);
    double[] pcdThree = distributed(rbm(), NegativePhase.pcd(1, 30, null, SamplerOptions.defaults()), data, 3, 4);
    assertArrayEquals(pcdOne, pcdThree, 1e-10);
  }

  @Test
  void trainingWithPersistentChainsLearnsAsMuchAsOnOneMachine() {
    Dataset data = data();
    Dataset test = BarsAndStripes.generate(3);
    EnergyModel model = rbm();
    Trainer evaluator = Trainer.builder(model).build();
    double before = evaluator.exactLogLikelihood(test);
    List<Double> pll = new java.util.ArrayList<>();
    DistributedTrainer t = DistributedTrainer.builder(sc, model).negativePhase(NegativePhase.pcd(1, 50, null, SamplerOptions.defaults()))
        .optimizer(new Adam(0.05)).batchSize(14).seed(1L).listener(m -> pll.add(m.pseudoLogLikelihood())).build();
    List<EpochMetrics> history = t.fit(SparkData.of(sc, data, 2), 60);
    assertEquals(60, history.size());
    assertEquals(60, t.epoch());
    assertTrue(history.stream().allMatch(m -> Double.isFinite(m.pseudoLogLikelihood()) && m.gradientNorm() > 0), history::toString);
    double after = evaluator.exactLogLikelihood(test);
    // The same run on one machine (whose combined update draws its chains from other streams).
    EnergyModel single = rbm();
    Trainer trainer = Trainer.builder(single).negativePhase(NegativePhase.pcd(1, 50, null, SamplerOptions.defaults()))
        .optimizer(new Adam(0.05)).batchSize(14).seed(1L).build();
    trainer.fit(data, 60);
    double alone = trainer.exactLogLikelihood(test);
    assertTrue(after > before + 0.5, "exact log-likelihood " + before + " -> " + after);
    assertEquals(alone, after, 0.5, "one machine " + alone + ", Spark " + after);
  }

  static EnergyModel averaged(NegativePhase negative, int every, int... epochs) {
    EnergyModel m = rbm();
    DistributedTrainer t = DistributedTrainer.builder(sc, m).negativePhase(negative).optimizer(new Adam(0.05)).batchSize(7).seed(2L)
        .averageEvery(every).build();
    SparkData spread = SparkData.of(sc, data(), 2);
    for (int e : epochs) {
      List<EpochMetrics> h = t.fit(spread, e);
      assertTrue(h.stream().allMatch(x -> x.gradientNorm() > 0 && Double.isFinite(x.pseudoLogLikelihood())), h::toString);
    }
    return m;
  }

  @Test
  void parameterAveragingLearns() {
    Dataset test = BarsAndStripes.generate(3);
    double before = Trainer.builder(rbm()).build().exactLogLikelihood(test);
    // 40 epochs of 3 rounds of 2 local steps on each of 2 partitions: 240 updates each (about -5.70).
    double after = Trainer.builder(averaged(NegativePhase.exact(), 2, 40)).build().exactLogLikelihood(test);
    assertTrue(after > before + 0.3, "exact log-likelihood " + before + " -> " + after);
  }

  @Test
  void parameterAveragingCarriesEachPartitionsTrainerAcrossCalls() {
    NegativePhase pcd = NegativePhase.pcd(1, 20, null, SamplerOptions.defaults());
    double[] once = averaged(pcd, 3, 12).params();
    double[] split = averaged(NegativePhase.pcd(1, 20, null, SamplerOptions.defaults()), 3, 5, 12).params();
    // The partitions' optimizers, chains and orders live in the cached RDD between fit calls.
    assertArrayEquals(once, split, 0.0);
    double[] other = averaged(NegativePhase.pcd(1, 20, null, SamplerOptions.defaults()), 3, 11).params();
    assertTrue(!java.util.Arrays.equals(once, other));
    var e = assertThrows(IllegalStateException.class,
        () -> DistributedTrainer.builder(sc, rbm()).averageEvery(3).build().step(SparkData.of(sc, data(), 2), new int[] {0, 1}));
    assertTrue(e.getMessage().contains("use fit"), e.getMessage());
  }

  @Test
  void refusesWhatItCannotDo() {
    Dataset data = data();
    var cd = assertThrows(IllegalArgumentException.class,
        () -> DistributedTrainer.builder(sc, rbm()).negativePhase(NegativePhase.cd(1, null, SamplerOptions.defaults())).build());
    assertTrue(cd.getMessage().contains("use pcd:K"), cd.getMessage());
    EnergyModel wide = RbmModel.builder().visible(10).hidden(2).build();
    var width = assertThrows(IllegalArgumentException.class,
        () -> DistributedTrainer.builder(sc, wide).build().fit(SparkData.of(sc, data, 2), 1));
    assertTrue(width.getMessage().contains("9 values per example") && width.getMessage().contains("10 visible units"), width.getMessage());
    double[] v = data.values().clone();
    v[9 * 40 + 4] = 0.5;
    var value = assertThrows(IllegalArgumentException.class,
        () -> DistributedTrainer.builder(sc, rbm()).build().fit(SparkData.of(sc, new Dataset("bad", data.size(), 9, v), 3), 1));
    assertTrue(value.getMessage().contains("bad") && value.getMessage().contains("0.5"), value.getMessage());
  }

  @Test
  void csvAndParquetReadBySparkGiveTheExamplesInOrder(@TempDir Path dir) throws Exception {
    Dataset data = data();
    StringBuilder csv = new StringBuilder();
    for (int r = 0; r < data.size(); r++) {
      for (int k = 0; k < data.width(); k++) {
        csv.append(k == 0 ? "" : ",").append((int) data.values()[r * data.width() + k]);
      }
      csv.append('\n');
    }
    Path file = dir.resolve("bs.csv");
    Files.writeString(file, csv);
    SparkData fromCsv = SparkData.csv(spark, file.toString());
    assertEquals(data.size(), fromCsv.size());
    assertEquals(9, fromCsv.width());
    int[] some = {44, 0, 3, 17};
    Dataset picked = fromCsv.collect(some);
    for (int k = 0; k < some.length; k++) {
      assertArrayEquals(java.util.Arrays.copyOfRange(data.values(), some[k] * 9, some[k] * 9 + 9),
          java.util.Arrays.copyOfRange(picked.values(), k * 9, k * 9 + 9), 0.0, "example " + some[k]);
    }
    // Parquet with a weight column.
    StructType schema = new StructType().add("a", DataTypes.IntegerType).add("b", DataTypes.DoubleType).add("weight", DataTypes.DoubleType);
    List<Row> rows = List.of(RowFactory.create(1, 0.0, 2.0), RowFactory.create(0, 1.0, 0.5), RowFactory.create(1, 1.0, 1.0));
    String parquet = dir.resolve("w.parquet").toString();
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(parquet);
    SparkData weighted = SparkData.parquet(spark, parquet, "weight");
    assertEquals(2, weighted.width());
    assertTrue(weighted.weighted());
    Dataset all = weighted.collect(new int[] {0, 1, 2});
    assertArrayEquals(new double[] {1, 0, 0, 1, 1, 1}, all.values(), 0.0);
    assertEquals(0.5, all.weight(1), 0.0);
    // A text column is refused by name.
    StructType text = new StructType().add("a", DataTypes.IntegerType).add("label", DataTypes.StringType);
    var e = assertThrows(IllegalArgumentException.class,
        () -> SparkData.fromFrame("labelled", spark.createDataFrame(List.of(RowFactory.create(1, "x")), text), null));
    assertTrue(e.getMessage().contains("column 'label' is string"), e.getMessage());
  }
}
