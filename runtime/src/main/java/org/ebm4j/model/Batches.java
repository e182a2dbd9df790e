package org.ebm4j.model;

import java.util.List;
import java.util.random.RandomGenerator;
import org.ebm4j.kernel.Parallel;
import org.ebm4j.random.Rng;

/**
 * Batched forms of the capabilities, built on a model's {@link BatchGradients}: the marginal
 * gradient of many visible vectors at once, conditional means and draws of a block for many
 * states. Each is available exactly when the per-state capability is. Element-wise passes run on
 * all cores; draws come from per-row streams, so results do not depend on the number of cores.
 */
public final class Batches {
  /** Rough cost of one sigmoid or draw, in element operations, for {@link Parallel#rows}. */
  private static final int ELEMENT_COST = 16;

  private Batches() {}

  /** Models whose batched work runs in float32 ({@link #usePrecision}), each with its float scratch. */
  private static final java.util.Map<EnergyModel, FloatPath> FLOAT = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  /**
   * Runs this model's batched gradients, block conditionals and draws (latent means, block draws,
   * {@link #accumulateGradientBatch}) in {@code precision} until told otherwise: the trainer sets
   * it for its updates only, so estimates of log Z and metrics stay in float64. float32 needs
   * {@link FloatBatchGradients}; a model without it stays in float64. Returns the precision in
   * effect. Writes θ's float copy back into {@code model.params()} when {@link #stepFloatParams}
   * left it live.
   */
  public static Precision usePrecision(EnergyModel model, Precision precision) {
    var floats = model.capability(FloatBatchGradients.class);
    if (precision == Precision.FLOAT32 && floats.isPresent()) {
      FloatPath f = FLOAT.computeIfAbsent(model, m -> new FloatPath(m, floats.get()));
      f.syncParams();
      f.active = true;
      return Precision.FLOAT32;
    }
    FloatPath f = FLOAT.get(model);
    if (f != null) {
      f.syncParams();
      f.active = false;
    }
    return Precision.FLOAT64;
  }

  /** The precision this model's batched work runs in now. */
  public static Precision precision(EnergyModel model) {
    return path(model) != null ? Precision.FLOAT32 : Precision.FLOAT64;
  }

  /** The model's float path when it is in use, else null. */
  private static FloatPath path(EnergyModel model) {
    FloatPath f = FLOAT.get(model);
    return f != null && f.active ? f : null;
  }

  /**
   * Says θ changed: the float copy is refreshed before the next float32 product. Ignored while
   * {@link #stepFloatParams} keeps θ in float (the double θ is then not the one that changes).
   */
  public static void paramsChanged(EnergyModel model) {
    FloatPath f = FLOAT.get(model);
    if (f != null && !f.floatParamsLive) {
      f.stale = true;
    }
  }

  /**
   * θ += Σ_r weights[r] · ∇θ log p̃(x_r) for float states, added by the products straight into the
   * float copy of θ that the members read: a plain SGD step (the weights carry the learning rate)
   * that converts nothing. That float copy is then the live θ, and {@code model.params()} out of
   * date, until {@link #syncParams} or {@link #usePrecision} writes it back: the trainer does so
   * when its epoch ends. Needs float32 in effect and {@link BatchGradients#gradientMayAliasParams}
   * (a gradient program that reads no parameter). Returns the index of the first non-finite
   * parameter after the step, or −1.
   */
  public static int stepFloatParams(EnergyModel model, float[] states, int rows, float[] weights) {
    FloatPath f = requireFloat(model);
    synchronized (f) {
      f.refreshParams();
      float[] theta = f.members.floatParams();
      f.members.accumulateGradientBatch(states, rows, weights, theta);
      f.floatParamsLive = true;
      return org.ebm4j.kernel.FloatKernels.firstNonFinite(theta);
    }
  }

  /** Writes θ's float copy back into {@code model.params()} if {@link #stepFloatParams} left it live. */
  public static void syncParams(EnergyModel model) {
    FloatPath f = FLOAT.get(model);
    if (f != null) {
      f.syncParams();
    }
  }

  /**
   * {@code grad += Σ_r weights[r] · ∇θ log p̃(x_r)} in the model's precision (float32: the products
   * in float, the sum added into {@code grad} in double).
   */
  public static void accumulateGradientBatch(EnergyModel model, double[] states, int rows, double[] weights, double[] grad) {
    FloatPath f = path(model);
    if (f == null) {
      model.capability(BatchGradients.class).orElseThrow().accumulateGradientBatch(states, rows, weights, grad);
    } else {
      f.gradient(states, rows, weights, grad);
    }
  }

