package org.ebm4j.train;

import java.util.Locale;
import java.util.random.RandomGenerator;
import org.ebm4j.data.Dataset;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.Scores;
import org.ebm4j.model.Variables;

/**
 * Score matching (Hyvärinen 2005) for real-valued visible units: fit the model's score s(v) =
 * ∇ᵥ log p̃(v), which does not involve log Z, by minimising E_data[Σᵢ ∂sᵢ/∂vᵢ + ½|s|²]. Three forms:
 *
 * <ul>
 *   <li>{@code score-matching}: the exact objective, the Laplacian generated in one sweep (the
 *       compiler's forward Laplacian, a few energies at any dimension) where the energy is made of
 *       element-wise functions of affine maps of v, else one second derivative per visible unit
 *       (a cost that grows with the dimension);
 *   <li>{@code sliced-score-matching[:projections=K]} (Song et al. 2019, the variance-reduced form):
 *       the Laplacian's trace estimated by K random Rademacher directions u, uᵀ∇ᵥs u each, so the
 *       cost no longer grows with the dimension;
 *   <li>{@code denoising-score-matching[:sigma=S]} (Vincent 2011): the score at ṽ = v + σε fitted
 *       to −ε/σ, no second derivative at all; it fits the data blurred by σ (by default a tenth of
 *       the data's mean standard deviation per unit).
 * </ul>
 *
 * <p>All derivatives come from the model's generated {@link Scores}: each objective's θ-gradient
 * as one program (reverse mode over the objective written by the compiler's forward Laplacian)
 * where the energy is within its rules, else composed from ∂θ of the slope uᵀs (forward over
 * reverse mode; ∇θ ½|s|² is its derivative along u = s) and of the curvature uᵀ∇ᵥs u (forward
 * twice over reverse). Latents are summed out by the model's free energy.
 */
public final class ScoreMatching implements Objective {
  static final String EXACT = "score-matching";
  static final String SLICED = "sliced-score-matching";
  static final String DENOISING = "denoising-score-matching";

  private final String name;
  private final int projections;
  /** The denoising noise scale, or NaN to fit it to the data in {@link #prepare}. */
  private double sigma;
  private final boolean sigmaChosen;

