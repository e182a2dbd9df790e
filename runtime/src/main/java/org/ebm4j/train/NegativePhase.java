package org.ebm4j.train;

import java.util.SplittableRandom;
import org.ebm4j.estimate.Enumeration;
import org.ebm4j.model.EnergyModel;

/**
 * Estimates the negative phase of the log-likelihood gradient, E_{x~model}[∇θ log p̃(x)] = ∇θ log Z.
 */
public interface NegativePhase {

  /** {@code grad += weight ·} the estimate, for the model's current parameters. */
  void accumulate(EnergyModel model, double weight, double[] grad, SplittableRandom rng);

  /** A short description, for logs. */
  String describe();

  /**
   * The exact expectation, by enumerating the cheapest side of a small discrete model.
   *
   * @throws IllegalArgumentException on first use if the model is too large or has no such side
   */
  static NegativePhase exact() {
    return new NegativePhase() {
      private Enumeration plan;
      private EnergyModel planned;

      @Override
      public void accumulate(EnergyModel model, double weight, double[] grad, SplittableRandom rng) {
        if (planned != model) {
          plan = Enumeration.plan(model, true);
          planned = model;
        }
        plan.accumulateModelGradient(weight, grad);
      }

      @Override
      public String describe() {
        return plan == null ? "exact" : "exact (" + plan.describe() + ")";
      }
    };
  }
}
