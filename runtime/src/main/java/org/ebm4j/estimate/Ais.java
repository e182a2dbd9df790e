package org.ebm4j.estimate;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.ebm4j.data.Dataset;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.BlockConditionals;
import org.ebm4j.model.Domain;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.FreeEnergy;
import org.ebm4j.model.TemperedModel;
import org.ebm4j.model.Variables;
import org.ebm4j.random.Rng;
import org.ebm4j.sampling.Chains;
import org.ebm4j.sampling.Sampler;
import org.ebm4j.sampling.SamplerOptions;
import org.ebm4j.sampling.Samplers;

/**
 * Annealed importance sampling (Neal 2001) of log Z along the geometric path log p̃_β = β log p̃ +
 * (1 − β) log p_base from a normalized base of independent units (fitted to the data) to the
 * model; and reverse AIS (Burda, Grosse &amp; Salakhutdinov 2015), which anneals from the data back
 * to the base and errs the other way, so the two bracket the truth.
 *
 * <p>Where the model sums its latents out ({@link FreeEnergy}) and they are blocks, chains move in
 * the visible units only and the weights use the exact marginal at every β (the fast path, as in
 * Salakhutdinov &amp; Murray 2008); otherwise they move in the joint state with any sampler on the
 * tempered view.
 */
public final class Ais {
  private final EnergyModel model;
  private final double[] baseLogits;
  private final boolean marginal;
  private final List<Variables.Variable> latents = new ArrayList<>();
  private final Variables.Variable visibleBlock;
  private final BlockConditionals blocks;
  private final String samplerName;
  private final SamplerOptions samplerOptions;
  /** Whether the runs move together through the model's batched gradients. */
  private final boolean batched;

  /** The estimate: log Z with its bracket, and the log weight of every run. */
  public record Result(String method, double logZ, double logZLow, double logZHigh, int runs, int temperatures, double[] logWeights) {}

  /**
   * @param baseLogits per state unit, the base's logit (see {@link TemperedModel}); latent units
   *     should be 0 for the fast path's closed forms to stay simple
   * @param sampler transitions for the joint path (null: the default for each tempered view)
   */
  public Ais(EnergyModel model, double[] baseLogits, String sampler, SamplerOptions options) {
    this.model = model;
    this.baseLogits = baseLogits.clone();
    this.samplerName = sampler;
    this.samplerOptions = options;
    this.blocks = model.capability(BlockConditionals.class).orElse(null);
    model.variables().all().stream().filter(v -> !v.visible()).forEach(latents::add);
    List<Variables.Variable> visible = model.variables().all().stream().filter(Variables.Variable::visible).toList();
    this.visibleBlock = visible.size() == 1 ? visible.get(0) : null;
    this.marginal = !latents.isEmpty()
        && model.capability(FreeEnergy.class).isPresent()
        && blocks != null
        && visibleBlock != null
        && visibleBlock.domain().isDiscrete()
        && blocks.blocks().contains(visibleBlock.name())
        && latents.stream().allMatch(h -> blocks.blocks().contains(h.name()));
    this.batched = model.capability(org.ebm4j.model.BatchGradients.class).isPresent()
        && latents.stream().allMatch(h -> h.domain().isDiscrete());
  }

  /**
   * Base logits fitted to the data: each visible unit's logit of its (smoothed) mean, latent units
   * fair. For real units the base is N(0, 1) whatever the logit.
   */
  public static double[] baseRateLogits(EnergyModel model, Dataset data) {
    double[] logits = new double[model.stateSize()];
    double[] mean = data.columnMeans();
    for (int k = 0; k < data.width(); k++) {
      Domain d = model.variables().domainAt(k);
      double p = d.isDiscrete() ? d.probabilityOfHigh(mean[k]) : 0.5;
      // Smooth towards 1/2 so that no unit is impossible under the base.
      p = (p * data.size() + 0.5) / (data.size() + 1.0);
      logits[k] = d.isDiscrete() ? Math.log(p / (1 - p)) : 0;
    }
    return logits;
  }