  private ScoreMatching(String name, int projections, double sigma) {
    this.name = name;
    this.projections = projections;
    this.sigma = sigma;
    this.sigmaChosen = !Double.isNaN(sigma);
    if (projections < 1) {
      throw new IllegalArgumentException("sliced score matching needs at least one projection, got " + projections);
    }
    if (sigmaChosen && !(sigma > 0 && sigma < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("the denoising noise scale sigma must be positive and finite, got " + sigma);
    }
  }

  /** Exact score matching. */
  static ScoreMatching exact() {
    return new ScoreMatching(EXACT, 1, Double.NaN);
  }

  /** Sliced score matching with {@code projections} random directions per example. */
  static ScoreMatching sliced(int projections) {
    return new ScoreMatching(SLICED, projections, Double.NaN);
  }

  /** Denoising score matching with noise scale {@code sigma} (NaN: a tenth of the data's spread). */
  static ScoreMatching denoising(double sigma) {
    return new ScoreMatching(DENOISING, 1, sigma);
  }

  /** Whether {@code spec} names one of the three forms. */
  static boolean names(String spec) {
    return spec.equals(EXACT) || spec.startsWith(SLICED) || spec.startsWith(DENOISING);
  }

  /** Parses {@code score-matching}, {@code sliced-score-matching[:projections=K]}, {@code denoising-score-matching[:sigma=S]}. */
  public static ScoreMatching parse(String spec) {
    String s = spec.trim();
    if (s.equals(EXACT)) {
      return exact();
    }
    if (s.equals(SLICED)) {
      return sliced(1);
    }
    if (s.equals(DENOISING)) {
      return denoising(Double.NaN);
    }
    try {
      if (s.startsWith(SLICED + ":projections=")) {
        return sliced(Integer.parseInt(s.substring((SLICED + ":projections=").length())));
      }
      if (s.startsWith(DENOISING + ":sigma=")) {
        return denoising(Double.parseDouble(s.substring((DENOISING + ":sigma=").length())));
      }
    } catch (NumberFormatException e) {
      // fall through to the message
    }
    throw new IllegalArgumentException("'" + spec + "' is not a score-matching spec; write " + EXACT + ", " + SLICED
        + "[:projections=K] or " + DENOISING + "[:sigma=S]");
  }

  @Override
  public String spec() {
    return switch (name) {
      case SLICED -> projections == 1 ? SLICED : SLICED + ":projections=" + projections;
      case DENOISING -> sigmaChosen ? DENOISING + ":sigma=" + sigma : DENOISING;
      default -> EXACT;
    };
  }

  @Override
  public String describe() {
    return switch (name) {
      case SLICED -> "sliced score matching (" + projections + " Rademacher projection" + (projections == 1 ? "" : "s") + " per example)";
      case DENOISING -> "denoising score matching (sigma " + (Double.isNaN(sigma) ? "fitted to the data" : String.format(Locale.ROOT, "%.4g", sigma)) + ")";
      default -> "score matching (exact Laplacian)";
    };
  }

  /** The noise scale of denoising score matching (NaN until fitted). */
  public double sigma() {
    return sigma;
  }

  @Override
  public void prepare(EnergyModel model, Dataset data) {
    scores(model);
    if (name.equals(DENOISING) && !sigmaChosen) {
      sigma = 0.1 * meanSpread(data.values(), data.size(), data.width());
    }
  }

  /** A fitted noise scale, so that a resumed run blurs as the first part did. */
  @Override
  public void save(Checkpoint c) {
    if (name.equals(DENOISING) && !Double.isNaN(sigma)) {
      c.putArray("dsm.sigma", new double[] {sigma});
    }
  }

  @Override
  public void restore(Checkpoint c) {
    if (name.equals(DENOISING) && !sigmaChosen && c.hasArray("dsm.sigma")) {
      sigma = c.array("dsm.sigma")[0];
    }
  }

  /** The mean over units of each unit's standard deviation in the data (1 if it has none). */
  private static double meanSpread(double[] values, int rows, int width) {
    double total = 0;
    for (int k = 0; k < width; k++) {
      double mean = 0;
      for (int r = 0; r < rows; r++) {
        mean += values[r * width + k] / rows;
      }
      double var = 0;
      for (int r = 0; r < rows; r++) {
        var += Math.pow(values[r * width + k] - mean, 2) / rows;
      }
      total += Math.sqrt(var);
    }
    double spread = total / width;
    return spread > 0 ? spread : 1;
  }

  /** The model's generated second derivatives, or a refusal that says what to use instead. */
  static Scores scores(EnergyModel model) {
    return model.capability(Scores.class).orElseThrow(() -> {
      for (Variables.Variable v : model.variables().all()) {
        if (v.visible() && v.domain().isDiscrete()) {
          return new IllegalArgumentException("score matching is for real-valued visible units; '" + v.name() + "' of "
              + model.getClass().getSimpleName() + " is " + v.domain() + " (use pseudo-likelihood, ratio-matching or nce)");
        }
      }
      return new IllegalArgumentException("score matching needs the latents of " + model.getClass().getSimpleName()
          + " summed out, and they have no free energy (use maximum likelihood with a sampled positive phase)");
    });
  }

  @Override
  public void accumulate(EnergyModel model, MiniBatch batch, double[] grad, RandomGenerator rng) {
    run(model, batch, grad, rng, false);
  }

  /**
   * The objective J (to be minimised) on this minibatch, as its mean; with {@code grad} non-null,
   * {@code grad −=} its θ-gradient (the ascent direction of −J). Random directions and noise come
   * from {@code rng}, in the same order either way.
   */
  double value(EnergyModel model, MiniBatch batch, double[] grad, RandomGenerator rng) {
    return run(model, batch, grad, rng, true);
  }

  /**
   * The gradient, and with {@code measure} the objective (the curvature's value costs a program of
   * its own). All rows go through the model's batched members at once.
   */
  private double run(EnergyModel model, MiniBatch batch, double[] grad, RandomGenerator rng, boolean measure) {
    Scores sc = scores(model);
    if (name.equals(DENOISING) && Double.isNaN(sigma)) {
      // Updates without prepare (timing probes): the spread of this minibatch.
      sigma = 0.1 * meanSpread(batch.values(), batch.size(), batch.width());
    }
    int b = batch.size();
    int d = batch.width();
    double[] vs = java.util.Arrays.copyOf(batch.values(), b * d);
    double[] ss = measure ? new double[b * d] : null;
    double[] us = new double[b * d];
    // The objectives' gradients add w ∇θ J: the ascent direction of −J, averaged over rows.
    double w = -1.0 / b;
    double total = 0;
    if (name.equals(DENOISING)) {
      // ṽ = v + σε; J = ½|s(ṽ) + ε/σ|².
      for (int k = 0; k < b * d; k++) {
        us[k] = rng.nextGaussian();
        vs[k] += sigma * us[k];
        us[k] /= sigma;
      }
      if (measure) {
        sc.scoreBatch(vs, b, ss);
        for (int k = 0; k < b * d; k++) {
          total += 0.5 * (ss[k] + us[k]) * (ss[k] + us[k]);
        }
      }
      if (grad != null) {
        sc.accumulateDenoisingObjectiveGradientBatch(vs, us, b, w, null, grad);
      }
      return total / b;
    }
    // J = ½|s|² + the Laplacian (exact) or (1/K) Σ_k u_kᵀ∇s u_k, u_k Rademacher (sliced).
    if (measure) {
      sc.scoreBatch(vs, b, ss);
      for (int k = 0; k < b * d; k++) {
        total += 0.5 * ss[k] * ss[k];
      }
    }
    if (name.equals(EXACT)) {
      if (measure) {
        double[] v = new double[d];
        for (int r = 0; r < b; r++) {
          System.arraycopy(vs, r * d, v, 0, d);
          total += sc.laplacian(v);
        }
      }
      if (grad != null) {
        sc.accumulateExactObjectiveGradientBatch(vs, b, w, null, grad);
      }
      return total / b;
    }
    for (int p = 0; p < projections; p++) {
      for (int k = 0; k < b * d; k++) {
        us[k] = rng.nextBoolean() ? 1 : -1;
      }
      if (measure) {
        total += curvatures(sc, vs, us, b, d) / projections;
      }
      if (grad == null) {
        continue;
      }
      if (p == 0) {
        // The first projection comes with ½|s|²; scaled by 1/√K its curvature counts 1/K (the
        // next projection overwrites the directions).
        if (projections > 1) {
          double scale = 1 / Math.sqrt(projections);
          for (int k = 0; k < us.length; k++) {
            us[k] *= scale;
          }
        }
        sc.accumulateSlicedObjectiveGradientBatch(vs, us, b, w, null, grad);
      } else {
        sc.accumulateCurvatureGradientBatch(vs, us, b, w / projections, null, grad);
      }
    }
    return total / b;
  }

  /** Σ_r u_rᵀ∇²log p̃(v_r) u_r. */
  private static double curvatures(Scores sc, double[] vs, double[] us, int b, int d) {
    double[] v = new double[d];
    double[] u = new double[d];
    double[] line = new double[2];
    double sum = 0;
    for (int r = 0; r < b; r++) {
      System.arraycopy(vs, r * d, v, 0, d);
      System.arraycopy(us, r * d, u, 0, d);
      sc.lineDerivatives(v, u, line);
      sum += line[1];
    }
    return sum;
  }
}
