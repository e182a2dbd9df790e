package org.ebm4j.sampling;

import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A Markov chain transition that leaves a model's distribution invariant, applied to many chains
 * at once. A sampler belongs to one model (or tempered view) and is not thread-safe.
 */
public interface Sampler {

  /** Advances every chain by {@code sweeps} sweeps (each touches every unit about once). */
  void sweep(Chains chains, int sweeps, RandomGenerator rng);

  /**
   * Like {@link #sweep}, but leaves the final draw of the latent variables to the caller, who draws
   * them from the conditional means E[h | v] it computes for a gradient anyway (one matrix product
   * per update saved). Returns false, having done nothing, when this sampler cannot: then call
   * {@link #sweep}.
   */
  default boolean sweepDeferringLatents(Chains chains, int sweeps, RandomGenerator rng) {
    return false;
  }

  /** The provider's name, e.g. {@code block-gibbs}. */
  String name();

  /**
   * Running statistics since creation, e.g. {@code acceptance} for Metropolis-type samplers or
   * {@code swap[0-1]} for tempering. Empty when there are none.
   */
  default Map<String, Double> statistics() {
    return Map.of();
  }

  /** State the sampler keeps between sweeps besides the chains (for checkpoints); empty if none. */
  default double[] internalState() {
    return new double[0];
  }

  /** Restores {@link #internalState()}. */
  default void restoreInternalState(double[] state) {
    if (state.length != 0) {
      throw new IllegalArgumentException(name() + " keeps no internal state");
    }
  }
}