  /** {@link BatchGradients#energyGradientBatch} in the model's precision. */
  private static void energyGradientBatch(EnergyModel model, BatchGradients batch, Variables.Variable v, double[] states, int rows, double[] scratch) {
    FloatPath f = path(model);
    if (f == null) {
      batch.energyGradientBatch(v.name(), states, rows, scratch);
    } else {
      f.fields(v, states, rows, scratch);
    }
  }

  /**
   * A model's float32 members and the float scratch they work on. States come either as doubles
   * (converted on every call: the general path) or already in float (the float-state methods
   * below, which float32 training uses so that states are never converted between products).
   * Float arrays carry one spare row: BLAS asks for a full row stride after the last row it reads,
   * so a block that ends a state would otherwise be copied out before every product.
   */
  private static final class FloatPath {
    final EnergyModel model;
    final FloatBatchGradients members;
    volatile boolean stale = true;
    volatile boolean active;
    /** θ's float copy is ahead of {@code model.params()} ({@link #stepFloatParams}). */
    volatile boolean floatParamsLive;
    float[] xs = new float[0];
    float[] gxs = new float[0];
    float[] weights = new float[0];
    float[] grad = new float[0];
    /** Uniforms for draws, in the layout of the states drawn (see FloatKernels). */
    float[] uniforms = new float[0];

    FloatPath(EnergyModel model, FloatBatchGradients members) {
      this.model = model;
      this.members = members;
    }

    private void refreshParams() {
      if (stale && !floatParamsLive) {
        members.loadFloatParams();
        stale = false;
      }
    }

    synchronized void syncParams() {
      if (floatParamsLive) {
        double[] theta = model.params();
        org.ebm4j.kernel.FloatKernels.toDouble(members.floatParams(), theta, 0, theta.length);
        floatParamsLive = false;
        stale = false;
      }
    }

    private void ensure(int rows) {
      int n = (rows + 1) * model.stateSize();
      if (gxs.length < n) {
        xs = new float[n];
        gxs = new float[n];
      }
    }

    private void load(double[] states, int rows) {
      ensure(rows);
      org.ebm4j.kernel.FloatKernels.toFloat(states, xs, 0, rows * model.stateSize());
    }

    /** {@link #uniforms} at least as long as {@code states}. */
    float[] uniforms(float[] states) {
      if (uniforms.length < states.length) {
        uniforms = new float[states.length];
      }
      return uniforms;
    }

    /** The fields ∂E/∂v of float states, into {@link #gxs} (valid until the next call). */
    float[] fields(Variables.Variable v, float[] states, int rows) {
      refreshParams();
      ensure(rows);
      members.energyGradientBatch(v.name(), states, rows, gxs);
      return gxs;
    }

    synchronized void fields(Variables.Variable v, double[] states, int rows, double[] out) {
      load(states, rows);
      fields(v, xs, rows);
      int width = model.stateSize();
      for (int r = 0; r < rows; r++) {
        int base = r * width + v.offset();
        org.ebm4j.kernel.FloatKernels.toDouble(gxs, out, base, v.size());
      }
    }

    synchronized void gradient(double[] states, int rows, double[] w, double[] out) {
      load(states, rows);
      if (weights.length < rows) {
        weights = new float[rows];
      }
      org.ebm4j.kernel.FloatKernels.toFloat(w, weights, 0, rows);
      gradient(xs, rows, weights, out);
    }

    /** {@code out += Σ_r w[r] ∇θ log p̃} of float states, summed in float and added in double. */
    void gradient(float[] states, int rows, float[] w, double[] out) {
      refreshParams();
      if (grad.length != out.length) {
        grad = new float[out.length];
      } else {
        java.util.Arrays.fill(grad, 0f);
      }
      members.accumulateGradientBatch(states, rows, w, grad);
      for (int k = 0; k < out.length; k++) {
        out[k] += grad[k];
      }
    }
  }

  // ---------------------------------------------------------------- float32 states

  /**
   * The model's float path, which the float-state methods need: on only while {@link
   * #usePrecision} has float32 in effect.
   */
  private static FloatPath requireFloat(EnergyModel model) {
    FloatPath f = path(model);
    if (f == null) {
      throw new IllegalStateException("float32 states need the model's float32 path: call Batches.usePrecision(model, Precision.FLOAT32) first"
          + (model.capability(FloatBatchGradients.class).isEmpty() ? " (this model has no FloatBatchGradients)" : ""));
    }
    return f;
  }

  /** Rough cost of one float mean or draw, in element operations, for {@link Parallel#rows}. */
  private static final int FLOAT_ELEMENT_COST = 4;

