package org.ebm4j.train;

import java.util.List;
import org.ebm4j.data.Dataset;
import org.ebm4j.estimate.Enumeration;
import org.ebm4j.estimate.ExactLogZ;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.CategoricalUnits;
import org.ebm4j.model.Domain;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.SelfCouplings;
import org.ebm4j.model.Variables;
import org.ebm4j.random.Rng;

/**
 * What is measured after each epoch, outside the update loop: the exact average log-likelihood of
 * the training data where the model is small enough to enumerate, and a cheap pseudo-log-likelihood
 * for discrete visibles. Draws from generators of its own, so measuring never changes training.
 */
public final class Metrics {
  /**
   * Most work per epoch for a metric, in states visited times parameters (each state's weight
   * costs about one pass over θ): 2^32, a few seconds.
   */
  static final double MAX_WORK = Math.pow(2, 32);
  /** The seed of the examples (and sites) the per-epoch pseudo-log-likelihood looks at. */
  static final int MONITOR_SEED = 0x5eed;
  /** Examples of the exact all-sites pseudo-log-likelihood where one gradient gives every site. */
  static final int ALL_SITES_EXAMPLES = 1000;

  private final boolean likelihoods;
  private Enumeration evaluation;
  private boolean planned;
  private boolean pseudoPlanned;
  private boolean pseudoAffordable;
  private final List<String> skipped = new java.util.ArrayList<>();

  private Metrics(boolean likelihoods) {
    this.likelihoods = likelihoods;
  }

  /** The data set last asked about and its observed rows, so that each epoch does not copy them again. */
  private Dataset lastData;
  private Dataset lastObserved;

  private Dataset observations(Dataset data) {
    if (data != lastData) {
      lastData = data;
      lastObserved = data.observations();
    }
    return lastObserved;
  }

  /** Exact log-likelihood (up to 2^20 enumerated states) and the pseudo-log-likelihood. */
  public static Metrics standard() {
    return new Metrics(true);
  }

  /** Time and gradient norm only. */
  public static Metrics timingOnly() {
    return new Metrics(false);
  }

  /** The metrics of one epoch. */
  EpochMetrics measure(EnergyModel model, Dataset data, int epoch, double seconds, double gradientNorm) {
    if (!likelihoods) {
      return new EpochMetrics(epoch, seconds, Double.NaN, Double.NaN, gradientNorm);
    }
    // One fixed subset for every epoch, so that the curve moves only with the model.
    return new EpochMetrics(epoch, seconds, exactLogLikelihood(model, data), pseudoLogLikelihood(model, data, MONITOR_SEED), gradientNorm);
  }

  /**
   * What the metrics leave out for this model and data because it would cost too much, costed
   * without enumerating anything, e.g. "exact log-likelihood: log Z would enumerate 2^40 joint
   * states"; empty when nothing is skipped.
   */
  public List<String> skipped(EnergyModel model, Dataset data) {
    if (likelihoods) {
      planExact(model, data);
      planPseudo(model);
    }
    return List.copyOf(skipped);
  }

  /**
   * Exact average log-likelihood of {@code data}'s observed rows ({@link Dataset#observations}: a
   * pseudo-count's uniform rows shape training, not what is reported), or NaN when the model is
   * too large.
   */
  public double exactLogLikelihood(EnergyModel model, Dataset data) {
    data = observations(data);
    planExact(model, data);
    if (evaluation == null) {
      return Double.NaN;
    }
    double logZ = ExactLogZ.compute(model, Runtime.getRuntime().availableProcessors(), null);
    return Enumeration.averageLogLikelihood(model, data, logZ);
  }

  /** Decides once whether the exact log-likelihood is affordable. */
  private void planExact(EnergyModel model, Dataset data) {
    if (!planned) {
      planned = true;
      try {
        Enumeration plan = Enumeration.plan(model, false);
        long perExample = Enumeration.logPTildeCost(model);
        // Sums over interacting layers cost a pass over θ per state; the older sides have fast paths.
        double perState = plan.side() == Enumeration.Side.PARTIAL ? Math.max(1, model.params().length) : 1;
        if (plan.states() > (1L << 20) || plan.states() * perState > MAX_WORK) {
          skipped.add("exact log-likelihood: log Z would enumerate " + plan.describe());
        } else if (perExample < 0 || (perExample > 1 && (double) perExample * data.size() * Math.max(1, model.params().length) > MAX_WORK)) {
          skipped.add("exact log-likelihood: log p̃(v) would visit " + Enumeration.describeCost(perExample)
              + " for each of " + data.size() + " examples");
        } else {
          evaluation = plan;
        }
      } catch (IllegalArgumentException e) {
        skipped.add("exact log-likelihood: " + e.getMessage());
      }
    }
  }

