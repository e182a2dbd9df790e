package org.ebm4j.model;

/**
 * Gradients of many states at once, so that matrix products run as matrix–matrix work (BLAS)
 * instead of one matrix–vector product per state. States are rows of one row-major array of
 * {@code rows × stateSize()} values.
 */
public interface BatchGradients {

  /** {@code grad += weight · Σ_r ∇θ log p̃(x_r)}. {@code xs} is only read. */
  void accumulateGradientBatch(double[] xs, int rows, double weight, double[] grad);

  /**
   * {@code grad += Σ_r weights[r] · ∇θ log p̃(x_r)}: data and model samples in one pass, with
   * positive and negative weights. {@code xs} and {@code weights} are only read.
   */
  void accumulateGradientBatch(double[] xs, int rows, double[] weights, double[] grad);

  /**
   * Whether {@link #accumulateGradientBatch} may be handed the parameter array itself as {@code
   * grad}, adding the weighted gradient to θ in place (a fused SGD step). True when the reverse
   * sweep reads no parameter, which the processor checks.
   */
  default boolean gradientMayAliasParams() {
    return false;
  }

  /**
   * For every row, overwrites the entries of {@code variable} in {@code gxs} (same layout as {@code
   * xs}, a different array) with ∂E/∂x of that variable at the row's state; other entries are left
   * alone.
   */
  void energyGradientBatch(String variable, double[] xs, int rows, double[] gxs);
}
