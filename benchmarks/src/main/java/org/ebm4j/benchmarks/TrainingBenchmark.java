package org.ebm4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.ebm4j.examples.models.RbmModel;
import org.ebm4j.model.BatchGradients;
import org.ebm4j.model.Batches;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One PCD-1 update of a 784×500 RBM (batch 100, 100 chains, block Gibbs, plain SGD), as an epoch
 * does 600 of them, and its parts: the latents' means of 200 rows, a visible block drawn for 100
 * chains, the batched gradient with per-row weights. Binary data at MNIST's density (13 %).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Thread)
public class TrainingBenchmark {
  /** The number type of the batched products (float32: sgemm; θ stays double). */
  @org.openjdk.jmh.annotations.Param({"float64", "float32"})
  String precision;

  RbmModel model;
  Trainer trainer;
  MiniBatch batch;
  double[] rows;
  double[] scratch;
  double[] weights;
  double[] grad;
  Rng rng;

  @Setup(Level.Trial)
  public void setUp() {
    model = RbmModel.builder().visible(784).hidden(500).seed(1).build();
    trainer = Trainer.builder(model)
        .negativePhase(NegativePhase.pcd(1, 100, "block-gibbs", SamplerOptions.defaults()))
        .optimizer(new Sgd(1e-6))
        .batchSize(100)
        .seed(2)
        .precision(org.ebm4j.model.Precision.parse(precision))
        .build();
    rng = new Rng(3);
    double[] data = new double[100 * 784];
    for (int i = 0; i < data.length; i++) {
      data[i] = rng.nextDouble() < 0.13 ? 1 : 0;
    }
    batch = new MiniBatch(data, 100, 784);
    int width = model.stateSize();
    rows = new double[200 * width];
    scratch = new double[200 * width];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = rng.nextDouble() < 0.13 ? 1 : 0;
    }
    weights = new double[200];
    for (int r = 0; r < 200; r++) {
      weights[r] = r < 100 ? 0.01 : -0.01;
    }
    grad = new double[model.params().length];
    // The parts below run in the benchmark's precision, as inside an update.
    Batches.usePrecision(model, org.ebm4j.model.Precision.parse(precision));
  }

  @Benchmark
  public void pcdUpdate() {
    trainer.update(batch);
  }

  @Benchmark
  public double[] latentMeans() {
    Batches.latentMeans(model, rows, 200, scratch);
    return rows;
  }

  @Benchmark
  public double[] drawVisibleBlock() {
    Batches.drawBlock(model, model.variables().get("v"), rows, 100, scratch, rng);
    return rows;
  }

  @Benchmark
  public double[] weightedGradientBatch() {
    Batches.accumulateGradientBatch(model, rows, 200, weights, grad);
    return grad;
  }
}