  /**
   * β_0 = 0 &lt; … &lt; β_K = 1, spaced as in Salakhutdinov &amp; Murray (2008): 500/14 500 of the
   * steps on [0, 0.5], 4 000/14 500 on [0.5, 0.9], the rest on [0.9, 1].
   */
  public static double[] schedule(int temperatures) {
    if (temperatures < 3) {
      throw new IllegalArgumentException("AIS needs at least 3 temperatures, got " + temperatures);
    }
    int a = Math.max(1, (int) Math.round(temperatures * 500 / 14500.0));
    int b = Math.max(1, (int) Math.round(temperatures * 4000 / 14500.0));
    int c = Math.max(1, temperatures - a - b);
    double[] betas = new double[a + b + c + 1];
    int k = 0;
    for (int i = 0; i < a; i++) {
      betas[k++] = 0.5 * i / a;
    }
    for (int i = 0; i < b; i++) {
      betas[k++] = 0.5 + 0.4 * i / b;
    }
    for (int i = 0; i < c; i++) {
      betas[k++] = 0.9 + 0.1 * i / c;
    }
    betas[k] = 1;
    return betas;
  }

  /**
   * Forward AIS: runs start from exact base samples and anneal to the model.
   *
   * @param progress called with the number of temperatures done, every 1 % or so
   */
  public Result forward(int temperatures, int runs, Rng rng, IntConsumer progress) {
    double[] betas = schedule(temperatures);
    Chains chains = baseSamples(runs, rng);
    double[] logW = new double[runs];
    Stats[] stats = stats(chains);
    for (int k = 1; k < betas.length; k++) {
      for (int r = 0; r < runs; r++) {
        logW[r] += stats[r].logDensity(betas[k]) - stats[r].logDensity(betas[k - 1]);
      }
      if (k < betas.length - 1) {
        transition(chains, betas[k], rng);
        stats = stats(chains);
      }
      report(progress, k, betas.length - 1);
    }
    return result("ais", Kernels.logSumExp(logW, 0, runs) - Math.log(runs), logW, betas.length - 1);
  }

  /**
   * Reverse AIS in the form of RAISE (Burda, Grosse &amp; Salakhutdinov 2015): each run starts at a
   * data example with its latents drawn from their posterior, takes one transition at β = 1, and
   * anneals back to the base. For the example v it started from, log p̃(v) + log w is a stochastic
   * lower bound on the log-likelihood of the annealing model (an approximation of the model), so
   * averaging log w — not w — over runs errs on the conservative side. The result's log Z is the
   * effective −mean(log w): the average log-likelihood it gives is the RAISE estimate.
   */
  public Result reverse(Dataset data, int temperatures, int runs, Rng rng, IntConsumer progress) {
    double[] betas = schedule(temperatures);
    Chains chains = dataSamples(data, runs, rng);
    transition(chains, 1.0, rng);
    double[] logW = new double[runs];
    for (int k = betas.length - 1; k >= 1; k--) {
      Stats[] stats = stats(chains);
      for (int r = 0; r < runs; r++) {
        logW[r] += stats[r].logDensity(betas[k - 1]) - stats[r].logDensity(betas[k]);
      }
      if (k > 1) {
        transition(chains, betas[k - 1], rng);
      }
      report(progress, betas.length - k, betas.length - 1);
    }
    double mean = 0;
    for (double w : logW) {
      mean += w / runs;
    }
    double var = 0;
    for (double w : logW) {
      var += (w - mean) * (w - mean);
    }
    double se = runs > 1 ? Math.sqrt(var / (runs - 1) / runs) : Double.POSITIVE_INFINITY;
    return new Result("rais", -mean, -mean - 3 * se, -mean + 3 * se, runs, betas.length - 1, logW.clone());
  }

  private static void report(IntConsumer progress, int done, int total) {
    if (progress != null && (done % Math.max(1, total / 100) == 0 || done == total)) {
      progress.accept(done);
    }
  }

