package org.ebm4j.estimate;

import java.util.ArrayList;
import java.util.List;
import org.ebm4j.model.BatchGradients;
import org.ebm4j.model.BlockConditionals;
import org.ebm4j.model.Domain;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.Variables;

/**
 * Mean-field inference of the latents given the visible units, for a model whose latents are all
 * discrete blocks: q(h) = Π_b q_b(h_b), fully factorised, with block-wise fixed-point updates
 * μ_b ← E[h_b | v, μ_rest] (exact conditional means, as the energy is affine in each block, so its
 * expectation under q is the energy at the means). The fixed point gives the variational lower
 * bound log p̃(v) ≥ −E(v, μ) + Σ_b H(q_b) and, since E is affine in each block and no term
 * multiplies two units of one block, the variational gradient ∇θ log p̃(v, μ). Not thread-safe.
 */
public final class MeanField {
  private final EnergyModel model;
  private final BlockConditionals blocks;
  private final List<Variables.Variable> latents = new ArrayList<>();
  private final double[][] fields;
  private final double[] state;
  private final int iterations;
  private final double tolerance;
  private final double damping;
  private final boolean upward;
  private int used;
  private double[] gxs = new double[0];

  /**
   * @throws IllegalArgumentException if a latent is not a discrete block
   */
  public MeanField(EnergyModel model, int iterations, double tolerance, double damping) {
    this(model, iterations, tolerance, damping, false);
  }

  /**
   * @param upward start from one upward pass (each latent block's mean given the visibles and the
   *     blocks before it, later blocks absent: at 0) instead of the zero-field means
   * @throws IllegalArgumentException if a latent is not a discrete block
   */
  public MeanField(EnergyModel model, int iterations, double tolerance, double damping, boolean upward) {
    this.upward = upward;
    this.model = model;
    this.blocks = model.capability(BlockConditionals.class).orElse(null);
    for (Variables.Variable v : model.variables().all()) {
      if (!v.visible()) {
        if (blocks == null || !blocks.blocks().contains(v.name()) || !v.domain().isTwoValued()) {
          throw new IllegalArgumentException("mean-field needs every latent to be a binary or spin block; '" + v.name() + "' is not");
        }
        latents.add(v);
      }
    }
    this.fields = latents.stream().map(v -> new double[v.size()]).toArray(double[][]::new);
    this.state = new double[model.stateSize()];
    this.iterations = iterations;
    this.tolerance = tolerance;
    this.damping = damping;
  }

  /**
   * Runs the fixed-point updates for visible example {@code v} from the zero-field means (0.5 for
   * binary units, 0 for spins) or the upward pass, and returns the state: v, then the latent means (shared; copy to
   * keep).
   */
  public double[] fit(double[] v) {
    System.arraycopy(v, 0, state, 0, v.length);
    for (Variables.Variable h : latents) {
      java.util.Arrays.fill(state, h.offset(), h.offset() + h.size(), upward ? 0 : h.domain().mean(0));
    }
    if (upward) {
      for (int b = 0; b < latents.size(); b++) {
        Variables.Variable h = latents.get(b);
        blocks.conditionalFields(h.name(), state, fields[b]);
        for (int k = 0; k < h.size(); k++) {
          state[h.offset() + k] = h.domain().mean(fields[b][k]);
        }
      }
    }
    used = 0;
    while (used < iterations) {
      used++;
      double moved = 0;
      for (int b = 0; b < latents.size(); b++) {
        Variables.Variable h = latents.get(b);
        blocks.conditionalFields(h.name(), state, fields[b]);
        for (int k = 0; k < h.size(); k++) {
          double next = damping * state[h.offset() + k] + (1 - damping) * h.domain().mean(fields[b][k]);
          moved = Math.max(moved, Math.abs(next - state[h.offset() + k]));
          state[h.offset() + k] = next;
        }
      }
      if (moved <= tolerance) {
        break;
      }
    }
    return state;
  }