  /** Decides once whether the pseudo-log-likelihood is affordable (discrete visibles only). */
  private void planPseudo(EnergyModel model) {
    if (pseudoPlanned || model.variables().all().stream().anyMatch(v -> v.visible() && !v.domain().isDiscrete())) {
      return;
    }
    pseudoPlanned = true;
    long cost = Enumeration.logPTildeCost(model);
    // Two log p̃(v) for each of up to 200 examples.
    pseudoAffordable = cost >= 0 && 400.0 * cost * Math.max(1, model.params().length) <= MAX_WORK;
    if (!pseudoAffordable) {
      skipped.add("pseudo-log-likelihood: log p̃(v) would visit " + Enumeration.describeCost(cost) + " per example");
    }
  }

  /**
   * The pseudo-log-likelihood Σ_i log p(v_i | v_−i) per example, weighted by the data's weights,
   * on observed examples ({@link Dataset#observations}) drawn by a generator seeded by {@code
   * seed}. Where one gradient gives every unit's conditional ({@link SelfCouplings}: a Potts model,
   * a Boltzmann machine) it sums every site of up to 1000 examples; otherwise it estimates on up to
   * 200 examples with one random unit each (scaled by the number of units). NaN for real visibles or where log p̃(v) is not known.
   */
  public double pseudoLogLikelihood(EnergyModel model, Dataset data, int seed) {
    data = observations(data);
    List<Variables.Variable> visible = model.variables().all().stream().filter(Variables.Variable::visible).toList();
    if (visible.stream().anyMatch(v -> !v.domain().isDiscrete())) {
      return Double.NaN;
    }
    SelfCouplings self = SelfCouplings.of(model);
    if (self != null) {
      return allSitesPseudoLogLikelihood(self, data, new Rng(seed));
    }
    planPseudo(model);
    if (!pseudoAffordable) {
      return Double.NaN;
    }
    Rng local = new Rng(seed);
    int n = Math.min(200, data.size());
    double total = 0;
    double weights = 0;
    double[] v = new double[data.width()];
    int[] units = SiteFlips.unitStarts(model);
    try {
      for (int i = 0; i < n; i++) {
        int example = local.nextInt(data.size());
        double w = data.weight(example);
        weights += w;
        data.row(example, v);
        int unit = units[local.nextInt(units.length)];
        double here = Enumeration.logPTildeVisible(model, v);
        Variables.Variable owner = model.variables().variableAt(unit);
        if (owner.isCategorical()) {
          // log p(v_i | rest) = −log Σ_a exp(log p̃(v with unit i in state a) − log p̃(v)).
          double[] observed = java.util.Arrays.copyOfRange(v, unit, unit + owner.group());
          double logSum = Double.NEGATIVE_INFINITY;
          for (int a = 0; a < owner.group(); a++) {
            java.util.Arrays.fill(v, unit, unit + owner.group(), 0.0);
            v[unit + a] = 1;
            logSum = Kernels.logAddExp(logSum, Enumeration.logPTildeVisible(model, v) - here);
          }
          System.arraycopy(observed, 0, v, unit, observed.length);
          total -= w * logSum;
          continue;
        }
        Domain d = model.variables().domainAt(unit);
        v[unit] = d.value(1 - d.index(v[unit]));
        double flipped = Enumeration.logPTildeVisible(model, v);
        total -= w * Kernels.softplus(flipped - here);
      }
    } catch (IllegalArgumentException e) {
      return Double.NaN;
    }
    return total / weights * units.length;
  }

  /** Every site's log p(v_i | v_−i) from one batched gradient per example (see {@link SelfCouplings}). */
  private static double allSitesPseudoLogLikelihood(SelfCouplings self, Dataset data, Rng local) {
    EnergyModel model = self.model();
    int n = Math.min(ALL_SITES_EXAMPLES, data.size());
    int width = model.stateSize();
    double[] states = new double[n * width];
    double[] w = new double[n];
    double[] row = new double[data.width()];
    for (int r = 0; r < n; r++) {
      int example = n == data.size() ? r : local.nextInt(data.size());
      data.row(example, row);
      System.arraycopy(row, 0, states, r * width, row.length);
      w[r] = data.weight(example);
    }
    double[] g = new double[n * width];
    self.gradients(states, n, g);
    int[] units = SiteFlips.unitStarts(model);
    int maxK = model.variables().all().stream().mapToInt(Variables.Variable::group).max().orElse(1);
    double[] logits = new double[Math.max(2, maxK)];
    double total = 0;
    double weights = 0;
    for (int r = 0; r < n; r++) {
      int base = r * width;
      double sum = 0;
      for (int p : units) {
        Variables.Variable v = model.variables().variableAt(p);
        if (!v.isCategorical()) {
          double now = states[base + p];
          // log p(v_p | rest) = −softplus(log p̃(flipped) − log p̃(v)) = −softplus(−ΔE).
          sum -= Kernels.softplus(-self.change(g, base, p, v.domain().low() + v.domain().high() - 2 * now, p, 0));
          continue;
        }
        int k = v.group();
        self.stateLogits(states, g, base, p, k, logits);
        sum -= CategoricalUnits.logSumExp(logits, 0, 1, k);
      }
      total += w[r] * sum;
      weights += w[r];
    }
    return total / weights;
  }
}
