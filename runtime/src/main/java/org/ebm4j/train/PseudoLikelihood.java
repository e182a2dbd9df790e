package org.ebm4j.train;

import java.util.random.RandomGenerator;
import org.ebm4j.model.EnergyModel;

/**
 * Pseudo-likelihood (Besag 1975): Σ_i log p(v_i | v_−i) over the discrete visible units, which
 * needs no partition function and no sampling. With a_i = log p̃(flip_i v) − log p̃(v) each term is
 * −softplus(a_i), so its exact gradient is σ(a_i)(∇θ log p̃(v) − ∇θ log p̃(flip_i v)): one model
 * evaluation per site and one batched gradient for the minibatch ({@link SiteFlips}). Latents are
 * summed out by the model's free energy (an RBM's visibles); models whose latents cannot be summed
 * out are refused.
 *
 * <p>With {@code sites = K > 0} each example contributes K sites drawn without replacement, scaled
 * by d / K: an unbiased estimate for models with many visible units.
 */
public final class PseudoLikelihood implements Objective {
  static final String NAME = "pseudo-likelihood";
  private final SiteFlips flips;

  PseudoLikelihood(int sites) {
    this.flips = new SiteFlips(NAME, sites, a -> 1 / (1 + Math.exp(-a)));
  }

  /** Sites per example; 0 is every visible unit. */
  public int sites() {
    return flips.sites();
  }

  /** The spec {@link #parse} reads back: {@code pseudo-likelihood} or {@code pseudo-likelihood:sites=K}. */
  @Override
  public String spec() {
    return flips.spec();
  }

  /** Parses {@code pseudo-likelihood[:sites=K]}. */
  public static PseudoLikelihood parse(String spec) {
    return new PseudoLikelihood(SiteFlips.parseSites(NAME, spec));
  }

  @Override
  public void accumulate(EnergyModel model, MiniBatch batch, double[] grad, RandomGenerator rng) {
    flips.accumulate(model, batch, grad, rng);
  }

  @Override
  public boolean acceptsWeights() {
    return true;
  }

  @Override
  public String describe() {
    return flips.describe();
  }
}
