package org.ebm4j.train;

import java.util.random.RandomGenerator;
import org.ebm4j.model.BatchGradients;
import org.ebm4j.model.Batches;
import org.ebm4j.model.Domain;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.FreeEnergy;
import org.ebm4j.model.Variables;

/**
 * Pseudo-likelihood (Besag 1975): Σ_i log p(v_i | v_−i) over the visible units, which needs no
 * partition function and no sampling. Each site's conditional compares log p̃ at the two values of
 * the unit, so its gradient is (v_i − p_i)(∇θ log p̃(v^{i←high}) − ∇θ log p̃(v^{i←low})) with p_i =
 * p(v_i = high | v_−i): the exact gradient from two model evaluations per site, all rows of a
 * minibatch through one batched gradient where the model offers one. Latents are summed out by the
 * model's free energy (an RBM's visibles); models whose latents cannot be summed out are refused.
 *
 * <p>With {@code sites = K > 0} each example contributes K sites drawn without replacement,
 * scaled by d / K: an unbiased estimate for models with many visible units (all d sites cost 2d
 * model evaluations per example).
 */
public final class PseudoLikelihood implements Objective {
  private final int sites;
  private double[] states = new double[0];
  private double[] scratch = new double[0];
  private double[] weights = new double[0];

  PseudoLikelihood(int sites) {
    if (sites < 0) {
      throw new IllegalArgumentException("pseudo-likelihood sites must be >= 0 (0 means all), got " + sites);
    }
    this.sites = sites;
  }

  /** Sites per example; 0 is every visible unit. */
  public int sites() {
    return sites;
  }

  /** The spec {@link #parse} reads back: {@code pseudo-likelihood} or {@code pseudo-likelihood:sites=K}. */
  public String spec() {
    return sites == 0 ? "pseudo-likelihood" : "pseudo-likelihood:sites=" + sites;
  }

  /** Parses {@code pseudo-likelihood[:sites=K]}. */
  public static PseudoLikelihood parse(String spec) {
    String s = spec.trim();
    if (s.equals("pseudo-likelihood")) {
      return new PseudoLikelihood(0);
    }
    if (s.startsWith("pseudo-likelihood:sites=")) {
      try {
        return new PseudoLikelihood(Integer.parseInt(s.substring("pseudo-likelihood:sites=".length())));
      } catch (NumberFormatException e) {
        // fall through to the message
      }
    }
    throw new IllegalArgumentException("'" + spec + "' is not a pseudo-likelihood spec; write pseudo-likelihood or pseudo-likelihood:sites=K");
  }

  /** Refuses models whose pseudo-likelihood this class cannot compute, saying why. */
  static void check(EnergyModel model) {
    for (Variables.Variable v : model.variables().all()) {
      if (v.visible() && !v.domain().isDiscrete()) {
        throw new IllegalArgumentException("pseudo-likelihood is for discrete visible units; '" + v.name() + "' of "
            + model.getClass().getSimpleName() + " is real-valued (use maximum likelihood, or score matching once available)");
      }
    }
    if (model.latentSize() > 0 && model.capability(FreeEnergy.class).isEmpty()) {
      throw new IllegalArgumentException("pseudo-likelihood needs log p~(v) with the latents summed out; the processor proved no free energy for "
          + model.getClass().getSimpleName() + " (its latents interact): use maximum likelihood with --positive meanfield");
    }
  }

  @Override
  public void accumulate(EnergyModel model, MiniBatch batch, double[] grad, RandomGenerator rng) {
    check(model);
    int d = model.visibleSize();
    int k = sites == 0 || sites >= d ? d : sites;
    int width = model.stateSize();
    int rows = 2 * k * batch.size();
    if (states.length < rows * width) {
      states = new double[rows * width];
      scratch = new double[rows * width];
    }
    if (weights.length < rows) {
      weights = new double[rows];
    }
    FreeEnergy free = model.capability(FreeEnergy.class).orElse(null);
    double scale = (double) d / k / batch.size();
    double[] v = new double[batch.width()];
    int[] chosen = new int[d];
    int row = 0;
    for (int b = 0; b < batch.size(); b++) {
      batch.row(b, v);
      pick(chosen, d, k, rng);
      for (int s = 0; s < k; s++) {
        int i = chosen[s];
        Domain dom = model.variables().domainAt(i);
        double observed = v[i];
        v[i] = dom.low();
        double low = logPTilde(model, free, v);
        System.arraycopy(v, 0, states, row * width, d);
        v[i] = dom.high();
        double high = logPTilde(model, free, v);
        System.arraycopy(v, 0, states, (row + 1) * width, d);
        v[i] = observed;
        double pHigh = 1 / (1 + Math.exp(low - high));
        double residual = (observed == dom.high() ? 1 : 0) - pHigh;
        weights[row] = -scale * residual;
        weights[row + 1] = scale * residual;
        row += 2;
      }
    }
    gradient(model, free, rows, grad);
  }

  /** log p̃ of the visible part, latents summed out. */
  private static double logPTilde(EnergyModel model, FreeEnergy free, double[] v) {
    if (free != null) {
      return -free.freeEnergy(v);
    }
    return -model.energy(v);
  }

  /** {@code grad += Σ_r weights[r] ∇θ log p̃(v_r)} for the first {@code rows} states. */
  private void gradient(EnergyModel model, FreeEnergy free, int rows, double[] grad) {
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

  /** The first k entries of {@code into}: k distinct sites of d (all of them, in order, when k = d). */
  private static void pick(int[] into, int d, int k, RandomGenerator rng) {
    for (int i = 0; i < d; i++) {
      into[i] = i;
    }
    if (k == d) {
      return;
    }
    for (int i = 0; i < k; i++) {
      int j = i + rng.nextInt(d - i);
      int t = into[i];
      into[i] = into[j];
      into[j] = t;
    }
  }

  @Override
  public String describe() {
    return "pseudo-likelihood over " + (sites == 0 ? "every visible site" : sites + " random visible sites per example");
  }
}
