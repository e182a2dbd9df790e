package org.ebm4j.spark;

import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.ebm4j.data.Dataset;
import org.ebm4j.examples.models.RbmModel;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.random.Rng;
import org.ebm4j.sampling.SamplerOptions;
import org.ebm4j.train.MiniBatch;
import org.ebm4j.train.NegativePhase;
import org.ebm4j.train.Trainer;
import org.ebm4j.train.optim.Sgd;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One PCD-1 update of a 784×500 RBM (100 persistent chains): single-machine {@code Trainer.update}
 * against {@code DistributedTrainer.step} on the same machine in Spark local mode, for growing
 * minibatches. The difference is the distributed path's per-step overhead (a Spark job, the θ
 * broadcast, one gradient collected per partition).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+IgnoreUnrecognizedVMOptions", "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
    "--add-opens=java.base/sun.security.action=ALL-UNNAMED", "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class SparkStepBenchmark {
  @Param({"100", "1000", "10000"})
  int batch;

  @Param({"2"})
  int partitions;

  JavaSparkContext sc;
  Dataset data;
  SparkData spread;
  Trainer single;
  DistributedTrainer distributed;
  int[] order;
  int[] examples;

  @Setup(Level.Trial)
  public void setUp() {
    sc = new JavaSparkContext(Spark.localConf(partitions, "ebm4j-step-benchmark"));
    sc.setLogLevel("ERROR");
    int rows = 20_000;
    double[] v = new double[rows * 784];
    Rng rng = new Rng(1);
    for (int k = 0; k < v.length; k++) {
      v[k] = rng.nextDouble() < 0.13 ? 1 : 0; // about MNIST's share of lit pixels
    }
    data = new Dataset("random binary", rows, 784, v);
    spread = SparkData.of(sc, data, partitions);
    EnergyModel a = RbmModel.builder().visible(784).hidden(500).seed(1L).build();
    EnergyModel b = RbmModel.builder().visible(784).hidden(500).seed(1L).build();
    single = Trainer.builder(a).negativePhase(NegativePhase.pcd(1, 100, null, SamplerOptions.defaults())).optimizer(new Sgd(0.01)).batchSize(batch).build();
    distributed = DistributedTrainer.builder(sc, b).negativePhase(NegativePhase.pcd(1, 100, null, SamplerOptions.defaults()))
        .optimizer(new Sgd(0.01)).batchSize(batch).build();
    order = Dataset.shuffledOrder(rows, new Rng(2));
    examples = java.util.Arrays.copyOf(order, batch);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sc.stop();
  }

  @Benchmark
  public void singleMachine() {
    single.update(MiniBatch.of(data, order, 0, batch));
  }

  @Benchmark
  public double sparkLocal() {
    return distributed.step(spread, examples);
  }
}
