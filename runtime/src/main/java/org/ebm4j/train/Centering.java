package org.ebm4j.train;

import java.util.List;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.BlockConditionals;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.FreeEnergy;
import org.ebm4j.model.ParamLayout;
import org.ebm4j.model.ParameterRoles;
import org.ebm4j.model.Variables;

/**
 * Centering (Melchior, Fischer &amp; Wiskott, JMLR 2016) for energies bilinear between one visible
 * and one latent binary variable, E = −vᵀWh − bᵀv − cᵀh (+ terms free of W, b, c). Training follows
 * the centered energy −(v − μ)ᵀW(h − λ) − b̃ᵀ(v − μ) − c̃ᵀ(h − λ), whose gradient is better
 * conditioned, but the parameters stay the plain ones: the centered step is applied through the
 * linear map it induces on (W, b, c), so {@code params()}, checkpoints and exports never hold
 * centered values. Offsets move towards the data means at {@code rate} after every update.
 *
 * <p>The model must have a visible block and summed-out latents, and W, b and c must be parameters
 * the processor proved to enter the energy only through those terms ({@link ParameterRoles}), so
 * that their gradients are the statistics v hᵀ, v and h.
 */
final class Centering implements Reparameterisation {
  private final EnergyModel model;
  private final double rate;
  private final ParamLayout.Entry w;
  private final boolean transposed;
  private final ParamLayout.Entry b;
  private final ParamLayout.Entry c;
  private final int nv;
  private final int nh;
  final double[] mu;
  final double[] lambda;
  private final BlockConditionals blocks;
  private final Variables.Variable latent;
  private final int visibleOffset;
  private final double[] meanV;
  private final double[] meanH;
  private double[] forB = new double[0];
  private double[] forC = new double[0];

  Centering(EnergyModel model, double rate) {
    this.model = model;
    this.rate = rate;
    List<Variables.Variable> visible = model.variables().all().stream().filter(Variables.Variable::visible).toList();
    List<Variables.Variable> latents = model.variables().all().stream().filter(v -> !v.visible()).toList();
    this.blocks = model.capability(BlockConditionals.class).orElse(null);
    if (visible.size() != 1 || latents.size() != 1 || model.capability(FreeEnergy.class).isEmpty() || blocks == null
        || !blocks.blocks().contains(visible.get(0).name()) || visible.get(0).domain() != org.ebm4j.model.Domain.BINARY
        || latents.get(0).domain() != org.ebm4j.model.Domain.BINARY) {
      throw refuse("it needs one binary visible block and one binary latent variable that the model sums out");
    }
    Variables.Variable v = visible.get(0);
    this.latent = latents.get(0);
    this.visibleOffset = v.offset();
    this.nv = v.size();
    this.nh = latent.size();
    // The compiler proved which parameter couples v and h and which are their biases.
    ParameterRoles roles = model.capability(ParameterRoles.class)
        .orElseThrow(() -> refuse("the processor found no parameter that enters the energy only as a coupling or a bias"));
    ParameterRoles.Coupling coupling = roles.couplings().stream()
        .filter(c -> c.coefficient() == 1 && (c.left().equals(v.name()) && c.right().equals(latent.name())
            || c.left().equals(latent.name()) && c.right().equals(v.name())))
        .findFirst()
        .orElseThrow(() -> refuse("no term -" + v.name() + "'W" + latent.name() + " with a parameter W of its own was found"));
    this.w = model.layout().find(coupling.param()).orElseThrow();
    this.transposed = coupling.left().equals(latent.name());
    this.b = bias(roles, v);
    this.c = bias(roles, latent);
    this.mu = new double[nv];
    this.lambda = new double[nh];
    java.util.Arrays.fill(lambda, 0.5);
    this.meanV = new double[nv];
    this.meanH = new double[nh];
  }

  private IllegalArgumentException refuse(String why) {
    return new IllegalArgumentException("centering applies to energies -v'Wh - b'v - c'h between a binary visible and a binary latent variable; "
        + model.getClass().getSimpleName() + " does not fit: " + why);
  }

  /** The parameter proven to enter log p̃ only as + θᵀ x for this variable. */
  private ParamLayout.Entry bias(ParameterRoles roles, Variables.Variable x) {
    ParameterRoles.Bias bias = roles.biases().stream()
        .filter(r -> r.coefficient() == 1 && r.variable().equals(x.name()))
        .findFirst()
        .orElseThrow(() -> refuse("no bias term -θ'" + x.name() + " with a parameter of its own was found"));
    return model.layout().find(bias.param()).orElseThrow();
  }

  private int wIndex(int i, int j) {
    return w.offset() + (transposed ? j * nv + i : i * nh + j);
  }

  /** μ from the data means; b set to their logits (the usual centered start, PyDeep's too). */
  @Override
  public void initialize(double[] dataMeans) {
    for (int i = 0; i < nv; i++) {
      double p = Math.min(1 - 1e-3, Math.max(1e-3, dataMeans[i]));
      mu[i] = dataMeans[i];
      model.params()[b.offset() + i] = Math.log(p / (1 - p));
    }
  }

