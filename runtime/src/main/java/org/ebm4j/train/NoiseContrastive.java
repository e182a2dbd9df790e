package org.ebm4j.train;

import java.util.Locale;
import java.util.random.RandomGenerator;
import org.ebm4j.data.Dataset;
import org.ebm4j.model.Domain;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.Variables;

/**
 * Noise-contrastive estimation (Gutmann &amp; Hyvärinen 2010): logistic regression between the data
 * and ν times as many noise samples, with the model's log density log p̃(u) − c against the noise's
 * log q(u). The normalizer c (an estimate of log Z) is learned with the parameters ({@link
 * #ownParameters}), so no partition function is computed and nothing is sampled from the model. With
 * h(u) = σ(log p̃(u) − c − log q(u) − log ν), the objective is (1/B)[Σ_data log h + Σ_noise log(1 − h)];
 * its gradient is (1 − h) ∇θ log p̃ on data rows and −h ∇θ log p̃ on noise rows, all through one
 * batched gradient.
 *
 * <p>The noise is fitted to the training data in {@link #prepare}: independent marginals for
 * discrete units, a Gaussian per unit (mean and standard deviation) for real ones. Latents are summed
 * out by the model's free energy; models without one are refused.
 */
public final class NoiseContrastive implements Objective {
  static final String NAME = "nce";
  private final double ratio;
  private final double[] logZ = {0};
  private final double[] logZGradient = {0};
  /** Per visible unit: p(high) for discrete units, the mean for real ones. */
  private double[] location;
  /** Per visible unit: the standard deviation of real units. */
  private double[] scale;
  private WeightedRows rows;

  NoiseContrastive(double ratio) {
    if (!(ratio > 0) || Double.isInfinite(ratio)) {
      throw new IllegalArgumentException("the NCE noise ratio must be positive, got " + ratio);
    }
    this.ratio = ratio;
  }

  /** Parses {@code nce} or {@code nce:ratio=R}. */
  public static NoiseContrastive parse(String spec) {
    String s = spec.trim();
    if (s.equals(NAME)) {
      return new NoiseContrastive(1);
    }
    if (s.startsWith(NAME + ":ratio=")) {
      try {
        return new NoiseContrastive(Double.parseDouble(s.substring((NAME + ":ratio=").length())));
      } catch (NumberFormatException e) {
        // fall through to the message
      }
    }
    throw new IllegalArgumentException("'" + spec + "' is not an NCE spec; write nce or nce:ratio=R (noise samples per example, default 1)");
  }

  /** The spec {@link #parse} reads back. */
  @Override
  public String spec() {
    return ratio == 1 ? NAME : NAME + ":ratio=" + ratio;
  }

  /** The learned normalizer c, NCE's estimate of log Z. */
  public double logZ() {
    return logZ[0];
  }

  @Override
  public double[] ownParameters() {
    return logZ;
  }

  @Override
  public double[] ownGradient() {
    return logZGradient;
  }

  /** Fits the noise to the data and starts c where the model and the noise agree on average. */
  @Override
  public void prepare(EnergyModel model, Dataset data) {
    check(model);
    fitNoise(model, data.values(), data.size(), data.width());
    WeightedRows w = rows(model);
    double[] v = new double[data.width()];
    double sum = 0;
    int n = Math.min(data.size(), 1000);
    for (int r = 0; r < n; r++) {
      data.row(r, v);
      sum += w.logPTilde(v) - logNoise(model, v);
    }
    logZ[0] = sum / n;
  }

  private void fitNoise(EnergyModel model, double[] values, int count, int width) {
    location = new double[width];
    scale = new double[width];
    for (int k = 0; k < width; k++) {
      double mean = 0;
      for (int r = 0; r < count; r++) {
        mean += values[r * width + k] / count;
      }
      double var = 0;
      for (int r = 0; r < count; r++) {
        var += Math.pow(values[r * width + k] - mean, 2) / count;
      }
      Domain d = model.variables().domainAt(k);
      if (d == Domain.CATEGORICAL) {
        // Each state's frequency, smoothed towards uniform so that every state has noise probability.
        int states = model.variables().variableAt(k).group();
        location[k] = (mean * count + 1.0 / states) / (count + 1.0);
      } else if (d.isDiscrete()) {
        // Smoothed towards 1/2 so that every state has noise probability.
        double p = (d.probabilityOfHigh(mean) * count + 0.5) / (count + 1.0);
        location[k] = p;
      } else {
        location[k] = mean;
        scale[k] = Math.max(Math.sqrt(var), 1e-3);
      }
    }
  }

