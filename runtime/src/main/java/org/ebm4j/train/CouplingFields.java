package org.ebm4j.train;

import java.util.function.DoubleUnaryOperator;
import org.ebm4j.model.CategoricalUnits;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.ParameterRoles;
import org.ebm4j.model.Scores;
import org.ebm4j.model.SelfCouplings;
import org.ebm4j.model.Variables;

/**
 * The site-flip objectives for models without latents whose variables the processor proved affine
 * apart from their couplings with themselves ({@link ParameterRoles#affineApartFromCouplings}: a
 * Potts model, a Boltzmann machine written with a matrix): one batched gradient gives every unit's
 * energy change ({@link SelfCouplings}), instead of one model evaluation per alternative state. The ascent direction Σ_i Σ_a w_ia ∇θ ΔE_ia is one line gradient along
 * Δ = Σ w_ia δ_ia (∇θ(∂E/∂x · Δ), from the generated {@link Scores}) plus −c Σ w_ia δ_ia δ_iaᵀ in
 * each W: a few matrix products per minibatch, where the row-by-row form costs one product per
 * alternative state.
 */
final class CouplingFields {
  private final EnergyModel model;
  private final SelfCouplings self;
  private final Scores scores;
  private double[] gradients = new double[0];
  private double[] directions = new double[0];
  private double[] lineWeights = new double[0];

  private CouplingFields(EnergyModel model, SelfCouplings self) {
    this.model = model;
    this.self = self;
    this.scores = model.capability(Scores.class).orElseThrow();
  }

  /** The fast form for {@code model}, or null when its structure does not allow it. */
  static CouplingFields of(EnergyModel model) {
    SelfCouplings self = SelfCouplings.of(model);
    return self == null || model.capability(Scores.class).isEmpty() ? null : new CouplingFields(model, self);
  }

  /**
   * Adds the ascent direction for {@code rows} examples (rows of {@code states}, full states): row
   * r's units {@code units[r][0 .. counts[r])} (first entries of units), each scaled by
   * {@code scale[r]}; two-valued units pull with {@code pull}(a), a = −ΔE, categorical ones with
   * their conditional probabilities (the pseudo-likelihood).
   */
  void accumulate(double[] states, int rows, int[][] units, int[] counts, double[] scale, DoubleUnaryOperator pull, double[] grad) {
    int width = model.stateSize();
    if (gradients.length < rows * width) {
      gradients = new double[rows * width];
      directions = new double[rows * width];
    }
    if (lineWeights.length < rows) {
      lineWeights = new double[rows];
    }
    self.gradients(states, rows, gradients);
    java.util.Arrays.fill(directions, 0, rows * width, 0.0);
    int maxK = model.variables().all().stream().mapToInt(Variables.Variable::group).max().orElse(1);
    double[] logits = new double[maxK];
    double[] prob = new double[maxK];
    for (int r = 0; r < rows; r++) {
      int base = r * width;
      for (int u = 0; u < counts[r]; u++) {
        int p = units[r][u];
        Variables.Variable v = model.variables().variableAt(p);
        if (!v.isCategorical()) {
          double now = states[base + p];
          double delta = v.domain().low() + v.domain().high() - 2 * now;
          double w = scale[r] * pull.applyAsDouble(-self.change(gradients, base, p, delta, p, 0));
          directions[base + p] += w * delta;
          self.addCouplingGradient(grad, w, p, delta, p, 0);
          continue;
        }
        int k = v.group();
        int b = self.stateLogits(states, gradients, base, p, k, logits);
        CategoricalUnits.softmax(logits, 0, 1, prob, 0, k);
        for (int a = 0; a < k; a++) {
          if (a == b) {
            continue;
          }
          double w = scale[r] * prob[a];
          directions[base + p + a] += w;
          directions[base + p + b] -= w;
          self.addCouplingGradient(grad, w, p + a, 1, p + b, -1);
        }
      }
      lineWeights[r] = -1; // ∇θ(∂E/∂x · Δ) = −∇θ(Δᵀ ∇ₓ log p̃)
    }
    scores.accumulateLineGradientBatch(states, directions, rows, 0, lineWeights, grad);
  }
}
