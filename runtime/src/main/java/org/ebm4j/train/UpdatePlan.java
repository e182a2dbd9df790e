package org.ebm4j.train;

import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.BatchGradients;
import org.ebm4j.model.Batches;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.Precision;
import org.ebm4j.random.Rng;
import org.ebm4j.sampling.Chains;
import org.ebm4j.train.optim.Optimizer;

/**
 * How one minibatch update is carried out, chosen once per run from the objective and the
 * capabilities the model's compiler proved, instead of being decided again at every step:
 *
 * <ul>
 *   <li>{@link Gradient}: the objective's ascent direction into a gradient buffer, checked,
 *       reparameterised and handed to the optimizer. Works for every objective and model.
 *   <li>{@link CombinedBatch}: maximum likelihood with sampled chains, for models whose latents are
 *       summed out and whose gradients are batched: data rows and chain rows in one array, the
 *       latents of both summed out by one product, the chains' deferred latent draw taken from the
 *       same means, and the whole gradient (+1/B per data row, −1/C per chain row) in one more,
 *       added straight into the optimizer's buffer where the optimizer allows (θ itself for plain
 *       SGD when the generated gradient reads no parameter; the velocity with momentum).
 * </ul>
 */
abstract class UpdatePlan {
  /** What the trainer checks after each part of a step; throws on a non-finite value. */
  interface Guard {
    void checkGradient(double[] grad, int update);

    void checkParams(int update);
  }

  final EnergyModel model;
  final Objective objective;
  final Optimizer optimizer;
  final Reparameterisation reparam;
  final Guard guard;
  final double[] grad;

  UpdatePlan(EnergyModel model, Objective objective, Optimizer optimizer, Reparameterisation reparam, Guard guard) {
    this.model = model;
    this.objective = objective;
    this.optimizer = optimizer;
    this.reparam = reparam;
    this.guard = guard;
    this.grad = new double[model.params().length];
  }

  /** The plan for this run. */
  static UpdatePlan choose(EnergyModel model, Objective objective, Optimizer optimizer, Reparameterisation reparam, boolean fused, Guard guard) {
    if (objective instanceof MaximumLikelihood ml) {
      ml.bind(model);
    }
    if (fused && objective instanceof MaximumLikelihood ml && ml.negativePhase().advancesChains() && Batches.marginalSupported(model)) {
      return new CombinedBatch(model, ml, optimizer, reparam, guard);
    }
    return new Gradient(model, objective, optimizer, reparam, guard);
  }

  /**
   * One minibatch update; returns the gradient's norm, or NaN when the plan did not form the
   * gradient ({@code measure} asks for it).
   */
  abstract double update(MiniBatch batch, Rng rng, int index, boolean measure);

  /** A sentence for logs. */
  abstract String describe();

  /** Checks the gradient, steps the optimizer through the reparameterisation, checks θ; returns |g|. */
  double step(MiniBatch batch, int index, boolean offsets) {
    return step(batch, index, offsets, false);
  }

  /** As {@link #step(MiniBatch, int, boolean)}; {@code measured}: the offsets move to what was measured. */
  double step(MiniBatch batch, int index, boolean offsets, boolean measured) {
    guard.checkGradient(grad, index);
    double norm = Math.sqrt(Kernels.sumOfSquares(grad));
    reparam.transform(grad);
    optimizer.step(model.params(), grad);
    if (measured) {
      reparam.moveOffsets();
    } else if (offsets) {
      reparam.updateOffsets(batch);
    }
    guard.checkParams(index);
    return norm;
  }

  /** The state of the optimizer of the objective's own parameters (empty when it has none). */
  double[] ownOptimizerState() {
    return new double[0];
  }

  /** Restores {@link #ownOptimizerState}. */
  void restoreOwnOptimizer(double[] state) {}

  /** The schedule's factor, for the optimizer of the objective's own parameters too. */
  void setOwnLearningRateFactor(double factor) {}

  /** The objective's gradient, then the optimizer (and one of the same settings for the objective's own parameters). */
  static final class Gradient extends UpdatePlan {
    private final Optimizer own;

