package org.ebm4j.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ebm4j.estimate.MeanField;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.ParamLayout;
import org.ebm4j.model.ParameterRoles;
import org.ebm4j.model.Variables;

/**
 * Centering of every layer (Melchior, Fischer &amp; Wiskott 2016, for deep Boltzmann machines): for
 * log p̃ ⊇ Σ x_aᵀ W_ab x_b + Σ θ_aᵀ x_a over the couplings and biases the processor proved ({@link
 * ParameterRoles}), training follows Σ (x_a − μ_a)ᵀ W_ab (x_b − μ_b) + Σ θ̃_aᵀ (x_a − μ_a), whose
 * gradient is better conditioned; the parameters stay the plain ones (θ_a = θ̃_a − Σ_b W_ab μ_b). By
 * the chain rule the centered direction is ∇W̃_ab = g_Wab − μ_a g_bᵀ − g_a μ_bᵀ and ∇θ̃_a = g_a, and
 * the plain step that realises it is ΔW = ∇W̃, Δθ_a = g_a − Σ_b ∇W̃_ab μ_b. Offsets move at
 * {@code rate} towards the minibatch means of the visible units and of the latents' mean-field
 * posterior means. Other parameters keep their plain gradient.
 */
final class LayerCentering implements Reparameterisation {
  private record Coupling(ParamLayout.Entry w, Variables.Variable left, Variables.Variable right) {}

  private final EnergyModel model;
  private final double rate;
  private final List<Coupling> couplings = new ArrayList<>();
  private final Map<String, ParamLayout.Entry> biases = new LinkedHashMap<>();
  private final Map<String, Variables.Variable> centered = new LinkedHashMap<>();
  /** Offsets μ, indexed like the state. */
  final double[] mu;
  /** The means {@link #moveOffsets} moves towards. */
  private final double[] measured;
  private final MeanField meanField;

  LayerCentering(EnergyModel model, double rate) {
    this.model = model;
    this.rate = rate;
    ParameterRoles roles = model.capability(ParameterRoles.class)
        .orElseThrow(() -> refuse("the processor found no parameter that enters the energy only as a coupling or a bias"));
    for (ParameterRoles.Coupling c : roles.couplings()) {
      if (c.coefficient() == 1) {
        Variables.Variable a = model.variables().get(c.left());
        Variables.Variable b = model.variables().get(c.right());
        couplings.add(new Coupling(model.layout().find(c.param()).orElseThrow(), a, b));
        centered.put(a.name(), a);
        centered.put(b.name(), b);
      }
    }
    if (couplings.isEmpty()) {
      throw refuse("no term x_a'W x_b with a parameter W of its own was found");
    }
    for (Variables.Variable v : centered.values()) {
      if (!v.domain().isTwoValued()) {
        throw refuse("'" + v.name() + "' is " + (v.isCategorical() ? "categorical" : "real-valued") + "; centering is for binary and spin units");
      }
      ParameterRoles.Bias bias = roles.biases().stream().filter(r -> r.coefficient() == 1 && r.variable().equals(v.name())).findFirst()
          .orElseThrow(() -> refuse("no bias term θ'" + v.name() + " with a parameter of its own was found"));
      biases.put(v.name(), model.layout().find(bias.param()).orElseThrow());
    }
    this.mu = new double[model.stateSize()];
    this.measured = new double[model.stateSize()];
    for (Variables.Variable v : centered.values()) {
      java.util.Arrays.fill(mu, v.offset(), v.offset() + v.size(), v.domain().mean(0));
    }
    try {
      this.meanField = new MeanField(model, 50, 1e-6, 0);
    } catch (IllegalArgumentException e) {
      throw refuse(e.getMessage());
    }
  }

  private IllegalArgumentException refuse(String why) {
    return new IllegalArgumentException("centering applies to energies with couplings x_a'W x_b and biases θ'x_a between discrete variables; "
        + model.getClass().getSimpleName() + " does not fit: " + why);
  }

  private static int index(Coupling c, int i, int j) {
    return c.w().offset() + i * c.right().size() + j;
  }