  private static void check(EnergyModel model) {
    WeightedRows.requireMarginal(model, "NCE");
  }

  private WeightedRows rows(EnergyModel model) {
    if (rows == null || rows.model() != model) {
      rows = new WeightedRows(model);
    }
    return rows;
  }

  /** log q(v) of the fitted noise. */
  private double logNoise(EnergyModel model, double[] v) {
    double s = 0;
    for (int k = 0; k < v.length; k++) {
      Domain d = model.variables().domainAt(k);
      if (d == Domain.CATEGORICAL) {
        s += v[k] != 0 ? Math.log(location[k]) : 0; // the observed state of its unit
      } else if (d.isDiscrete()) {
        s += Math.log(v[k] == d.high() ? location[k] : 1 - location[k]);
      } else {
        double z = (v[k] - location[k]) / scale[k];
        s += -0.5 * z * z - Math.log(scale[k]) - 0.5 * Math.log(2 * Math.PI);
      }
    }
    return s;
  }

  private void drawNoise(EnergyModel model, double[] into, RandomGenerator rng) {
    for (int k = 0; k < into.length; ) {
      Variables.Variable v = model.variables().variableAt(k);
      if (v.isCategorical()) {
        org.ebm4j.model.CategoricalUnits.drawFromProbabilities(location, k, into, k, v.group(), rng.nextDouble());
        k += v.group();
        continue;
      }
      Domain d = v.domain();
      into[k] = d.isDiscrete() ? (rng.nextDouble() < location[k] ? d.high() : d.low()) : location[k] + scale[k] * rng.nextGaussian();
      k++;
    }
  }

  @Override
  public void accumulate(EnergyModel model, MiniBatch batch, double[] grad, RandomGenerator rng) {
    value(model, batch, grad, rng);
  }

  /**
   * The objective on this minibatch and fresh noise from {@code rng}; with {@code grad} non-null,
   * {@code grad +=} its θ-gradient and {@link #ownGradient} set to its c-gradient.
   */
  double value(EnergyModel model, MiniBatch batch, double[] grad, RandomGenerator rng) {
    check(model);
    if (location == null) {
      // Updates without fit (timing probes): the noise from this minibatch.
      fitNoise(model, batch.values(), batch.size(), batch.width());
    }
    WeightedRows w = rows(model);
    int b = batch.size();
    int noise = Math.max(1, (int) Math.round(ratio * b));
    int width = model.stateSize();
    w.ensure(b + noise);
    double logRatio = Math.log((double) noise / b);
    double[] v = new double[batch.width()];
    double[] logQ = new double[b + noise];
    for (int r = 0; r < b + noise; r++) {
      if (r < b) {
        batch.row(r, v);
      } else {
        drawNoise(model, v, rng);
      }
      System.arraycopy(v, 0, w.states, r * width, v.length);
      logQ[r] = logNoise(model, v);
    }
    double[] logP = new double[b + noise];
    w.logPTildeBatch(b + noise, logP);
    double objective = 0;
    double cGradient = 0;
    for (int r = 0; r < b + noise; r++) {
      boolean data = r < b;
      double g = logP[r] - logZ[0] - logQ[r] - logRatio;
      // log h = −softplus(−g), log(1 − h) = −softplus(g); h = σ(g).
      double h = 1 / (1 + Math.exp(-g));
      objective += data ? -softplus(-g) : -softplus(g);
      w.weights[r] = (data ? 1 - h : -h) / b;
      cGradient += (data ? -(1 - h) : h) / b;
    }
    if (grad != null) {
      w.accumulateGradient(b + noise, grad);
      logZGradient[0] = cGradient;
    }
    return objective / b;
  }

  private static double softplus(double x) {
    return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }

  @Override
  public void save(Checkpoint c) {
    c.putArray("nce.logZ", logZ);
    if (location != null) {
      c.putArray("nce.noiseLocation", location).putArray("nce.noiseScale", scale);
    }
  }

  @Override
  public void restore(Checkpoint c) {
    if (c.hasArray("nce.logZ")) {
      logZ[0] = c.array("nce.logZ")[0];
    }
    if (c.hasArray("nce.noiseLocation")) {
      location = c.array("nce.noiseLocation");
      scale = c.array("nce.noiseScale");
    }
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "noise-contrastive estimation, %s noise sample%s per example from noise fitted to the data (independent marginals, a Gaussian per real unit), log Z learned",
        ratio == Math.rint(ratio) ? Long.toString((long) ratio) : Double.toString(ratio), ratio == 1 ? "" : "s");
  }
}
