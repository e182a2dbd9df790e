package org.ebm4j.train;

import org.ebm4j.train.optim.Optimizer;

/**
 * Everything that decides a training run besides the model and the data, in one typed value.
 * {@link Trainer.Builder} makes one with defaults; {@link Trainer#config()} returns it.
 *
 * @param objective what each minibatch contributes to the ascent direction
 * @param optimizer the update rule
 * @param batchSize examples per minibatch
 * @param seed seed of the one generator behind every random choice of the run
 * @param schedule the learning-rate factor per epoch
 * @param centeringRate rate at which centering offsets move per update; 0 is no centering
 */
public record TrainingConfig(Objective objective, Optimizer optimizer, int batchSize, long seed, Schedule schedule, double centeringRate) {
  public TrainingConfig {
    if (objective == null || optimizer == null || schedule == null) {
      throw new IllegalArgumentException("a training configuration needs an objective, an optimizer and a schedule");
    }
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
    if (!(centeringRate >= 0 && centeringRate <= 1)) {
      throw new IllegalArgumentException("centering rate must be in [0, 1], got " + centeringRate);
    }
  }

  /** One line for logs. */
  public String describe() {
    return objective.describe() + "; " + optimizer.describe() + ", batch " + batchSize + ", seed " + seed
        + (centeringRate > 0 ? ", centering " + centeringRate : "");
  }
}
