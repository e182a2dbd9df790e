package org.ebm4j.train;

import org.ebm4j.model.BatchGradients;

/**
 * A change of parameters used only while training (centering is one): the step is computed in the
 * new parameters and applied to the plain ones, so {@code params()}, checkpoints and exports never
 * see it. {@link #NONE} is the identity, so the update plans need no special case for it.
 */
interface Reparameterisation {
  /** Sets its state from the training data's column means, at the start of a fresh run. */
  void initialize(double[] dataMeans);

  /** Turns a plain ascent direction into the plain-parameter step of the reparameterised update (in place). */
  void transform(double[] grad);

  /** Moves its state from a minibatch, state by state (after a step from {@link #transform}). */
  void updateOffsets(MiniBatch batch);

  /** Whether an optimizer may add a gradient straight into its buffer without {@link #transform}. */
  boolean allowsDirectSteps();

  /** Whether {@link #accumulateShifted} can take the whole step on shifted states. */
  boolean shiftable();

  /** Records the means of the first {@code b} rows of states whose latents hold their conditional means. */
  void measure(double[] states, int b);

  /** Moves its state towards the means of the last {@link #measure}. */
  void moveOffsets();

  /** {@code buffer +=} the reparameterised step of weighted rows, shifting {@code states} in place. */
  void accumulateShifted(BatchGradients gradients, double[] states, int rows, double[] weights, double[] buffer);

  /** Its state, for checkpoints. */
  void save(Checkpoint c);

  /** Its state from a checkpoint. */
  void restore(Checkpoint c);

  /** The identity. */
  Reparameterisation NONE = new Reparameterisation() {
    @Override
    public void initialize(double[] dataMeans) {}

    @Override
    public void transform(double[] grad) {}

    @Override
    public void updateOffsets(MiniBatch batch) {}

    @Override
    public boolean allowsDirectSteps() {
      return true;
    }

    @Override
    public boolean shiftable() {
      return false;
    }

    @Override
    public void measure(double[] states, int b) {}

    @Override
    public void moveOffsets() {}

    @Override
    public void accumulateShifted(BatchGradients gradients, double[] states, int rows, double[] weights, double[] buffer) {
      throw new UnsupportedOperationException("the identity shifts nothing");
    }

    @Override
    public void save(Checkpoint c) {}

    @Override
    public void restore(Checkpoint c) {}
  };
}
