package org.ebm4j.model;

import java.util.List;
import org.ebm4j.kernel.Kernels;

/**
 * Batched forms of the capabilities, built on a model's {@link BatchGradients}: the marginal
 * gradient of many visible vectors at once, and conditional fields of a block for many states.
 * Each is available exactly when the per-state capability is.
 */
public final class Batches {
  private Batches() {}

  /** Whether {@link #accumulateMarginalGradient} applies: batched gradients and a free energy. */
  public static boolean marginalSupported(EnergyModel model) {
    return model.capability(BatchGradients.class).isPresent() && model.capability(FreeEnergy.class).isPresent();
  }

  /**
   * {@code grad += weight · Σ_r ∇θ log p̃(v_r)} with the latents summed out: the joint gradient at h =
   * E[h | v], which is exact because E is affine in h. {@code states} holds {@code rows} full
   * states whose visible parts are read and whose latent parts are overwritten.
   */
  public static void accumulateMarginalGradient(EnergyModel model, double[] states, int rows, double weight, double[] grad, double[] scratch) {
    BatchGradients batch = model.capability(BatchGradients.class).orElseThrow();
    int width = model.stateSize();
    List<Variables.Variable> latents = model.variables().all().stream().filter(v -> !v.visible()).toList();
    for (Variables.Variable h : latents) {
      batch.energyGradientBatch(h.name(), states, rows, scratch);
      boolean spin = h.domain() == Domain.SPIN;
      for (int r = 0; r < rows; r++) {
        int base = r * width + h.offset();
        for (int k = 0; k < h.size(); k++) {
          double g = scratch[base + k];
          states[base + k] = spin ? -Math.tanh(g) : Kernels.sigmoid(-g);
        }
      }
    }
    batch.accumulateGradientBatch(states, rows, weight, grad);
  }

  /**
   * The conditional logits of a binary or spin block for every state: {@code out[r * size + k]}
   * (binary: logit p(1 | rest), spin: logit p(+1 | rest)). {@code scratch} has the states' length.
   */
  public static void blockLogits(EnergyModel model, Variables.Variable block, double[] states, int rows, double[] scratch, double[] out) {
    BatchGradients batch = model.capability(BatchGradients.class).orElseThrow();
    batch.energyGradientBatch(block.name(), states, rows, scratch);
    double factor = block.domain() == Domain.SPIN ? -2 : -1;
    int width = model.stateSize();
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < block.size(); k++) {
        out[r * block.size() + k] = factor * scratch[r * width + block.offset() + k];
      }
    }
  }
}
