package org.ebm4j.model;

/**
 * The latent variables summed out analytically: F(v) = −log Σ_h exp(−E(v, h)), so that log p̃(v) =
 * −F(v).
 *
 * <p>The processor offers it when every latent variable is binary or spin and the energy is proven
 * affine in the latents jointly (no latent–latent terms).
 */
public interface FreeEnergy {

  /** F(v). {@code v} holds the visible part only (length {@code visibleSize()}) and is only read. */
  double freeEnergy(double[] v);

  /**
   * {@code grad += weight · ∇θ log p̃(v)} with log p̃(v) = −F(v): the exact (Rao–Blackwellised)
   * gradient, ∇θ log p̃(v, h) at h = E[h | v]. {@code v} (visible part only) is read; {@code grad} is
   * accumulated into.
   */
  void accumulateMarginalGradient(double[] v, double weight, double[] grad);
}
