package org.ebm4j.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ebm4j.examples.models.FullyVisibleBmModel;
import org.ebm4j.examples.models.RbmModel;
import org.ebm4j.examples.models.TanhEnergyModel;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Generated gradients against hand-written ones for the same energies and inputs, per state and
 * batched, and each gradient's cost against the energy it differentiates.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class GradientBenchmark {

  /** A 784×500 RBM (MNIST shapes) and 100 binary states with ~13 % visible units on. */
  @State(Scope.Thread)
  public static class Rbm {
    @Param({"500"})
    int hidden;

    int visible = 784;
    RbmModel model;
    double[] states;
    double[] v;
    double[] h;
    double[] grad;
    int rows = 100;

    @Setup(Level.Trial)
    public void setUp() {
      model = RbmModel.builder().visible(784).hidden(hidden).seed(1).build();
      SplittableRandom rng = new SplittableRandom(2);
      states = new double[rows * model.stateSize()];
      for (int r = 0; r < rows; r++) {
        for (int i = 0; i < 784; i++) {
          states[r * model.stateSize() + i] = rng.nextDouble() < 0.13 ? 1 : 0;
        }
        for (int j = 0; j < hidden; j++) {
          states[r * model.stateSize() + 784 + j] = rng.nextDouble() < 0.5 ? 1 : 0;
        }
      }
      grad = new double[model.params().length];
      v = new double[rows * 784];
      h = new double[rows * hidden];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(states, r * model.stateSize(), v, r * 784, 784);
        System.arraycopy(states, r * model.stateSize() + 784, h, r * hidden, hidden);
      }
    }
  }

  @Benchmark
  public double[] rbmGeneratedPerState(Rbm s) {
    double[] x = new double[s.model.stateSize()];
    for (int r = 0; r < s.rows; r++) {
      System.arraycopy(s.states, r * x.length, x, 0, x.length);
      s.model.accumulateGradient(x, 0.01, s.grad);
    }
    return s.grad;
  }

  @Benchmark
  public double[] rbmHandWrittenPerState(Rbm s) {
    double[] x = new double[s.model.stateSize()];
    for (int r = 0; r < s.rows; r++) {
      System.arraycopy(s.states, r * x.length, x, 0, x.length);
      HandWritten.rbmGradient(x, s.visible, s.hidden, 0.01, s.grad);
    }
    return s.grad;
  }

  @Benchmark
  public double[] rbmGeneratedBatched(Rbm s) {
    s.model.accumulateGradientBatch(s.states, s.rows, 0.01, s.grad);
    return s.grad;
  }

  @Benchmark
  public double[] rbmHandWrittenBatched(Rbm s) {
    HandWritten.rbmGradientBatch(s.v, s.h, s.rows, s.visible, s.hidden, 0.01, s.grad);
    return s.grad;
  }

  @Benchmark
  public double rbmGeneratedEnergy(Rbm s) {
    double[] x = new double[s.model.stateSize()];
    double e = 0;
    for (int r = 0; r < s.rows; r++) {
      System.arraycopy(s.states, r * x.length, x, 0, x.length);
      e += s.model.energy(x);
    }
    return e;
  }

  @Benchmark
  public double rbmHandWrittenEnergy(Rbm s) {
    double[] x = new double[s.model.stateSize()];
    double e = 0;
    for (int r = 0; r < s.rows; r++) {
      System.arraycopy(s.states, r * x.length, x, 0, x.length);
      e += HandWritten.rbmEnergy(s.model.params(), x, s.visible, s.hidden);
    }
    return e;
  }

  /** A fully visible BM over 100 binary units (written with loops). */
  @State(Scope.Thread)
  public static class Fvbm {
    /** Sizes reach both sides at run time, as they do for a model built for a chosen size. */
    int units = 100;
    FullyVisibleBmModel model;
    double[] x;
    double[] grad;

    @Setup(Level.Trial)
    public void setUp() {
      model = FullyVisibleBmModel.builder().units(100).seed(1).build();
      SplittableRandom rng = new SplittableRandom(3);
      x = new double[100];
      for (int i = 0; i < 100; i++) {
        x[i] = rng.nextInt(2);
      }
      grad = new double[model.params().length];
    }
  }

  @Benchmark
  public double[] fvbmGenerated(Fvbm s) {
    s.model.accumulateGradient(s.x, 0.01, s.grad);
    return s.grad;
  }

  @Benchmark
  public double[] fvbmHandWritten(Fvbm s) {
    HandWritten.fvbmGradient(s.x, s.units, 0.01, s.grad);
    return s.grad;
  }

  @Benchmark
  public double fvbmEnergy(Fvbm s) {
    return s.model.energy(s.x);
  }

  /** The real-valued tanh energy, 64 dimensions, 128 hidden. */
  @State(Scope.Thread)
  public static class Tanh {
    int dim = 64;
    int hidden = 128;
    int rows = 100;
    TanhEnergyModel model;
    double[] x;
    double[] xs;
    double[] grad;
    double[] preBatch;
    double[] dzBatch;
    double[] pre = new double[128];

    @Setup(Level.Trial)
    public void setUp() {
      model = TanhEnergyModel.builder().dim(64).hidden(128).seed(1).build();
      SplittableRandom rng = new SplittableRandom(4);
      x = new double[64];
      for (int i = 0; i < 64; i++) {
        x[i] = rng.nextGaussian();
      }
      grad = new double[model.params().length];
      xs = new double[rows * 64];
      for (int i = 0; i < xs.length; i++) {
        xs[i] = rng.nextGaussian();
      }
      preBatch = new double[rows * 128];
      dzBatch = new double[rows * 128];
    }
  }

  @Benchmark
  public double[] tanhGeneratedBatched(Tanh s) {
    s.model.accumulateGradientBatch(s.xs, s.rows, 0.01, s.grad);
    return s.grad;
  }

  @Benchmark
  public double[] tanhHandWrittenBatched(Tanh s) {
    HandWritten.tanhGradientBatch(s.model.params(), s.xs, s.rows, s.dim, s.hidden, 0.01, s.grad, s.preBatch, s.dzBatch);
    return s.grad;
  }

  @Benchmark
  public double[] tanhGenerated(Tanh s) {
    s.model.accumulateGradient(s.x, 0.01, s.grad);
    return s.grad;
  }

  @Benchmark
  public double[] tanhHandWritten(Tanh s) {
    HandWritten.tanhGradient(s.model.params(), s.x, s.dim, s.hidden, 0.01, s.grad, s.pre);
    return s.grad;
  }

  @Benchmark
  public double tanhEnergy(Tanh s) {
    return s.model.energy(s.x);
  }
}
