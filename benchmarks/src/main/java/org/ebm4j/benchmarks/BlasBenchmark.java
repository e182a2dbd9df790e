package org.ebm4j.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ebm4j.kernel.Blas;
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
 * The machine's dgemm rate at an RBM step's shape, 100×784 · 784×500 (78.4 MFLOP per call): the
 * yardstick for the share of it a training epoch achieves.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Thread)
public class BlasBenchmark {
  double[] a = new double[100 * 784];
  double[] b = new double[784 * 500];
  double[] c = new double[100 * 500];
  float[] af = new float[100 * 784];
  float[] bf = new float[784 * 500];
  float[] cf = new float[100 * 500];

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom rng = new SplittableRandom(1);
    for (int i = 0; i < a.length; i++) {
      a[i] = rng.nextDouble() < 0.13 ? 1 : 0;
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = rng.nextGaussian();
    }
    for (int i = 0; i < a.length; i++) {
      af[i] = (float) a[i];
    }
    for (int i = 0; i < b.length; i++) {
      bf[i] = (float) b[i];
    }
  }

  /** The same product in float32 (sgemm): the share of the machine's rate float training reaches is read against it. */
  @Benchmark
  public float[] sgemm100x784x500() {
    Blas.gemm(false, false, 100, 500, 784, 1.0, af, 0, 784, bf, 0, 500, 0.0, cf, 0, 500);
    return cf;
  }

  @Benchmark
  public double[] gemm100x784x500() {
    Blas.gemm(false, false, 100, 500, 784, 1.0, a, 0, 784, b, 0, 500, 0.0, c, 0, 500);
    return c;
  }
}