  /**
   * {@link #latentMeans(EnergyModel, double[], int, double[])} on float states (row stride {@code
   * stateSize()}, one spare row): the latent parts become E[h | v]. Needs float32 in effect.
   */
  public static void latentMeans(EnergyModel model, float[] states, int rows) {
    FloatPath f = requireFloat(model);
    int width = model.stateSize();
    synchronized (f) {
      for (Variables.Variable h : latents(model)) {
        float[] fields = f.fields(h, states, rows);
        int offset = h.offset();
        Parallel.rows(rows, (long) h.size() * FLOAT_ELEMENT_COST, (from, to) -> {
          for (int r = from; r < to; r++) {
            int base = r * width + offset;
            h.meansOfFields(fields, states, base);
          }
        });
      }
    }
  }

  /**
   * {@link #drawBlock(EnergyModel, Variables.Variable, double[], int, double[], RandomGenerator)}
   * on float states: the block of every row drawn given the rest, in place, from per-row streams.
   */
  public static void drawBlock(EnergyModel model, Variables.Variable block, float[] states, int rows, RandomGenerator rng) {
    FloatPath f = requireFloat(model);
    int width = model.stateSize();
    int offset = block.offset();
    int size = block.size();
    long key = rng.nextLong();
    synchronized (f) {
      float[] fields = f.fields(block, states, rows);
      float[] uniforms = f.uniforms(states);
      Parallel.rows(rows, (long) size * FLOAT_ELEMENT_COST, (from, to) -> {
        for (int r = from; r < to; r++) {
          int base = r * width + offset;
          block.drawFromFields(fields, states, base, Rng.stream(key, r), uniforms);
        }
      });
    }
  }

  /**
   * The latent units of rows {@code [fromRow, fromRow + rows)} of float states drawn in place from
   * the means they hold ({@link #latentMeans(EnergyModel, float[], int)}), row r from the same
   * per-row stream as {@link #drawLatentsFromMeans(EnergyModel, double[], int, double[], int,
   * RandomGenerator)} gives row r. In place, not into another array, because loops over arrays at
   * different offsets do not vectorise (see FloatKernels); the caller copies the draws where needed.
   */
  public static void drawLatentsInPlace(EnergyModel model, float[] states, int fromRow, int rows, RandomGenerator rng) {
    FloatPath f = requireFloat(model);
    int width = model.stateSize();
    long key = rng.nextLong();
    synchronized (f) {
      float[] uniforms = f.uniforms(states);
      for (Variables.Variable h : latents(model)) {
        int offset = h.offset();
        long block = key + offset;
        Parallel.rows(rows, (long) h.size() * FLOAT_ELEMENT_COST, (from, to) -> {
          for (int r = from; r < to; r++) {
            h.drawFromMeans(states, (fromRow + r) * width + offset, Rng.stream(block, r), uniforms);
          }
        });
      }
    }
  }

