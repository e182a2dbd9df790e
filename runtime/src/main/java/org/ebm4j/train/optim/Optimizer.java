package org.ebm4j.train.optim;

/**
 * Updates parameters from the ascent direction g = ∇θ (average log-likelihood), in place. Keeps its
 * own state (momentum, moments) between steps.
 */
public interface Optimizer {

  /** {@code params} is updated in place; {@code ascent} (same length) is only read. */
  void step(double[] params, double[] ascent);

  /** A short description with the settings, for logs. */
  String describe();
}
