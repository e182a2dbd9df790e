package org.ebm4j.train;

import org.ebm4j.model.BatchGradients;
import org.ebm4j.model.Batches;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.FreeEnergy;

/**
 * Visible rows with a weight each, and Σ_r w_r ∇θ log p̃(v_r) with the latents summed out by the
 * model's free energy, through one batched gradient where the model offers one: the common last
 * step of the objectives that need no negative phase.
 */
final class WeightedRows {
  private final EnergyModel model;
  private final FreeEnergy free;
  double[] states = new double[0];
  double[] weights = new double[0];
  private double[] scratch = new double[0];

  WeightedRows(EnergyModel model) {
    this.model = model;
    this.free = model.capability(FreeEnergy.class).orElse(null);
  }

  EnergyModel model() {
    return model;
  }

  /** Room for {@code rows} states (row stride {@code stateSize()}, visibles first). */
  void ensure(int rows) {
    int width = model.stateSize();
    if (states.length < rows * width) {
      states = new double[rows * width];
      scratch = new double[rows * width];
    }
    if (weights.length < rows) {
      weights = new double[rows];
    }
  }

  /**
   * {@code out[r]} = log p̃ of the visible part of state row r, latents summed out, for the first
   * {@code rows} states (their latent parts are overwritten): all rows at once where {@link
   * Batches#logMarginalsSupported} holds, else row by row through the free energy.
   */
  void logPTildeBatch(int rows, double[] out) {
    if (Batches.logMarginalsSupported(model)) {
      Batches.logMarginals(model, states, rows, scratch, out);
      return;
    }
    int width = model.stateSize();
    double[] v = new double[model.visibleSize()];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(states, r * width, v, 0, v.length);
      out[r] = logPTilde(v);
    }
  }

  /** Refuses a model whose latents cannot be summed out, for the objective {@code name}. */
  static void requireMarginal(EnergyModel model, String name) {
    if (model.latentSize() > 0 && model.capability(FreeEnergy.class).isEmpty()) {
      throw new IllegalArgumentException(name + " needs log p~(v) with the latents summed out; the processor proved no free energy for "
          + model.getClass().getSimpleName() + " (its latents interact): use maximum likelihood with --positive meanfield");
    }
  }

  /** log p̃(v), latents summed out; {@code v} holds the visible part. */
  double logPTilde(double[] v) {
    return free != null ? -free.freeEnergy(v) : -model.energy(v);
  }

  /** {@code grad += Σ_r weights[r] ∇θ log p̃(v_r)} over the first {@code rows} states. */
  void accumulateGradient(int rows, double[] grad) {
    var batched = model.capability(BatchGradients.class);
    if (batched.isPresent()) {
      if (model.latentSize() > 0) {
        Batches.latentMeans(model, states, rows, scratch);
      }
      batched.get().accumulateGradientBatch(states, rows, weights, grad);
      return;
    }
    int width = model.stateSize();
    double[] x = new double[width];
    double[] v = new double[model.visibleSize()];
    for (int r = 0; r < rows; r++) {
      if (free != null) {
        System.arraycopy(states, r * width, v, 0, v.length);
        free.accumulateMarginalGradient(v, weights[r], grad);
      } else {
        System.arraycopy(states, r * width, x, 0, width);
        model.accumulateGradient(x, weights[r], grad);
      }
    }
  }
}