  /**
   * {@code grad += Σ_r weights[r] · ∇θ log p̃(x_r)} for float states: the products and the sum in
   * float, added into {@code grad} in double. Needs float32 in effect.
   */
  public static void accumulateGradientBatch(EnergyModel model, float[] states, int rows, float[] weights, double[] grad) {
    FloatPath f = requireFloat(model);
    synchronized (f) {
      f.gradient(states, rows, weights, grad);
    }
  }

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
    latentMeans(model, states, rows, scratch);
    model.capability(BatchGradients.class).orElseThrow().accumulateGradientBatch(states, rows, weight, grad);
  }

  /**
   * Overwrites the latent parts of {@code rows} states with E[h | v] (binary: σ(−∂E/∂h), spin:
   * tanh(−∂E/∂h)): the latents a free energy sums out, which are independent given the visibles.
   * {@code scratch} has the states' length.
   */
  public static void latentMeans(EnergyModel model, double[] states, int rows, double[] scratch) {
    BatchGradients batch = model.capability(BatchGradients.class).orElseThrow();
    int width = model.stateSize();
    for (Variables.Variable h : latents(model)) {
      energyGradientBatch(model, batch, h, states, rows, scratch);
      int offset = h.offset();
      int size = h.size();
      Parallel.rows(rows, (long) size * ELEMENT_COST, (from, to) -> {
        for (int r = from; r < to; r++) {
          int base = r * width + offset;
          h.meansOfFields(scratch, base, states, base);
        }
      });
    }
  }

  /**
   * Draws every latent unit of {@code rows} states in {@code target} (row stride {@code
   * stateSize()}) from its mean in the same rows of {@code means} (as {@link #latentMeans} left
   * them): completes a Gibbs step whose conditional was computed for a gradient anyway.
   */
  public static void drawLatentsFromMeans(EnergyModel model, double[] means, int meansRow, double[] target, int rows, RandomGenerator rng) {
    int width = model.stateSize();
    long key = rng.nextLong();
    for (Variables.Variable h : latents(model)) {
      int offset = h.offset();
      int size = h.size();
      long block = key + offset;
      Parallel.rows(rows, (long) size * ELEMENT_COST, (from, to) -> {
        for (int r = from; r < to; r++) {
          Rng stream = Rng.stream(block, r);
          h.drawFromMeans(means, (meansRow + r) * width + offset, target, r * width + offset, stream);
        }
      });
    }
  }

  /**
   * Draws a binary or spin block of {@code rows} states from its conditional given the rest, in
   * place. {@code scratch} has the states' length.
   */
  public static void drawBlock(EnergyModel model, Variables.Variable block, double[] states, int rows, double[] scratch, RandomGenerator rng) {
    BatchGradients batch = model.capability(BatchGradients.class).orElseThrow();
    energyGradientBatch(model, batch, block, states, rows, scratch);
    int width = model.stateSize();
    int offset = block.offset();
    int size = block.size();
    long key = rng.nextLong();
    Parallel.rows(rows, (long) size * ELEMENT_COST, (from, to) -> {
      for (int r = from; r < to; r++) {
        Rng stream = Rng.stream(key, r);
        int base = r * width + offset;
        block.drawFromFields(scratch, base, states, base, stream);
      }
    });
  }

  /**
   * The conditional logits of a block for every state: {@code out[r * size + k]} (binary: logit
   * p(1 | rest), spin: logit p(+1 | rest), categorical: −∂E/∂x_k, the unnormalised log probability of
   * the indicator's state). {@code scratch} has the states' length.
   */
  public static void blockLogits(EnergyModel model, Variables.Variable block, double[] states, int rows, double[] scratch, double[] out) {
    BatchGradients batch = model.capability(BatchGradients.class).orElseThrow();
    batch.energyGradientBatch(block.name(), states, rows, scratch);
    Domain d = block.domain();
    int width = model.stateSize();
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < block.size(); k++) {
        double field = scratch[r * width + block.offset() + k];
        out[r * block.size() + k] = block.isCategorical() ? -field : d.logitOfField(field);
      }
    }
  }

  /**
   * Whether {@link #logMarginals} applies: batched gradients, latents to sum, every variable a
   * discrete block, and no two visible blocks interacting (so that, with the latents at 0, E is
   * affine in the visible units with a slope that does not depend on them).
   */
  public static boolean logMarginalsSupported(EnergyModel model) {
    var blocks = model.capability(BlockConditionals.class);
    if (model.capability(BatchGradients.class).isEmpty() || blocks.isEmpty() || model.latentSize() == 0
        || !model.variables().all().stream().allMatch(x -> x.domain().isDiscrete() && blocks.get().blocks().contains(x.name()))) {
      return false;
    }
    return PartialSum.possible(model, model.variables().all().stream().filter(Variables.Variable::visible).map(Variables.Variable::name).toList());
  }

  /**
   * {@code out[r]} = log p̃(v_r) = log Σ_h exp(−E(v_r, h)) for {@code rows} states, latents summed
   * out as in {@link PartialSum}: −E(v, 0) + Σ over latent units of the log-partition of their
   * fields at h = 0. E(v, 0) is E(0, 0) plus a slope (one gradient, the same for every row) times v;
   * each latent block's fields are one batched product. The latent parts of {@code states} are set
   * to 0; {@code scratch} has the states' length.
   */
  public static void logMarginals(EnergyModel model, double[] states, int rows, double[] scratch, double[] out) {
    BatchGradients batched = model.capability(BatchGradients.class).orElseThrow();
    int width = model.stateSize();
    double[] zero = new double[width];
    double e0 = model.energy(zero);
    double[] slope = new double[width];
    for (Variables.Variable x : model.variables().all()) {
      if (x.visible()) {
        batched.energyGradientBatch(x.name(), zero, 1, slope);
      }
    }
    for (int r = 0; r < rows; r++) {
      double e = e0;
      for (Variables.Variable x : model.variables().all()) {
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
    for (Variables.Variable h : latents(model)) {
      batched.energyGradientBatch(h.name(), states, rows, scratch);
      for (int r = 0; r < rows; r++) {
        out[r] += h.logPartitionOfFields(scratch, r * width + h.offset());
      }
    }
  }

  private static List<Variables.Variable> latents(EnergyModel model) {
    return model.variables().all().stream().filter(v -> !v.visible()).toList();
  }
}
