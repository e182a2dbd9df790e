package org.ebm4j.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ebm4j.data.Dataset;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.Variables;
import org.ebm4j.sampling.Chains;

/**
 * Tells a diverging run from a training one by what each epoch did to the model, not only by
 * non-finite numbers: parameters of binary models stay finite at any learning rate, so a wrecked
 * model would otherwise pass as trained. After every epoch it checks, against the run's own history:
 *
 * <ul>
 *   <li>the monitored metric (exact log-likelihood, else pseudo-log-likelihood) falling more than
 *       one bit per visible unit (ln 2 nats, also for a real unit; ln K for a unit of K values) below its best (a loss no
 *       noisy step explains), or turning non-finite;
 *   <li>the parameter norm growing more than {@link #PARAMETER_GROWTH} times past both its largest
 *       earlier value and one per parameter in one epoch, or more than {@link #STEADY_GROWTH} times
 *       in each of {@link #DRIFT_EPOCHS} epochs in a row above one per parameter (a steady
 *       explosion, which would otherwise reach 1e307 one tenfold step at a time);
 *   <li>the gradient norm growing more than {@link #GRADIENT_GROWTH} times past the median of the
 *       last five epochs;
 *   <li>a persistent chain's real visible unit more than {@link #CHAIN_RANGE} data ranges outside
 *       the data's range: the model puts its mass where there is no data, the mark of an energy
 *       exp(−E) cannot normalise or of a sampler step far too large;
 *   <li>the mean of the persistent chains of a real visible unit moving further beyond the data's
 *       range in each of {@link #DRIFT_EPOCHS} epochs in a row: a slow drift that training does
 *       not pull back, caught long before the chains are far away.
 * </ul>
 *
 * The trainer measures a baseline before the first epoch, keeps the parameters of the last good
 * epoch and, when a check fails, puts them back and throws a {@link Trainer.DivergenceException}
 * naming the epoch, the cause and what to change; its listeners never see the failed epoch, so a
 * checkpoint written by a listener is never overwritten by a wrecked model.
 */
public final class DivergenceGuard {
  /** Growth of the parameter norm, past its history and one per parameter, taken as explosion. */
  public static final double PARAMETER_GROWTH = 100;
  /** Growth of the parameter norm per epoch that, sustained, is taken as explosion. */
  public static final double STEADY_GROWTH = 10;
  /** Growth of the gradient norm past the median of recent epochs taken as explosion. */
  public static final double GRADIENT_GROWTH = 1000;
  /** How many data ranges beyond the data's range a chain may wander. */
  public static final double CHAIN_RANGE = 10;
  /** Epochs in a row the chains' mean may move further beyond the data's range. */
  public static final int DRIFT_EPOCHS = 3;

  private final boolean on;

  private DivergenceGuard(boolean on) {
    this.on = on;
  }

  /** Every check above (the default). */
  public static DivergenceGuard standard() {
    return new DivergenceGuard(true);
  }

  /** Only non-finite gradients and parameters stop a run. */
  public static DivergenceGuard off() {
    return new DivergenceGuard(false);
  }

  /** Whether the checks run. */
  public boolean isOn() {
    return on;
  }

  /** The checks' state over one run. */
  static final class Watch {
    private final EnergyModel model;
    private final String tooFast;
    private final double collapseNats;
    private final double[] low;
    private final double[] high;
    private final double width;
    private final List<Double> gradientNorms = new ArrayList<>();
    /** The metric watched, fixed by the baseline: exact log-likelihood where it is known. */
    private final boolean exact;
    private double best = Double.NaN;
    private int bestEpoch;
    private double largestNorm;
    private double lastNorm;
    private int growing;
    /** Per visible unit: how far beyond the data's range the chains' mean was, and for how many epochs it grew. */
    private double[] beyond;
    private int[] streak;

    /** Starts watching {@code model} trained on {@code data}, from its state before the next epoch. */
    Watch(EnergyModel model, Dataset data, EpochMetrics baseline, String optimizer) {
      this.model = model;
      this.tooFast = "; lower the learning rate (the optimizer is " + optimizer + ") or add weight decay";
      double nats = 0;
      for (Variables.Variable v : model.variables().all()) {
        if (v.visible()) {
          // A real unit has no count of values: one bit of its density per unit, as for a binary one.
          nats += v.domain().isDiscrete() ? v.logStates() : v.size() * Math.log(2);
        }
      }
      this.collapseNats = nats;
      int n = data.width();
      low = new double[n];
      high = new double[n];
      java.util.Arrays.fill(low, Double.POSITIVE_INFINITY);
      java.util.Arrays.fill(high, Double.NEGATIVE_INFINITY);
      double[] values = data.values();
      for (int i = 0; i < data.size(); i++) {
        for (int j = 0; j < n; j++) {
          low[j] = Math.min(low[j], values[i * n + j]);
          high[j] = Math.max(high[j], values[i * n + j]);
        }
      }
      double w = 0;
      for (int j = 0; j < n; j++) {
        w = Math.max(w, high[j] - low[j]);
      }
      // Constant data still has a scale: its magnitude, or 1.
      for (int j = 0; j < n && w == 0; j++) {
        w = Math.max(w, Math.abs(high[j]));
      }
      this.width = w > 0 ? w : 1;
      this.largestNorm = norm(model.params());
      this.lastNorm = largestNorm;
      this.exact = Double.isFinite(baseline.logLikelihood());
      record(baseline);
    }

