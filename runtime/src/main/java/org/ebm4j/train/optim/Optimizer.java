package org.ebm4j.train.optim;

/**
 * Updates parameters from the ascent direction g = ∇θ (average log-likelihood), in place. Keeps its
 * own state (momentum, moments) between steps; {@link #state()} and {@link #restore} move that
 * state through checkpoints.
 */
public interface Optimizer {

  /** {@code params} is updated in place; {@code ascent} (same length) is only read. */
  void step(double[] params, double[] ascent);

  /**
   * Where a trainer may add {@code factor · g} straight into {@code buffer}, so that {@link
   * #completeDirect} then finishes exactly the step {@link #step} would take, without g ever being
   * held in an array of its own (for plain SGD the buffer is θ itself: one pass over memory instead
   * of several).
   */
  record Direct(double[] buffer, double factor) {}

  /**
   * Prepares a direct step, or returns null when this optimizer needs the gradient itself (Adam).
   * Changes no state when it returns {@code params} as the buffer, so a trainer may still decline it.
   */
  default Direct direct(double[] params) {
    return null;
  }

  /** Finishes a step prepared by {@link #direct} once the gradient has been added to its buffer. */
  default void completeDirect(double[] params) {}

  /** Multiplies the configured learning rate by {@code factor} from the next step on. */
  void setLearningRateFactor(double factor);

  /** The optimizer's state as one array (empty before the first step). */
  double[] state();

  /** Restores a state from {@link #state()}. */
  void restore(double[] state);

  /** A short description with the settings, for logs. */
  String describe();

  /**
   * The settings that build this optimizer again ({@link #of}): its kind ({@code sgd} or {@code
   * adam}), learning rate, momentum (SGD), weight decay, and Adam's β1, β2 and ε.
   */
  record Settings(String kind, double learningRate, double momentum, double weightDecay, double beta1, double beta2, double epsilon) {}

  /** The settings of this optimizer. */
  Settings settings();

  /** The optimizer {@code s} describes. */
  static Optimizer of(Settings s) {
    return switch (s.kind()) {
      case "sgd" -> new Sgd(s.learningRate(), s.momentum(), s.weightDecay());
      case "adam" -> new Adam(s.learningRate(), s.beta1(), s.beta2(), s.epsilon(), s.weightDecay());
      default -> throw new IllegalArgumentException("unknown optimizer '" + s.kind() + "'; use sgd or adam");
    };
  }
}
