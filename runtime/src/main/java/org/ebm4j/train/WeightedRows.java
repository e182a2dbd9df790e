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
   * {@code rows} states (their latent parts are overwritten). Where every variable is a discrete
   * block and the gradients are batched, all rows at once: with the latents at 0, E is affine in the
   * visible blocks with a slope that does not depend on them, and each latent block's sum is its
   * fields' log-partition, one batched product per block (log Σ_h exp(−E) = −E(v, 0) + Σ_j A(g_j)).
   * Else row by row through the free energy.
   */
  void logPTildeBatch(int rows, double[] out) {
    int width = model.stateSize();
    var blocks = model.capability(org.ebm4j.model.BlockConditionals.class);
    var batched = model.capability(BatchGradients.class);
    boolean fast = batched.isPresent() && blocks.isPresent() && model.latentSize() > 0
        && model.variables().all().stream().allMatch(x -> x.domain().isDiscrete() && blocks.get().blocks().contains(x.name()));
    if (!fast) {
      double[] v = new double[model.visibleSize()];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(states, r * width, v, 0, v.length);
        out[r] = logPTilde(v);
      }
      return;
    }
    double[] zero = new double[width];
    double e0 = model.energy(zero);
    double[] slope = new double[width];
    for (org.ebm4j.model.Variables.Variable x : model.variables().all()) {
      if (x.visible()) {
        batched.get().energyGradientBatch(x.name(), zero, 1, slope);
      }
    }
    for (int r = 0; r < rows; r++) {
      double e = e0;
      for (org.ebm4j.model.Variables.Variable x : model.variables().all()) {
        int at = r * width + x.offset();
        if (x.visible()) {
          for (int k = 0; k < x.size(); k++) {
            e += slope[x.offset() + k] * states[at + k];
          }
        } else {
          java.util.Arrays.fill(states, at, at + x.size(), 0.0);
        }
      }
      out[r] = -e;
    }
    for (org.ebm4j.model.Variables.Variable h : model.variables().all()) {
      if (h.visible()) {
        continue;
      }
      batched.get().energyGradientBatch(h.name(), states, rows, scratch);
      org.ebm4j.model.Domain d = h.domain();
      for (int r = 0; r < rows; r++) {
        int at = r * width + h.offset();
        double s = 0;
        for (int k = 0; k < h.size(); k++) {
          s += d.logPartitionOfField(scratch[at + k]);
        }
        out[r] += s;
      }
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