  /** Bracket from the spread of the weights: log(mean ± 3 standard errors). */
  private static Result result(String method, double logZ, double[] logW, int temperatures) {
    int n = logW.length;
    double max = Double.NEGATIVE_INFINITY;
    for (double w : logW) {
      max = Math.max(max, w);
    }
    double mean = 0;
    for (double w : logW) {
      mean += Math.exp(w - max);
    }
    mean /= n;
    double var = 0;
    for (double w : logW) {
      var += Math.pow(Math.exp(w - max) - mean, 2);
    }
    double se = n > 1 ? Math.sqrt(var / (n - 1) / n) : mean;
    double up = max + Math.log(mean + 3 * se);
    double down = mean - 3 * se > 0 ? max + Math.log(mean - 3 * se) : Double.NEGATIVE_INFINITY;
    return new Result(method, logZ, down, up, n, temperatures, logW.clone());
  }

  // ------------------------------------------------------------------ states and transitions

  /** What log p̃_β of one state needs, for any β, from one evaluation of the model. */
  private final class Stats {
    double energy;
    double baseLog;
    double[] fields;

    /**
     * log p̃_β. Joint: −β E(x) + (1 − β) log p_base(x). Marginal: log Σ_h exp(−β E(v, h) + (1 − β)
     * log p_base(v, h)), with E(v, h) = E(v, 0) − Σ_j ℓ_j h_j (ℓ/2 for spins).
     */
    double logDensity(double beta) {
      double s = -beta * energy + (1 - beta) * baseLog;
      if (fields != null) {
        int j = 0;
        for (Variables.Variable h : latents) {
          for (int k = 0; k < h.size(); k++, j++) {
            double a = baseLogits[h.offset() + k];
            double m = beta * fields[j] + (1 - beta) * a;
            s += h.domain().logNormalizer(m) - (1 - beta) * h.domain().logNormalizer(a);
          }
        }
      }
      return s;
    }
  }

  private Stats[] stats(Chains chains) {
    Stats[] out = new Stats[chains.count()];
    if (marginal && batched) {
      return batchedStats(chains);
    }
    double[] x = new double[model.stateSize()];
    TemperedModel base = new TemperedModel(model, 0, baseLogits);
    for (int c = 0; c < chains.count(); c++) {
      chains.get(c, x);
      Stats s = new Stats();
      if (marginal) {
        for (Variables.Variable h : latents) {
          java.util.Arrays.fill(x, h.offset(), h.offset() + h.size(), 0.0);
        }
        s.energy = model.energy(x);
        // The base's latent part is handled in logDensity: here only the visible units count.
        s.baseLog = base.baseLogDensity(x) - latentBaseLogAtZero();
        s.fields = new double[model.latentSize()];
        int j = 0;
        for (Variables.Variable h : latents) {
          double[] f = new double[h.size()];
          blocks.conditionalFields(h.name(), x, f);
          System.arraycopy(f, 0, s.fields, j, f.length);
          j += f.length;
        }
      } else {
        s.energy = model.energy(x);
        s.baseLog = base.baseLogDensity(x);
      }
      out[c] = s;
    }
    return out;
  }

  /** The marginal statistics of all runs at once: the latent fields as one matrix product. */
  private Stats[] batchedStats(Chains chains) {
    int rows = chains.count();
    int width = model.stateSize();
    double[] states = chains.states().clone();
    for (int r = 0; r < rows; r++) {
      for (Variables.Variable h : latents) {
        java.util.Arrays.fill(states, r * width + h.offset(), r * width + h.offset() + h.size(), 0.0);
      }
    }
    double[] scratch = new double[states.length];
    Stats[] out = new Stats[rows];
    double[] x = new double[width];
    TemperedModel base = new TemperedModel(model, 0, baseLogits);
    double latentBase = latentBaseLogAtZero();
    for (int r = 0; r < rows; r++) {
      System.arraycopy(states, r * width, x, 0, width);
      Stats s = new Stats();
      s.energy = model.energy(x);
      s.baseLog = base.baseLogDensity(x) - latentBase;
      s.fields = new double[model.latentSize()];
      out[r] = s;
    }
    int j = 0;
    for (Variables.Variable h : latents) {
      double[] logits = new double[rows * h.size()];
      org.ebm4j.model.Batches.blockLogits(model, h, states, rows, scratch, logits);
      for (int r = 0; r < rows; r++) {
        System.arraycopy(logits, r * h.size(), out[r].fields, j, h.size());
      }
      j += h.size();
    }
    return out;
  }

