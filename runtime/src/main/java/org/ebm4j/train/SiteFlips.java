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
 * A categorical unit's "flips" are its K − 1 other states, and pseudo-likelihood's term is then
 * log p(v_i | v_−i) = −log Σ_a exp(a_a), each other state weighted by its conditional probability.
 * Latents are summed out by the model's free energy; others are refused.
 */
final class SiteFlips {
  private final String name;
  /** −f'(a) ≥ 0: how strongly a site pulls log p̃(v) up against its flip. */
  private final DoubleUnaryOperator pull;
  private final int sites;
  private WeightedRows rows;
  private CouplingFields fields;
  private EnergyModel fieldsModel;
  /** Whether the last model bound took the one-gradient-per-example form. */
  private boolean fast;

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
    return name + " over " + (sites == 0 ? "every visible site" : sites + " random visible sites per example")
        + (fast ? ", every unit's change from one gradient per example (energy affine apart from its couplings)" : "");
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
    // The visible units: an entry each for two-valued units, a group of K for a categorical one.
    int[] first = unitStarts(model);
    int[] states = unitStates(model, first);
    int d = first.length;
    int k = sites == 0 || sites >= d ? d : sites;
    int maxStates = Math.max(2, java.util.Arrays.stream(states).max().orElse(2));
    int visible = model.visibleSize();
    int width = model.stateSize();
    rows.ensure((1 + k * (maxStates - 1)) * batch.size());
    double[] rowStates = rows.states;
    double[] weights = rows.weights;
    double scale = (double) d / k / batch.size();
    if (fields == null || fieldsModel != model) {
      fieldsModel = model;
      fields = CouplingFields.of(model);
      fast = fields != null;
    }
    if (fields != null) {
      // Every unit's change from one gradient per example (see CouplingFields).
      int[][] units = new int[batch.size()][k];
      int[] counts = new int[batch.size()];
      double[] scales = new double[batch.size()];
      int[] chosen = new int[d];
      for (int b = 0; b < batch.size(); b++) {
        pick(chosen, d, k, rng);
        for (int s = 0; s < k; s++) {
          units[b][s] = first[chosen[s]];
        }
        counts[b] = k;
        scales[b] = scale * batch.weight(b);
      }
      fields.accumulate(batch.values(), batch.size(), units, counts, scales, pull, grad);
      return;
    }
    double[] v = new double[batch.width()];
    int[] chosen = new int[d];
    int[] unitOfRow = new int[rows.weights.length];
    int row = 0;
    double[] exampleScale = new double[rows.weights.length];
    for (int b = 0; b < batch.size(); b++) {
      batch.row(b, v);
      pick(chosen, d, k, rng);
      exampleScale[row] = scale * batch.weight(b);
      System.arraycopy(v, 0, rowStates, row * width, visible);
      unitOfRow[row++] = -1;
      for (int s = 0; s < k; s++) {
        int unit = chosen[s];
        int i = first[unit];
        if (states[unit] == 0) {
          Domain dom = model.variables().domainAt(i);
          double observed = v[i];
          v[i] = dom.low() + dom.high() - observed;
          System.arraycopy(v, 0, rowStates, row * width, visible);
          v[i] = observed;
          unitOfRow[row++] = unit;
          continue;
        }
        // Every other state of a categorical unit: K − 1 rows.
        int group = states[unit];
        for (int a = 0; a < group; a++) {
          if (v[i + a] != 0) {
            continue;
          }
          int at = row * width;
          System.arraycopy(v, 0, rowStates, at, visible);
          java.util.Arrays.fill(rowStates, at + i, at + i + group, 0.0);
          rowStates[at + i + a] = 1;
          unitOfRow[row++] = unit;
        }
      }
    }
    // log p~ of every example and every flip at once (one batched product per latent block).
    double[] logP = new double[row];
    rows.logPTildeBatch(row, logP);
    int self = 0;
    for (int r = 0; r < row; ) {
      int unit = unitOfRow[r];
      if (unit < 0) {
        self = r;
        weights[r++] = 0;
        continue;
      }
      double perExample = exampleScale[self];
      if (states[unit] == 0) {
        double w = perExample * pull.applyAsDouble(logP[r] - logP[self]);
        weights[r++] = -w;
        weights[self] += w;
        continue;
      }
      // A categorical unit's rows: log p(v_i | rest) = −log Σ_a exp(Δ_a) with Δ = 0 for the
      // observed state, so each other state pulls with its conditional probability p_a.
      int end = r;
      double norm = 1; // exp(0) for the observed state
      double max = 0;
      while (end < row && unitOfRow[end] == unit) {
        max = Math.max(max, logP[end] - logP[self]);
        end++;
      }
      norm = Math.exp(-max);
      for (int q = r; q < end; q++) {
        norm += Math.exp(logP[q] - logP[self] - max);
      }
      for (int q = r; q < end; q++) {
        double w = perExample * Math.exp(logP[q] - logP[self] - max) / norm;
        weights[q] = -w;
        weights[self] += w;
      }
      r = end;
    }
    rows.accumulateGradient(row, grad);
  }

  /** The first state index of each visible unit. */
  static int[] unitStarts(EnergyModel model) {
    java.util.List<Integer> out = new java.util.ArrayList<>();
    for (Variables.Variable v : model.variables().all()) {
      if (v.visible()) {
        for (int u = 0; u < v.units(); u++) {
          out.add(v.offset() + u * v.group());
        }
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** K for each categorical unit, 0 for a two-valued one (flipped rather than enumerated). */
  private static int[] unitStates(EnergyModel model, int[] first) {
    int[] out = new int[first.length];
    for (int u = 0; u < first.length; u++) {
      Variables.Variable v = model.variables().variableAt(first[u]);
      out[u] = v.isCategorical() ? v.group() : 0;
    }
    return out;
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