  /**
   * {@link #fit} for {@code rows} states at once (rows of {@code xs}, visible units filled in),
   * through the model's batched block gradients: each update is one matrix product for all rows
   * (a block's field is ∂E/∂h_b, free of h_b itself). Leaves the latent means in {@code xs}; all
   * rows iterate until none moves more than the tolerance.
   *
   * @throws IllegalStateException if the model has no batched gradients
   */
  public void fitBatch(double[] xs, int rows) {
    BatchGradients batch = model.capability(BatchGradients.class)
        .orElseThrow(() -> new IllegalStateException("the model has no batched gradients"));
    int width = model.stateSize();
    if (gxs.length < rows * width) {
      gxs = new double[rows * width];
    }
    for (int r = 0; r < rows; r++) {
      for (Variables.Variable h : latents) {
        java.util.Arrays.fill(xs, r * width + h.offset(), r * width + h.offset() + h.size(), upward ? 0 : h.domain().mean(0));
      }
    }
    if (upward) {
      for (Variables.Variable h : latents) {
        batch.energyGradientBatch(h.name(), xs, rows, gxs);
        for (int r = 0; r < rows; r++) {
          int at = r * width + h.offset();
          for (int k = 0; k < h.size(); k++) {
            xs[at + k] = h.domain().meanOfField(gxs[at + k]);
          }
        }
      }
    }
    used = 0;
    while (used < iterations) {
      used++;
      double moved = 0;
      for (Variables.Variable h : latents) {
        batch.energyGradientBatch(h.name(), xs, rows, gxs);
        Domain d = h.domain();
        for (int r = 0; r < rows; r++) {
          int at = r * width + h.offset();
          for (int k = 0; k < h.size(); k++) {
            double next = damping * xs[at + k] + (1 - damping) * d.meanOfField(gxs[at + k]);
            moved = Math.max(moved, Math.abs(next - xs[at + k]));
            xs[at + k] = next;
          }
        }
      }
      if (moved <= tolerance) {
        break;
      }
    }
  }

  /** Iterations the last {@link #fit} or {@link #fitBatch} took. */
  public int iterationsUsed() {
    return used;
  }

  /** The lower bound −E(v, μ) + Σ H(q) at the state of the last {@link #fit}. */
  public double bound() {
    double entropy = 0;
    for (Variables.Variable h : latents) {
      Domain d = h.domain();
      for (int k = 0; k < h.size(); k++) {
        // The probability of the high value from the mean: m = low + p (high − low).
        double p = (state[h.offset() + k] - d.low()) / (d.high() - d.low());
        entropy += binaryEntropy(p);
      }
    }
    return -model.energy(state) + entropy;
  }

  /** The mean-field lower bound on log p̃(v). */
  public double lowerBound(double[] v) {
    fit(v);
    return bound();
  }

  /**
   * {@code out[r]} = the mean-field lower bound on log p̃(v_r) for the rows of {@code xs} (visible
   * units filled in), fitted together by {@link #fitBatch} where the model has batched gradients,
   * else one by one. The latents of {@code xs} are left at their means.
   */
  public void lowerBounds(double[] xs, int rows, double[] out) {
    int width = model.stateSize();
    boolean batched = model.capability(BatchGradients.class).isPresent();
    if (batched) {
      fitBatch(xs, rows);
    }
    double[] v = new double[model.visibleSize()];
    for (int r = 0; r < rows; r++) {
      if (!batched) {
        System.arraycopy(xs, r * width, v, 0, v.length);
        System.arraycopy(fit(v), 0, xs, r * width, width);
      }
      System.arraycopy(xs, r * width, state, 0, width);
      out[r] = bound();
    }
  }

  private static double binaryEntropy(double p) {
    double q = 1 - p;
    return (p > 0 ? -p * Math.log(p) : 0) + (q > 0 ? -q * Math.log(q) : 0);
  }
}