  /** Block Gibbs at β for all runs at once: untempered logits as matrix products, then mixed. */
  private void batchedTransition(Chains chains, double beta, Rng rng) {
    int rows = chains.count();
    int width = model.stateSize();
    double[] states = chains.states();
    double[] scratch = new double[states.length];
    List<Variables.Variable> order = new ArrayList<>(latents);
    order.add(visibleBlock);
    for (Variables.Variable v : order) {
      double[] logits = new double[rows * v.size()];
      org.ebm4j.model.Batches.blockLogits(model, v, states, rows, scratch, logits);
      Domain d = v.domain();
      for (int r = 0; r < rows; r++) {
        for (int k = 0; k < v.size(); k++) {
          double m = beta * logits[r * v.size() + k] + (1 - beta) * baseLogits[v.offset() + k];
          states[r * width + v.offset() + k] = d.draw(m, rng.nextDouble());
        }
      }
    }
  }

  /** log p_base(h = 0) summed over latent units (so it can be taken out of the joint base). */
  private double latentBaseLogAtZero() {
    double s = 0;
    for (Variables.Variable h : latents) {
      for (int k = 0; k < h.size(); k++) {
        double a = baseLogits[h.offset() + k];
        s -= h.domain().logNormalizer(a);
      }
    }
    return s;
  }

  /** Exact draws from the base: independent units. */
  private Chains baseSamples(int runs, Rng rng) {
    Chains c = new Chains(runs, model.stateSize());
    for (int r = 0; r < runs; r++) {
      for (int k = 0; k < model.stateSize(); k++) {
        Domain d = model.variables().domainAt(k);
        c.states()[r * model.stateSize() + k] = d.isDiscrete() ? d.draw(baseLogits[k], rng.nextDouble()) : rng.nextGaussian();
      }
    }
    return c;
  }

  /** Runs at data examples (cycling through the data), latents from their posterior. */
  private Chains dataSamples(Dataset data, int runs, Rng rng) {
    Chains c = new Chains(runs, model.stateSize());
    double[] x = new double[model.stateSize()];
    for (int r = 0; r < runs; r++) {
      data.row(r % data.size(), x);
      if (blocks != null) {
        for (Variables.Variable h : latents) {
          if (blocks.blocks().contains(h.name())) {
            blocks.sample(h.name(), x, rng);
          }
        }
      }
      c.set(r, x);
    }
    return c;
  }

  /** One transition leaving p_β invariant: block Gibbs h | v, v | h on the fast path. */
  private void transition(Chains chains, double beta, Rng rng) {
    if (marginal && batched) {
      batchedTransition(chains, beta, rng);
      return;
    }
    TemperedModel view = new TemperedModel(model, beta, baseLogits);
    if (marginal) {
      BlockConditionals tempered = view.capability(BlockConditionals.class).orElseThrow();
      double[] x = new double[model.stateSize()];
      for (int c = 0; c < chains.count(); c++) {
        chains.get(c, x);
        for (Variables.Variable h : latents) {
          tempered.sample(h.name(), x, rng);
        }
        tempered.sample(visibleBlock.name(), x, rng);
        chains.set(c, x);
      }
      return;
    }
    Sampler sampler = Samplers.create(samplerName == null ? Samplers.defaultName(view) : samplerName, view, samplerOptions);
    sampler.sweep(chains, 1, rng);
  }

  /** Whether the fast path (latents summed out, visible block Gibbs) is used. */
  public boolean marginal() {
    return marginal;
  }
}