    Gradient(EnergyModel model, Objective objective, Optimizer optimizer, Reparameterisation reparam, Guard guard) {
      super(model, objective, optimizer, reparam, guard);
      // No weight decay on the objective's own parameters: it would pull NCE's log Z towards 0.
      Optimizer.Settings s = optimizer.settings();
      this.own = objective.ownParameters().length > 0
          ? Optimizer.of(new Optimizer.Settings(s.kind(), s.learningRate(), s.momentum(), 0, s.beta1(), s.beta2(), s.epsilon())) : null;
    }

    @Override
    double[] ownOptimizerState() {
      return own == null ? new double[0] : own.state();
    }

    @Override
    void restoreOwnOptimizer(double[] state) {
      if (own != null) {
        own.restore(state);
      }
    }

    @Override
    void setOwnLearningRateFactor(double factor) {
      if (own != null) {
        own.setLearningRateFactor(factor);
      }
    }

    @Override
    double update(MiniBatch batch, Rng rng, int index, boolean measure) {
      Batches.paramsChanged(model);
      java.util.Arrays.fill(grad, 0.0);
      objective.accumulate(model, batch, grad, rng);
      // A mean-field positive phase has just computed the latent means the offsets follow.
      boolean measured = objective instanceof MaximumLikelihood ml && ml.measurePositive(reparam);
      double norm = step(batch, index, true, measured);
      if (own != null) {
        own.step(objective.ownParameters(), objective.ownGradient());
      }
      return norm;
    }

    @Override
    String describe() {
      return "gradient of " + objective.describe() + ", then the optimizer's step";
    }
  }

  /** Data and chain rows in one batched gradient, added straight into the optimizer where it can. */
  static final class CombinedBatch extends UpdatePlan {
    private final NegativePhase negative;
    private final BatchGradients gradients;
    private double[] states = new double[0];
    private double[] scratch = new double[0];
    private double[] chainStates = new double[0];
    private double[] weights = new double[0];
    private float[] floatStates = new float[0];
    private float[] floatWeights = new float[0];
    private float[] floatBatch = new float[0];

    CombinedBatch(EnergyModel model, MaximumLikelihood objective, Optimizer optimizer, Reparameterisation reparam, Guard guard) {
      super(model, objective, optimizer, reparam, guard);
      this.negative = objective.negativePhase();
      this.gradients = model.capability(BatchGradients.class).orElseThrow();
    }

    @Override
    double update(MiniBatch batch, Rng rng, int index, boolean measure) {
      Batches.paramsChanged(model);
      Chains chains = negative.advance(model, batch, rng);
      double[] dataFields = negative.dataLatentFields(batch);
      if (dataFields == null && reparam == Reparameterisation.NONE && Batches.precision(model) == Precision.FLOAT32) {
        return updateInFloat(batch, chains, rng, index, measure);
      }
      int b = batch.size();
      int c = chains.count();
      int rows = b + c;
      int width = model.stateSize();
      if (states.length < rows * width) {
        states = new double[rows * width];
        scratch = new double[rows * width];
      }
      if (weights.length < rows) {
        weights = new double[rows];
      }
      for (int i = 0; i < b; i++) {
        System.arraycopy(batch.values(), i * batch.width(), states, i * width, batch.width());
      }
      System.arraycopy(chains.states(), 0, states, b * width, c * width);
      if (dataFields != null) {
        // CD-k started its chains from these rows' latent fields; with the latents summed out they
        // depend on the visibles alone, so the data rows' means need no second product.
        for (org.ebm4j.model.Variables.Variable h : model.variables().all()) {
          if (!h.visible()) {
            for (int r = 0; r < b; r++) {
              h.meansOfFields(dataFields, r * width + h.offset(), states, r * width + h.offset());
            }
          }
        }
        if (chainStates.length < c * width) {
          chainStates = new double[c * width];
        }
        System.arraycopy(states, b * width, chainStates, 0, c * width);
        Batches.latentMeans(model, chainStates, c, scratch);
        System.arraycopy(chainStates, 0, states, b * width, c * width);
      } else {
        Batches.latentMeans(model, states, rows, scratch);
      }
      if (negative.latentsDeferred()) {
        Batches.drawLatentsFromMeans(model, states, b, chains.states(), c, rng);
      }
      reparam.measure(states, b);
      boolean shifted = reparam.shiftable();
      Optimizer.Direct direct = measure || !reparam.allowsDirectSteps() ? null : optimizer.direct(model.params());
      if (direct != null && direct.buffer() == model.params() && !gradients.gradientMayAliasParams()) {
        direct = null; // the gradient program reads θ: it must not change underneath
      }
      double scale = direct != null ? direct.factor() : 1;
      for (int i = 0; i < b; i++) {
        weights[i] = scale * batch.weight(i) / b;
      }
      java.util.Arrays.fill(weights, b, rows, -scale / c);
      if (direct != null) {
        if (shifted) {
          reparam.accumulateShifted(gradients, states, rows, weights, direct.buffer());
          reparam.moveOffsets();
        } else {
          Batches.accumulateGradientBatch(model, states, rows, weights, direct.buffer());
        }
        optimizer.completeDirect(model.params());
        guard.checkParams(index);
        return Double.NaN;
      }
      java.util.Arrays.fill(grad, 0.0);
      Batches.accumulateGradientBatch(model, states, rows, weights, grad);
      double norm = step(batch, index, false);
      reparam.moveOffsets();
      return norm;
    }

