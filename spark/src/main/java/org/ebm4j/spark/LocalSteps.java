package org.ebm4j.spark;

import java.io.Serializable;
import org.ebm4j.data.Dataset;
import org.ebm4j.model.Batches;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.random.Rng;
import org.ebm4j.sampling.SamplerOptions;
import org.ebm4j.train.Checkpoint;
import org.ebm4j.train.MiniBatch;
import org.ebm4j.train.NegativePhase;
import org.ebm4j.train.Trainer;
import org.ebm4j.train.optim.Optimizer;

/**
 * One partition's part of training with parameter averaging: its block of rows, and a
 * single-machine {@link Trainer}'s state (optimizer moments, its own persistent chains, generator)
 * carried from round to round inside the cached RDD, so nothing but θ crosses the network.
 */
record LocalSteps(SparkData.Block block, Settings settings, Checkpoint state, long[] orderRng, int[] order, int cursor) implements Serializable {
  /** What every partition's trainer is built from (records of the runtime are not serializable). */
  record Settings(String negative, String sampler, int chains, String samplerOptions, String optimizer, double learningRate,
      double momentum, double weightDecay, double beta1, double beta2, double epsilon, int batch, long seed) implements Serializable {
    static Settings of(NegativePhase n, Optimizer o, int batch, long seed) {
      Optimizer.Settings s = o.settings();
      return new Settings(n.settings().spec(), n.settings().sampler(), n.settings().chains(), n.settings().options().spec(),
          s.kind(), s.learningRate(), s.momentum(), s.weightDecay(), s.beta1(), s.beta2(), s.epsilon(), batch, seed);
    }

    Trainer trainer(EnergyModel model, long partitionSeed) {
      return Trainer.builder(model)
          .negativePhase(NegativePhase.parse(negative, sampler, chains, SamplerOptions.parse(samplerOptions)))
          .optimizer(Optimizer.of(new Optimizer.Settings(optimizer, learningRate, momentum, weightDecay, beta1, beta2, epsilon)))
          .batchSize(batch).seed(partitionSeed).build();
    }
  }

  static LocalSteps start(SparkData.Block block, Settings settings) {
    return new LocalSteps(block, settings, null, null, null, 0);
  }

  /** {@code k} local updates from θ; returns the next state, whose checkpoint holds the local θ. */
  LocalSteps run(ModelSnapshot theta, int k) {
    EnergyModel model = theta.build();
    long partitionSeed = Rng.stream(settings.seed(), block.first()).nextLong();
    Trainer trainer = settings.trainer(model, partitionSeed);
    if (state != null) {
      trainer.restore(state);
      System.arraycopy(theta.params(), 0, model.params(), 0, theta.params().length);
      Batches.paramsChanged(model);
    }
    Dataset rows = block.all();
    Rng shuffler = orderRng == null ? Rng.stream(partitionSeed, 1) : Rng.fromState(orderRng);
    int[] o = order == null ? rows.shuffledOrder(shuffler) : order;
    int at = cursor;
    int batch = Math.min(settings.batch(), rows.size());
    for (int step = 0; step < k; step++) {
      if (at + batch > o.length) {
        o = rows.shuffledOrder(shuffler);
        at = 0;
      }
      trainer.update(MiniBatch.of(rows, o, at, at + batch));
      at += batch;
    }
    return new LocalSteps(block, settings, trainer.checkpoint(), shuffler.state(), o, at);
  }

  double[] params() {
    return state.array("params");
  }
}
