package org.ebm4j.model;

/**
 * {@link BatchGradients} in float32: the same generated programs lowered for float arrays, so that
 * matrix products run as sgemm (twice the multiply-adds per cycle of dgemm, half the memory
 * traffic). θ stays double in the model; the members read a float copy that {@link
 * #loadFloatParams} refreshes, and gradients come out in float for the caller to add into double.
 */
public interface FloatBatchGradients {

  /** Copies θ into the float copy the members read: call after θ changes, before the members. */
  void loadFloatParams();

  /**
   * The float copy of θ that the members read, live: float32 training steps it in place between
   * updates (see {@link Batches#stepFloatParams}) instead of converting θ after every step.
   */
  float[] floatParams();

  /**
   * {@code grad += Σ_r weights[r] · ∇θ log p̃(x_r)} for rows of {@code xs} (row stride {@code
   * stateSize()}); {@code grad} has the parameters' length.
   */
  void accumulateGradientBatch(float[] xs, int rows, float[] weights, float[] grad);

  /**
   * For every row, overwrites the entries of {@code variable} in {@code gxs} (same layout as {@code
   * xs}, a different array) with ∂E/∂x of that variable at the row's state.
   */
  void energyGradientBatch(String variable, float[] xs, int rows, float[] gxs);
}