    /**
     * The same update on float states: data rows converted once, chain rows from the chains' float
     * copy, the latent means, the chains' deferred draw and the gradient all in float, so no state is
     * converted between products; plain SGD steps θ's float copy, other optimizers θ in double.
     */
    private double updateInFloat(MiniBatch batch, Chains chains, Rng rng, int index, boolean measure) {
      int b = batch.size();
      int c = chains.count();
      int rows = b + c;
      int width = model.stateSize();
      if (floatStates.length < (rows + 1) * width) {
        floatStates = new float[(rows + 1) * width];
      }
      if (floatWeights.length < rows) {
        floatWeights = new float[rows];
      }
      float[] chainStates = chains.floatStates();
      float[] dataMeans = negative.dataLatentMeansInFloat(batch);
      if (dataMeans != null) {
        // CD-k computed the data rows' latent means to start its chains: only the chains need theirs
        // (in the chains' own array: chains from the data are dropped after the update).
        System.arraycopy(dataMeans, 0, floatStates, 0, b * width);
        Batches.latentMeans(model, chainStates, c);
        System.arraycopy(chainStates, 0, floatStates, b * width, c * width);
      } else {
        floatBatch = batch.toFloatRows(floatStates, width, floatBatch);
        System.arraycopy(chainStates, 0, floatStates, b * width, c * width);
        Batches.latentMeans(model, floatStates, rows);
      }
      Optimizer.Direct direct = measure ? null : optimizer.direct(model.params());
      double scale = direct != null ? direct.factor() : 1;
      for (int i = 0; i < b; i++) {
        floatWeights[i] = (float) (scale * batch.weight(i) / b);
      }
      java.util.Arrays.fill(floatWeights, b, rows, (float) (-scale / c));
      double norm = Double.NaN;
      if (direct != null && direct.buffer() == model.params() && gradients.gradientMayAliasParams()) {
        // Plain SGD: the step goes into θ's float copy, which stays the live θ until the epoch ends.
        if (Batches.stepFloatParams(model, floatStates, rows, floatWeights) >= 0) {
          Batches.syncParams(model);
          guard.checkParams(index);
        }
      } else if (direct != null) {
        Batches.syncParams(model);
        Batches.accumulateGradientBatch(model, floatStates, rows, floatWeights, direct.buffer());
        optimizer.completeDirect(model.params());
        guard.checkParams(index);
      } else {
        Batches.syncParams(model);
        java.util.Arrays.fill(grad, 0.0);
        Batches.accumulateGradientBatch(model, floatStates, rows, floatWeights, grad);
        norm = step(batch, index, false);
      }
      if (negative.latentsDeferred()) {
        // The chains' latent draw, from the means the gradient has just used.
        Batches.drawLatentsInPlace(model, floatStates, b, c, rng);
        for (org.ebm4j.model.Variables.Variable h : model.variables().all()) {
          if (!h.visible()) {
            for (int r = 0; r < c; r++) {
              System.arraycopy(floatStates, (b + r) * width + h.offset(), chainStates, r * width + h.offset(), h.size());
            }
          }
        }
      }
      return norm;
    }

    @Override
    String describe() {
      return "combined: data and chain rows in one batched gradient, latents summed out by one product,"
          + " added straight into the optimizer's buffer where it allows";
    }
  }
}