    private void record(EpochMetrics m) {
      double metric = metric(m);
      if (Double.isFinite(metric) && !(metric <= best)) {
        best = metric;
        bestEpoch = m.epoch();
      }
      if (Double.isFinite(m.gradientNorm())) {
        gradientNorms.add(m.gradientNorm());
      }
    }

    /**
     * The cause of divergence seen in the epoch {@code m} just measured, with what to change, or
     * null when the epoch looks like training; a good epoch joins the history.
     */
    String check(EpochMetrics m, Chains chains) {
      double norm = norm(model.params());
      String cause = cause(m, chains, norm);
      if (cause == null) {
        record(m);
        largestNorm = Math.max(largestNorm, norm);
        growing = norm > STEADY_GROWTH * lastNorm && norm > Math.sqrt(model.params().length) ? growing + 1 : 0;
        lastNorm = norm;
      }
      return cause;
    }

    private String cause(EpochMetrics m, Chains chains, double norm) {
      double metric = metric(m);
      String name = exact ? "log-likelihood" : "pseudo-log-likelihood";
      if (Double.isFinite(best)) {
        if (!Double.isFinite(metric)) {
          return String.format(Locale.ROOT, "the %s became %s (best %.4f nats, epoch %d)", name, metric, best, bestEpoch)
              + tooFast;
        }
        if (metric < best - collapseNats) {
          return String.format(Locale.ROOT, "the %s collapsed to %.6g nats, more than %.2f nats (one bit per visible unit) below its best, %.4f at epoch %d",
                  name, metric, collapseNats, best, bestEpoch)
              + tooFast;
        }
      }
      double[] p = model.params();
      double floor = Math.max(largestNorm, Math.sqrt(p.length));
      if (norm > PARAMETER_GROWTH * floor) {
        return String.format(Locale.ROOT, "the parameter norm exploded to %.3g, more than %.0f times its earlier largest (%.3g) and one per parameter",
                norm, PARAMETER_GROWTH, largestNorm)
            + tooFast;
      }
      if (growing == DRIFT_EPOCHS - 1 && norm > STEADY_GROWTH * lastNorm && norm > Math.sqrt(p.length)) {
        return String.format(Locale.ROOT, "the parameter norm keeps exploding: more than %.0f times larger in each of the last %d epochs, now %.3g",
                STEADY_GROWTH, DRIFT_EPOCHS, norm)
            + tooFast;
      }
      if (gradientNorms.size() >= 3 && Double.isFinite(m.gradientNorm())) {
        double median = median(gradientNorms.subList(Math.max(0, gradientNorms.size() - 5), gradientNorms.size()));
        if (m.gradientNorm() > GRADIENT_GROWTH * median) {
          return String.format(Locale.ROOT, "the gradient norm exploded to %.3g, more than %.0f times the median of recent epochs (%.3g)",
                  m.gradientNorm(), GRADIENT_GROWTH, median)
              + tooFast;
        }
      }
      return chains == null ? null : chainCause(chains);
    }

    private String chainCause(Chains chains) {
      double[] s = chains.states();
      int stride = chains.width();
      if (beyond == null) {
        beyond = new double[low.length];
        streak = new int[low.length];
      }
      for (Variables.Variable v : model.variables().all()) {
        if (!v.visible() || v.domain().isDiscrete()) {
          continue;
        }
        for (int k = 0; k < v.size(); k++) {
          int j = v.offset() + k;
          double mean = 0;
          for (int c = 0; c < chains.count(); c++) {
            mean += s[c * stride + j] / chains.count();
          }
          double out = Math.max(0, Math.max(low[j] - mean, mean - high[j]));
          streak[j] = out > 0 && out > beyond[j] ? streak[j] + 1 : 0;
          beyond[j] = out;
          if (streak[j] >= DRIFT_EPOCHS) {
            return String.format(Locale.ROOT, "the persistent chains drift away from the data: their mean of %s[%d] moved further beyond the data's range"
                    + " [%.4g, %.4g] in each of the last %d epochs, to %.4g", v.name(), k, low[j], high[j], DRIFT_EPOCHS, mean)
                + notNormalizable(v.name());
          }
        }
        for (int c = 0; c < chains.count(); c++) {
          for (int k = 0; k < v.size(); k++) {
            int j = v.offset() + k;
            double x = s[c * stride + j];
            if (!(x >= low[j] - CHAIN_RANGE * width && x <= high[j] + CHAIN_RANGE * width)) {
              return String.format(Locale.ROOT, "persistent chain %d left the data's range: %s[%d] = %.4g, while the data's values of it lie in [%.4g, %.4g]"
                      + " and their widest range is %.4g", c, v.name(), k, x, low[j], high[j], width)
                  + notNormalizable(v.name());
            }
          }
        }
      }
      return null;
    }

    private static String notNormalizable(String variable) {
      return "; exp(-E) may not be normalizable (the energy must grow at least like |" + variable + "| in every direction:"
          + " add a term such as 0.5 * sumSquares(" + variable + ")), or the sampler's step is too large";
    }

    private double metric(EpochMetrics m) {
      return exact ? m.logLikelihood() : m.pseudoLogLikelihood();
    }

    private static double median(List<Double> values) {
      double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      return v.length % 2 == 1 ? v[v.length / 2] : 0.5 * (v[v.length / 2 - 1] + v[v.length / 2]);
    }

    private static double norm(double[] p) {
      double s = 0;
      for (double x : p) {
        s += x * x;
      }
      return Math.sqrt(s);
    }
  }
}