  /**
   * Turns the plain ascent direction g = (g_W, g_b, g_c) into the plain-parameter step of the
   * centered update: ∇W = g_W − μ g_cᵀ − g_b λᵀ, Δb = g_b − ∇W λ, Δc = g_c − ∇Wᵀ μ (in place).
   */
  @Override
  public void transform(double[] g) {
    double[] gb = new double[nv];
    double[] gc = new double[nh];
    System.arraycopy(g, b.offset(), gb, 0, nv);
    System.arraycopy(g, c.offset(), gc, 0, nh);
    for (int i = 0; i < nv; i++) {
      for (int j = 0; j < nh; j++) {
        g[wIndex(i, j)] -= mu[i] * gc[j] + gb[i] * lambda[j];
      }
    }
    for (int i = 0; i < nv; i++) {
      double s = 0;
      for (int j = 0; j < nh; j++) {
        s += g[wIndex(i, j)] * lambda[j];
      }
      g[b.offset() + i] = gb[i] - s;
    }
    for (int j = 0; j < nh; j++) {
      double s = 0;
      for (int i = 0; i < nv; i++) {
        s += g[wIndex(i, j)] * mu[i];
      }
      g[c.offset() + j] = gc[j] - s;
    }
  }

  /**
   * Whether the model's whole gradient is (v hᵀ, v, h) in (W, b, c), with no other parameter: then
   * {@link #accumulateShifted} can take the centered step on shifted states.
   */
  @Override
  public boolean shiftable() {
    return model.layout().entries().size() == 3;
  }

  /**
   * Means of v and of E[h | v] over the data rows [0, b) of {@code states}, whose latent parts hold
   * E[h | v]; {@link #moveOffsets} then moves the offsets towards them.
   */
  @Override
  public void measure(double[] states, int b) {
    int width = model.stateSize();
    java.util.Arrays.fill(meanV, 0);
    java.util.Arrays.fill(meanH, 0);
    for (int r = 0; r < b; r++) {
      for (int i = 0; i < nv; i++) {
        meanV[i] += states[r * width + visibleOffset + i];
      }
      for (int j = 0; j < nh; j++) {
        meanH[j] += states[r * width + latent.offset() + j];
      }
    }
    for (int i = 0; i < nv; i++) {
      meanV[i] /= b;
    }
    for (int j = 0; j < nh; j++) {
      meanH[j] /= b;
    }
  }

  /** Moves the offsets towards the means of the last {@link #measure}. */
  @Override
  public void moveOffsets() {
    for (int i = 0; i < nv; i++) {
      mu[i] = (1 - rate) * mu[i] + rate * meanV[i];
    }
    for (int j = 0; j < nh; j++) {
      lambda[j] = (1 - rate) * lambda[j] + rate * meanH[j];
    }
  }

  /**
   * {@code buffer += } the plain-parameter step of the centered update, for row weights w_r that
   * sum to zero (data +, chains −): with ṽ = v − μ and h̃ = h − λ it is ΔW = Σ w_r ṽ_r h̃_rᵀ, Δb =
   * Σ w_r ṽ_r (1 − h̃_r·λ), Δc = Σ w_r h̃_r (1 − ṽ_r·μ) — what {@link #transform} makes of the plain
   * gradient, computed as one batched gradient of the shifted states and two column sums, without
   * the plain gradient ever being held. Shifts {@code states} in place.
   */
  @Override
  public void accumulateShifted(org.ebm4j.model.BatchGradients gradients, double[] states, int rows, double[] weights, double[] buffer) {
    int width = model.stateSize();
    if (forB.length < rows) {
      forB = new double[rows];
      forC = new double[rows];
    }
    for (int r = 0; r < rows; r++) {
      int v = r * width + visibleOffset;
      int h = r * width + latent.offset();
      double sv = 0;
      for (int i = 0; i < nv; i++) {
        states[v + i] -= mu[i];
        sv += states[v + i] * mu[i];
      }
      double sh = 0;
      for (int j = 0; j < nh; j++) {
        states[h + j] -= lambda[j];
        sh += states[h + j] * lambda[j];
      }
      forB[r] = -weights[r] * sh;
      forC[r] = -weights[r] * sv;
    }
    gradients.accumulateGradientBatch(states, rows, weights, buffer);
    org.ebm4j.kernel.Blas.columnSumsAdd(states, visibleOffset, width, rows, nv, forB, buffer, b.offset());
    org.ebm4j.kernel.Blas.columnSumsAdd(states, latent.offset(), width, rows, nh, forC, buffer, c.offset());
  }

  /** Moves the offsets towards the minibatch's means of v and E[h | v], computed state by state. */
  @Override
  public void updateOffsets(MiniBatch batch) {
    java.util.Arrays.fill(meanV, 0);
    java.util.Arrays.fill(meanH, 0);
    double[] x = new double[model.stateSize()];
    double[] fields = new double[nh];
    for (int r = 0; r < batch.size(); r++) {
      batch.row(r, x);
      for (int i = 0; i < nv; i++) {
        meanV[i] += x[i] / batch.size();
      }
      blocks.conditionalFields(latent.name(), x, fields);
      for (int j = 0; j < nh; j++) {
        meanH[j] += Kernels.sigmoid(fields[j]) / batch.size();
      }
    }
    moveOffsets();
  }

  /** A plain step is taken through {@link #transform} unless the whole step is taken on shifted states. */
  @Override
  public boolean allowsDirectSteps() {
    return shiftable();
  }

  @Override
  public void save(Checkpoint c) {
    c.putArray("centering.mu", mu).putArray("centering.lambda", lambda);
  }

  @Override
  public void restore(Checkpoint c) {
    System.arraycopy(c.array("centering.mu"), 0, mu, 0, mu.length);
    System.arraycopy(c.array("centering.lambda"), 0, lambda, 0, lambda.length);
  }
}
