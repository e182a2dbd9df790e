package org.ebm4j.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The exact energy change of moving one unit, from the energy's gradient, for models without
 * latents whose variables the processor proved affine apart from their couplings with themselves
 * ({@link ParameterRoles#affineApartFromCouplings}: a Potts model, a Boltzmann machine written with
 * a matrix). E = E₁(x) − Σ c · xᵀWx with E₁ affine in x, so moving x by δ changes E by exactly
 * ΔE = ∂E/∂x · δ − Σ c · δᵀWδ, and the gradient by −Σ c (W + Wᵀ) δ: every unit's conditional from
 * one gradient, kept up to date in O(units) per move instead of one energy per state.
 */
public final class SelfCouplings {
  private final EnergyModel model;
  private final BatchGradients batch;
  private final List<Coupling> couplings = new ArrayList<>();
  /** Per coupling, W + Wᵀ as of the last {@link #prepare}: {@link #moved} reads its rows, contiguous. */
  private double[][] symmetric;

  private record Coupling(int offset, Variables.Variable variable, double coefficient) {}

  private SelfCouplings(EnergyModel model) {
    this.model = model;
    this.batch = model.capability(BatchGradients.class).orElseThrow();
    for (ParameterRoles.Coupling c : model.capability(ParameterRoles.class).orElseThrow().couplings()) {
      if (c.left().equals(c.right())) {
        couplings.add(new Coupling(model.layout().find(c.param()).orElseThrow().offset(), model.variables().get(c.left()), c.coefficient()));
      }
    }
  }

  /** The form for {@code model}, or null when its proven structure does not allow it. */
  public static SelfCouplings of(EnergyModel model) {
    var roles = model.capability(ParameterRoles.class);
    if (model.latentSize() > 0 || roles.isEmpty() || model.capability(BatchGradients.class).isEmpty()) {
      return null;
    }
    for (Variables.Variable v : model.variables().all()) {
      if (!v.domain().isDiscrete() || !roles.get().affineApartFromCouplings().contains(v.name())) {
        return null;
      }
    }
    return new SelfCouplings(model);
  }

  /** The model this describes. */
  public EnergyModel model() {
    return model;
  }

  /** {@code gxs} rows = ∂E/∂x at the rows of {@code xs} (full states). */
  public void gradients(double[] xs, int rows, double[] gxs) {
    for (Variables.Variable v : model.variables().all()) {
      batch.energyGradientBatch(v.name(), xs, rows, gxs);
    }
  }

  /**
   * ΔE of moving x by δ = dp e_p + dq e_q (entries p and q of one variable; q = p with dq = 0 for one
   * entry), given the gradient {@code g} (from {@code from}) at x.
   */
  public double change(double[] g, int from, int p, double dp, int q, double dq) {
    double s = g[from + p] * dp + g[from + q] * dq;
    double[] params = model.params();
    for (Coupling c : couplings) {
      Variables.Variable v = c.variable();
      if (p < v.offset() || p >= v.offset() + v.size()) {
        continue;
      }
      int n = v.size();
      int i = p - v.offset();
      int j = q - v.offset();
      int at = c.offset();
      double quad = dp * dp * params[at + i * n + i] + dq * dq * params[at + j * n + j]
          + dp * dq * (params[at + i * n + j] + params[at + j * n + i]);
      s -= c.coefficient() * quad;
    }
    return s;
  }

  /**
   * For the categorical unit whose K states start at entry {@code p} of the one-hot state at
   * {@code from} in {@code xs} (with its gradient at {@code from} in {@code g}): {@code logits[a]} =
   * −ΔE of moving the unit to state a (0 for the state it is in), its conditional's log-weights up
   * to a constant. Returns the state it is in.
   */
  public int stateLogits(double[] xs, double[] g, int from, int p, int k, double[] logits) {
    int b = 0;
    while (b < k - 1 && xs[from + p + b] == 0) {
      b++;
    }
    for (int a = 0; a < k; a++) {
      logits[a] = a == b ? 0 : -change(g, from, p + a, 1, p + b, -1);
    }
    return b;
  }

  /** Reads the couplings for a run of {@link #moved} calls; call again after θ changes. */
  public void prepare() {
    double[] params = model.params();
    symmetric = new double[couplings.size()][];
    for (int q = 0; q < couplings.size(); q++) {
      Coupling c = couplings.get(q);
      int n = c.variable().size();
      int at = c.offset();
      double[] sym = new double[n * n];
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < n; k++) {
          sym[i * n + k] = params[at + i * n + k] + params[at + k * n + i];
        }
      }
      symmetric[q] = sym;
    }
  }

  /**
   * After the move δ = dp e_p + dq e_q: g (from {@code from}) += −Σ c (W + Wᵀ) δ, O(units), with the
   * couplings read at the last {@link #prepare}.
   */
  public void moved(double[] g, int from, int p, double dp, int q, double dq) {
    for (int t = 0; t < couplings.size(); t++) {
      Coupling c = couplings.get(t);
      Variables.Variable v = c.variable();
      if (p < v.offset() || p >= v.offset() + v.size()) {
        continue;
      }
      int n = v.size();
      int i = (p - v.offset()) * n;
      int j = (q - v.offset()) * n;
      double[] sym = symmetric[t];
      double fp = -c.coefficient() * dp;
      double fq = -c.coefficient() * dq;
      int to = from + v.offset();
      for (int k = 0; k < n; k++) {
        g[to + k] += fp * sym[i + k] + fq * sym[j + k];
      }
    }
  }

  /** {@code grad[W] += scale · (−c) δδᵀ} for each self-coupling W of the variable holding p: ∇θ of the δᵀWδ part of ΔE. */
  public void addCouplingGradient(double[] grad, double scale, int p, double dp, int q, double dq) {
    for (Coupling c : couplings) {
      Variables.Variable v = c.variable();
      if (p < v.offset() || p >= v.offset() + v.size()) {
        continue;
      }
      int n = v.size();
      int i = p - v.offset();
      int j = q - v.offset();
      int at = c.offset();
      double f = -c.coefficient() * scale;
      grad[at + i * n + i] += f * dp * dp;
      grad[at + j * n + j] += f * dq * dq;
      grad[at + i * n + j] += f * dp * dq;
      grad[at + j * n + i] += f * dp * dq;
    }
  }
}
