package org.ebm4j.model;

import java.util.Optional;

/**
 * A compiled energy-based model p(x; θ) = exp(−E(x; θ)) / Z(θ), as the ebm4j processor generates it.
 *
 * <p>A state {@code x} is one flat {@code double[]}: all visible variables, then all latent ones,
 * in declaration order (see {@link #variables()}). The parameters θ are one flat {@code double[]}
 * ({@link #params()}), matrices row-major, described by {@link #layout()}.
 *
 * <p>Generated models keep scratch arrays per instance: an instance is not thread-safe. Use one
 * instance per thread; they may share a parameter array through {@link #params()} copies.
 */
public interface EnergyModel {

  /** The live parameter vector θ: writes to it change the model; nothing derived is cached. */
  double[] params();

  /** Name, offset and shape of each parameter within {@link #params()}. */
  ParamLayout layout();

  /** Names, domains, offsets and sizes of the variables within a state {@code x}. */
  Variables variables();

  /** Number of visible units, which come first in a state. */
  default int visibleSize() {
    return variables().visibleSize();
  }

  /** Number of latent units, which follow the visible ones in a state. */
  default int latentSize() {
    return variables().latentSize();
  }

  /** Length of a full state: {@code visibleSize() + latentSize()}. */
  default int stateSize() {
    return variables().size();
  }

  /** E(x; θ). {@code x} (length {@link #stateSize()}) is only read. */
  double energy(double[] x);

  /** log p̃(x; θ) = −E(x; θ). {@code x} is only read. */
  default double logPTilde(double[] x) {
    return -energy(x);
  }

  /**
   * {@code grad += weight · ∇θ log p̃(x; θ)}. {@code x} is only read; {@code grad} (length {@code
   * params().length}) is accumulated into.
   */
  void accumulateGradient(double[] x, double weight, double[] grad);

  /**
   * {@code out = ∇x log p̃(x; θ)}. {@code out} (length {@link #stateSize()}) is overwritten. Entries of
   * {@code @Binary} and {@code @Spin} units hold the derivative of the energy's formula extended to
   * real values: for {@code @Real} units it is the score that Langevin and HMC need.
   */
  void inputGradient(double[] x, double[] out);

  /**
   * Structure the processor proved for this model ({@link FreeEnergy}, {@link BlockConditionals},
   * {@link SiteConditionals}), or empty when it could not prove it.
   */
  default <T> Optional<T> capability(Class<T> type) {
    return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
  }

  /** A short text of the variables, the parameter count and the structure found. */
  String describe();
}
