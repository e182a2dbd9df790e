package org.ebm4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.ebm4j.examples.models.TanhEnergyModel;
import org.ebm4j.random.Rng;
import org.ebm4j.train.MiniBatch;
import org.ebm4j.train.Objective;
import org.ebm4j.train.Trainer;
import org.ebm4j.train.optim.Adam;
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
 * Score matching on the tanh energy (examples' {@code TanhEnergy}), a minibatch of 100 rows:
 * the energy of every row (the baseline the "at most 5× the energy" is against), and one
 * training step (gradient and Adam) of each objective. {@code benchmarks/peer/score_matching_torch.py}
 * times the same steps in PyTorch with double backward.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Thread)
public class ScoreMatchingBenchmark {
  /** dim × hidden: the ring's 2 × 32, and a wider 32 × 128. */
  @Param({"2x32", "32x128"})
  String size;

  @Param({"denoising-score-matching:sigma=0.1", "sliced-score-matching", "score-matching"})
  String objective;

  TanhEnergyModel model;
  Trainer trainer;
  MiniBatch batch;
  double[] row;

  @Setup(Level.Trial)
  public void setUp() {
    int dim = Integer.parseInt(size.split("x")[0]);
    int hidden = Integer.parseInt(size.split("x")[1]);
    model = TanhEnergyModel.builder().dim(dim).hidden(hidden).seed(1).build();
    trainer = Trainer.builder(model).objective(Objective.named(objective).orElseThrow()).optimizer(new Adam(1e-6)).batchSize(100).seed(2).build();
    Rng rng = new Rng(3);
    double[] data = new double[100 * dim];
    for (int i = 0; i < data.length; i++) {
      data[i] = rng.nextGaussian();
    }
    batch = new MiniBatch(data, 100, dim);
    row = new double[dim];
  }

  /** E at every row of the minibatch. */
  @Benchmark
  public double energies() {
    double s = 0;
    for (int r = 0; r < 100; r++) {
      batch.row(r, row);
      s += model.energy(row);
    }
    return s;
  }

  /** One update: the objective's gradient over the minibatch, then Adam. */
  @Benchmark
  public void step() {
    trainer.update(batch);
  }
}