  /** Visible offsets from the data means, their biases set to the logits (the usual centered start). */
  @Override
  public void initialize(double[] dataMeans) {
    for (Variables.Variable v : centered.values()) {
      if (!v.visible()) {
        continue;
      }
      ParamLayout.Entry b = biases.get(v.name());
      for (int i = 0; i < v.size(); i++) {
        double m = dataMeans[v.offset() + i];
        mu[v.offset() + i] = m;
        double p = Math.min(1 - 1e-3, Math.max(1e-3, v.domain().probabilityOfHigh(m)));
        model.params()[b.offset() + i] = Math.log(p / (1 - p)) / (v.domain().high() - v.domain().low());
      }
    }
  }

  @Override
  public void transform(double[] g) {
    Map<String, double[]> gb = new LinkedHashMap<>();
    biases.forEach((name, b) -> gb.put(name, java.util.Arrays.copyOfRange(g, b.offset(), b.offset() + b.size())));
    for (Coupling c : couplings) {
      double[] ga = gb.get(c.left().name());
      double[] gc = gb.get(c.right().name());
      for (int i = 0; i < c.left().size(); i++) {
        double mi = mu[c.left().offset() + i];
        for (int j = 0; j < c.right().size(); j++) {
          g[index(c, i, j)] -= mi * gc[j] + ga[i] * mu[c.right().offset() + j];
        }
      }
    }
    biases.forEach((name, b) -> System.arraycopy(gb.get(name), 0, g, b.offset(), b.size()));
    for (Coupling c : couplings) {
      ParamLayout.Entry ba = biases.get(c.left().name());
      ParamLayout.Entry bb = biases.get(c.right().name());
      for (int i = 0; i < c.left().size(); i++) {
        for (int j = 0; j < c.right().size(); j++) {
          double dw = g[index(c, i, j)];
          g[ba.offset() + i] -= dw * mu[c.right().offset() + j];
          g[bb.offset() + j] -= dw * mu[c.left().offset() + i];
        }
      }
    }
  }

  /**
   * Moves the offsets towards the minibatch's visible means and latent mean-field means, fitting
   * them here; the mean-field positive phase hands over its own through {@link #measure} instead.
   */
  @Override
  public void updateOffsets(MiniBatch batch) {
    int width = model.stateSize();
    double[] states = new double[batch.size() * width];
    double[] v = new double[batch.width()];
    for (int r = 0; r < batch.size(); r++) {
      batch.row(r, v);
      System.arraycopy(meanField.fit(v), 0, states, r * width, width);
    }
    measure(states, batch.size());
    moveOffsets();
  }

  @Override
  public void measure(double[] states, int b) {
    int width = model.stateSize();
    java.util.Arrays.fill(measured, 0);
    for (int r = 0; r < b; r++) {
      for (Variables.Variable x : centered.values()) {
        for (int k = x.offset(); k < x.offset() + x.size(); k++) {
          measured[k] += states[r * width + k];
        }
      }
    }
    for (int k = 0; k < measured.length; k++) {
      measured[k] /= b;
    }
  }

  @Override
  public void moveOffsets() {
    for (Variables.Variable x : centered.values()) {
      for (int k = x.offset(); k < x.offset() + x.size(); k++) {
        mu[k] = (1 - rate) * mu[k] + rate * measured[k];
      }
    }
  }

  @Override
  public boolean allowsDirectSteps() {
    return false;
  }

  @Override
  public boolean shiftable() {
    return false;
  }

  @Override
  public void accumulateShifted(org.ebm4j.model.BatchGradients gradients, double[] states, int rows, double[] weights, double[] buffer) {
    throw new UnsupportedOperationException("layer centering takes its steps through transform");
  }

  @Override
  public void save(Checkpoint c) {
    c.putArray("centering.offsets", mu);
  }

  @Override
  public void restore(Checkpoint c) {
    System.arraycopy(c.array("centering.offsets"), 0, mu, 0, mu.length);
  }
}
