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
 * @param precision the number type of the batched products (θ and its updates stay double)
 */
public record TrainingConfig(Objective objective, Optimizer optimizer, int batchSize, long seed, Schedule schedule, double centeringRate, org.ebm4j.model.Precision precision) {
  /** A float64 configuration. */
  public TrainingConfig(Objective objective, Optimizer optimizer, int batchSize, long seed, Schedule schedule, double centeringRate) {
    this(objective, optimizer, batchSize, seed, schedule, centeringRate, org.ebm4j.model.Precision.FLOAT64);
  }

  public TrainingConfig {
    if (objective == null || optimizer == null || schedule == null || precision == null) {
      throw new IllegalArgumentException("a training configuration needs an objective, an optimizer, a schedule and a precision");
    }
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
    if (!(centeringRate >= 0 && centeringRate <= 1)) {
      throw new IllegalArgumentException("centering rate must be in [0, 1], got " + centeringRate);
    }
  }

  /**
   * Writes the settings into a checkpoint, under the keys {@link #restore} reads (the same keys the
   * command line has always used, so older checkpoints restore too).
   */
  public void save(Checkpoint c) {
    c.put("objective", objective.spec());
    if (objective instanceof MaximumLikelihood ml) {
      NegativePhase.Settings n = ml.negativePhase().settings();
      c.put("positiveSpec", ml.positivePhase().spec());
      c.put("negativeSpec", n.spec())
          .put("sampler", n.sampler() == null ? "" : n.sampler())
          .put("samplerOptions", n.options().format());
      if (n.chains() > 0) {
        c.put("chains", n.chains());
      }
    }
    Optimizer.Settings o = optimizer.settings();
    c.put("optimizerKind", o.kind())
        .put("lr", o.learningRate())
        .put("momentum", o.momentum())
        .put("weightDecay", o.weightDecay())
        .put("beta1", o.beta1())
        .put("beta2", o.beta2())
        .put("epsilon", o.epsilon())
        .put("schedule", schedule.spec())
        .put("batch", batchSize)
        .put("centering", centeringRate)
        .put("precision", precision.spelling())
        .put("seed", seed);
  }

  /**
   * The configuration a checkpoint was trained with.
   *
   * @throws IllegalArgumentException if the run used an objective or schedule of its own, which
   *     only its code can rebuild, or the checkpoint holds no settings
   */
  public static TrainingConfig restore(Checkpoint c) {
    String objective = c.get("objective", "maximum-likelihood");
    java.util.Optional<Objective> named = Objective.named(objective);
    if (!objective.equals("maximum-likelihood") && named.isEmpty()) {
      throw new IllegalArgumentException("the checkpoint was trained with the objective '" + objective + "', which only its own code can rebuild");
    }
    String spec = c.get("schedule", "constant");
    if (spec.equals("custom")) {
      throw new IllegalArgumentException("the checkpoint was trained with a schedule of its own, which only its code can rebuild");
    }
    int batch = Integer.parseInt(c.get("batch"));
    String sampler = c.get("sampler", "");
    NegativePhase negative = NegativePhase.parse(c.get("negativeSpec", "exact"), sampler.isEmpty() ? null : sampler,
        Integer.parseInt(c.get("chains", Integer.toString(batch))), org.ebm4j.sampling.SamplerOptions.parse(c.get("samplerOptions", "")));
    Optimizer optimizer = Optimizer.of(new Optimizer.Settings(c.get("optimizerKind", "sgd"), Double.parseDouble(c.get("lr")),
        Double.parseDouble(c.get("momentum", "0")), Double.parseDouble(c.get("weightDecay", "0")),
        Double.parseDouble(c.get("beta1", "0.9")), Double.parseDouble(c.get("beta2", "0.999")), Double.parseDouble(c.get("epsilon", "1e-8"))));
    LatentInference positive = LatentInference.parse(c.get("positiveSpec", "auto"));
    Objective chosen = named.orElseGet(() -> Objective.maximumLikelihood(negative, positive));
    return new TrainingConfig(chosen, optimizer, batch, Long.parseLong(c.get("seed", "0")),
        Schedule.parse(spec), Double.parseDouble(c.get("centering", "0")), org.ebm4j.model.Precision.parse(c.get("precision", "float64")));
  }

  /** One line for logs. */
  public String describe() {
    return objective.describe() + "; " + optimizer.describe() + ", batch " + batchSize + ", seed " + seed
        + (centeringRate > 0 ? ", centering " + centeringRate : "")
        + (precision == org.ebm4j.model.Precision.FLOAT32 ? ", float32 products" : "");
  }
}
