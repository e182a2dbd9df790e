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
   * If the next {@link #step} is exactly θ += s·g with no state, returns s, so that a trainer may add
   * the scaled gradient to θ directly (one pass over memory instead of three); else NaN.
   */
  default double linearStepSize() {
    return Double.NaN;
  }

  /** Multiplies the configured learning rate by {@code factor} from the next step on. */
  void setLearningRateFactor(double factor);

  /** The optimizer's state as one array (empty before the first step). */
  double[] state();

  /** Restores a state from {@link #state()}. */
  void restore(double[] state);

  /** A short description with the settings, for logs. */
  String describe();
}
