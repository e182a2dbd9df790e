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
 * chains, the batched gradient with per-row weights; and the update's matrix products alone, its
 * floor. Binary data at MNIST's density (13 %).
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

  float[][] floats;
  double[][] doubles;

  /**
   * The floor of {@link #pcdUpdate}: only the products an update does (the chains' visible fields
   * from their 100 hidden rows, the hidden fields of 200 data and chain rows, the weight gradient
   * over those 200 rows: five 100×784×500 products), through the same BLAS in the same precision.
   */
  @Benchmark
  public Object productsOfAnUpdate() {
    int v = 784;
    int h = 500;
    if (precision.equals("float32")) {
      if (floats == null) {
        floats = new float[][] {new float[v * h], new float[200 * v], new float[200 * h], new float[100 * v], new float[200 * h], new float[v * h]};
        fill(floats);
      }
      float[][] f = floats;
      org.ebm4j.kernel.Blas.gemm(false, true, 100, v, h, 1.0, f[2], 0, h, f[0], 0, h, 0.0, f[3], 0, v);
      org.ebm4j.kernel.Blas.gemm(false, false, 200, h, v, 1.0, f[1], 0, v, f[0], 0, h, 0.0, f[4], 0, h);
      org.ebm4j.kernel.Blas.gemm(true, false, v, h, 200, 1e-6, f[1], 0, v, f[2], 0, h, 1.0, f[5], 0, h);
      return f;
    }
    if (doubles == null) {
      doubles = new double[][] {new double[v * h], new double[200 * v], new double[200 * h], new double[100 * v], new double[200 * h], new double[v * h]};
      for (double[] a : doubles) {
        for (int k = 0; k < a.length; k++) {
          a[k] = binary();
        }
      }
    }
    double[][] d = doubles;
    org.ebm4j.kernel.Blas.gemm(false, true, 100, v, h, 1.0, d[2], 0, h, d[0], 0, h, 0.0, d[3], 0, v);
    org.ebm4j.kernel.Blas.gemm(false, false, 200, h, v, 1.0, d[1], 0, v, d[0], 0, h, 0.0, d[4], 0, h);
    org.ebm4j.kernel.Blas.gemm(true, false, v, h, 200, 1e-6, d[1], 0, v, d[2], 0, h, 1.0, d[5], 0, h);
    return d;
  }

  private void fill(float[][] arrays) {
    for (float[] a : arrays) {
      for (int k = 0; k < a.length; k++) {
        a[k] = (float) binary();
      }
    }
  }

  /** A unit at MNIST's density. */
  private double binary() {
    return rng.nextDouble() < 0.13 ? 1 : 0;
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
