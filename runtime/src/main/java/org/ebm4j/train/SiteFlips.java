package org.ebm4j.train;

import java.util.random.RandomGenerator;
import java.util.function.DoubleUnaryOperator;
import org.ebm4j.model.Domain;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.Variables;

/**
 * The machinery of objectives built from one-unit flips of the data: for each example v and site i,
 * a_i = log p̃(v with unit i flipped) − log p̃(v), and the objective is Σ_i f(a_i). Its ascent
 * direction is Σ_i f'(a_i) (∇θ log p̃(flip_i v) − ∇θ log p̃(v)), so every example gives 1 + K rows
 * (itself and its K flips) with weights −Σ f' and f'(a_i), all through one batched gradient.
 * Pseudo-likelihood is f(a) = −softplus(a) (log p(v_i | v_−i)), ratio matching f(a) = −σ(a)².
 * Latents are summed out by the model's free energy; others are refused.
 */
final class SiteFlips {
  private final String name;
  /** −f'(a) ≥ 0: how strongly a site pulls log p̃(v) up against its flip. */
  private final DoubleUnaryOperator pull;
  private final int sites;
  private WeightedRows rows;

  SiteFlips(String name, int sites, DoubleUnaryOperator pull) {
    if (sites < 0) {
      throw new IllegalArgumentException(name + " sites must be >= 0 (0 means all), got " + sites);
    }
    this.name = name;
    this.sites = sites;
    this.pull = pull;
  }

  int sites() {
    return sites;
  }

  String spec() {
    return sites == 0 ? name : name + ":sites=" + sites;
  }

  String describe() {
    return name + " over " + (sites == 0 ? "every visible site" : sites + " random visible sites per example");
  }

  /** The sites option of {@code spec} ({@code NAME} or {@code NAME:sites=K}). */
  static int parseSites(String name, String spec) {
    String s = spec.trim();
    if (s.equals(name)) {
      return 0;
    }
    if (s.startsWith(name + ":sites=")) {
      try {
        return Integer.parseInt(s.substring((name + ":sites=").length()));
      } catch (NumberFormatException e) {
        // fall through to the message
      }
    }
    throw new IllegalArgumentException("'" + spec + "' is not a " + name + " spec; write " + name + " or " + name + ":sites=K");
  }

  /** Refuses models whose flips this cannot evaluate, saying why and what to use. */
  void check(EnergyModel model, boolean binaryOnly) {
    for (Variables.Variable v : model.variables().all()) {
      if (v.visible() && !v.domain().isDiscrete()) {
        throw new IllegalArgumentException(name + " is for discrete visible units; '" + v.name() + "' of "
            + model.getClass().getSimpleName() + " is real-valued (use maximum likelihood, score-matching, sliced-score-matching, denoising-score-matching or nce)");
      }
      if (binaryOnly && v.visible() && v.domain() != Domain.BINARY && v.domain() != Domain.SPIN) {
        throw new IllegalArgumentException(name + " is for binary or spin visible units; '" + v.name() + "' is " + v.domain());
      }
    }
    WeightedRows.requireMarginal(model, name);
  }

  void accumulate(EnergyModel model, MiniBatch batch, double[] grad, RandomGenerator rng) {
    check(model, false);
    if (rows == null || rows.model() != model) {
      rows = new WeightedRows(model);
    }
    int d = model.visibleSize();
    int k = sites == 0 || sites >= d ? d : sites;
    int width = model.stateSize();
    rows.ensure((1 + k) * batch.size());
    double[] states = rows.states;
    double[] weights = rows.weights;
    double scale = (double) d / k / batch.size();
    double[] v = new double[batch.width()];
    int[] chosen = new int[d];
    int[] site = new int[rows.weights.length];
    int row = 0;
    for (int b = 0; b < batch.size(); b++) {
      batch.row(b, v);
      pick(chosen, d, k, rng);
      System.arraycopy(v, 0, states, row * width, d);
      site[row++] = -1;
      for (int s = 0; s < k; s++) {
        int i = chosen[s];
        Domain dom = model.variables().domainAt(i);
        double observed = v[i];
        v[i] = dom.low() + dom.high() - observed;
        System.arraycopy(v, 0, states, row * width, d);
        v[i] = observed;
        site[row++] = i;
      }
    }
    // log p~ of every example and every flip at once (one batched product per latent block).
    double[] logP = new double[row];
    rows.logPTildeBatch(row, logP);
    int self = 0;
    for (int r = 0; r < row; r++) {
      if (site[r] < 0) {
        self = r;
        weights[r] = 0;
        continue;
      }
      double w = scale * pull.applyAsDouble(logP[r] - logP[self]);
      weights[r] = -w;
      weights[self] += w;
    }
    rows.accumulateGradient(row, grad);
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
}
