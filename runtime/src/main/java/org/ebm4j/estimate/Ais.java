package org.ebm4j.estimate;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.ebm4j.data.Dataset;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.BlockConditionals;
import org.ebm4j.model.Domain;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.PartialSum;
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
 * <p>Where the structure allows, AIS runs on a reduced state space: the blocks that leave the fewest
 * units when summed out ({@link PartialSum#bestBlocks}: an RBM's larger side, a DBM's odd layers
 * given the even ones) are summed out in closed form at every β, and the runs move only in the
 * rest, by block Gibbs (Salakhutdinov &amp; Murray 2008; Salakhutdinov &amp; Hinton 2009). Otherwise runs
 * move in the joint state with any sampler on the tempered view.
 *
 * <p>{@link #clamped} anneals over the latents with the visible units fixed at each of a set of
 * examples: log Σ_h p̃(v, h) per example, so log p(v) is estimated rather than bounded.
 */
public final class Ais {
  private final EnergyModel model;
  private final double[] baseLogits;
  /** Blocks summed out in closed form at every β (the reduced path), in state order. */
  private final List<Variables.Variable> summed;
  /** Blocks the runs move in on the reduced path; empty when everything free is summed. */
  private final List<Variables.Variable> moving;
  /** Visible units held at data (clamped AIS). */
  private final List<Variables.Variable> fixed;
  private final boolean reduced;
  private final BlockConditionals blocks;
  private final String samplerName;
  private final SamplerOptions samplerOptions;
  /** Whether the runs move together through the model's batched gradients. */
  private final boolean batched;

  /** The estimate: log Z with its bracket, and the log weight of every run. */
  public record Result(String method, double logZ, double logZLow, double logZHigh, int runs, int temperatures, double[] logWeights) {}

  /**
   * @param baseLogits per state unit, the base's logit (see {@link TemperedModel}); latent units
   *     are usually 0 (fair coins)
   * @param sampler transitions for the joint path (null: the default for each tempered view)
   */
  public Ais(EnergyModel model, double[] baseLogits, String sampler, SamplerOptions options) {
    this(model, baseLogits, sampler, options, false);
  }

  private Ais(EnergyModel model, double[] baseLogits, String sampler, SamplerOptions options, boolean clamp) {
    this.model = model;
    this.baseLogits = baseLogits.clone();
    this.samplerName = sampler;
    this.samplerOptions = options;
    this.blocks = model.capability(BlockConditionals.class).orElse(null);
    List<Variables.Variable> free = new ArrayList<>();
    List<Variables.Variable> held = new ArrayList<>();
    for (Variables.Variable v : model.variables().all()) {
      (clamp && v.visible() ? held : free).add(v);
    }
    this.fixed = List.copyOf(held);
    // Discrete blocks only are summed (forGradient = true), so every β has a closed form.
    List<String> sum = blocks == null ? null : PartialSum.bestBlocks(model, free, true);
    List<Variables.Variable> out = new ArrayList<>();
    List<Variables.Variable> rest = new ArrayList<>();
    for (Variables.Variable v : free) {
      (sum != null && sum.contains(v.name()) ? out : rest).add(v);
    }
    this.summed = List.copyOf(out);
    this.moving = List.copyOf(rest);
    this.reduced = !summed.isEmpty() && moving.stream().allMatch(v -> v.domain().isDiscrete() && blocks.blocks().contains(v.name()));
    this.batched = model.capability(org.ebm4j.model.BatchGradients.class).isPresent();
    if (clamp && !reduced) {
      throw new IllegalArgumentException("AIS with the visible units clamped needs latents in blocks (units independent given the rest)"
          + " of which some can be summed out; " + model.getClass().getSimpleName() + " has none");
    }
  }

  /**
   * AIS over the latents with the visible units clamped: {@link #forwardClamped} estimates
   * log Σ_h p̃(v, h) for each example. The base is uniform over the latents.
   */
  public static Ais clamped(EnergyModel model) {
    return new Ais(model, new double[model.stateSize()], null, SamplerOptions.defaults(), true);
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
      if (d == Domain.CATEGORICAL) {
        // Each state's log frequency, smoothed towards uniform so that no state is impossible.
        int states = model.variables().variableAt(k).group();
        logits[k] = Math.log((mean[k] * data.size() + 1.0 / states) / (data.size() + 1.0));
        continue;
      }
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
    if (!fixed.isEmpty()) {
      throw new IllegalStateException("clamped AIS estimates log p~(v) per example: call forwardClamped");
    }
    return combine(List.of(anneal(baseSamples(runs, null, 1, rng), schedule(temperatures), rng, progress)), temperatures);
  }

  /**
   * The log weights of {@code runs} forward runs drawing from {@code Rng.stream(seed, shard)}: AIS in
   * shards that run anywhere (threads, Spark executors) and {@link #combine} into the same estimate
   * wherever they ran.
   */
  public double[] forwardShard(int temperatures, int runs, long seed, int shard) {
    if (!fixed.isEmpty()) {
      throw new IllegalStateException("clamped AIS estimates log p~(v) per example: call forwardClamped");
    }
    Rng rng = Rng.stream(seed, shard);
    return anneal(baseSamples(runs, null, 1, rng), schedule(temperatures), rng, null);
  }

  /** The forward estimate from the shards' log weights ({@link #forwardShard}), in shard order. */
  public static Result combine(List<double[]> shards, int temperatures) {
    double[] logW = shards.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
    if (logW.length == 0) {
      throw new IllegalArgumentException("AIS needs at least one run");
    }
    return result("ais", Kernels.logSumExp(logW, 0, logW.length) - Math.log(logW.length), logW, schedule(temperatures).length - 1);
  }

  /**
   * Clamped AIS ({@link #clamped}): for each of the first {@code examples} rows of {@code data},
   * {@code runs} runs anneal from the uniform base over the latents to p(h | v) ∝ p̃(v, h), and
   * log Σ_h p̃(v, h) is estimated by the log mean weight of its runs (an unbiased estimate of the sum,
   * so in log it tends to fall short: log p(v) from it errs low, unlike forward AIS of log Z).
   *
   * @return per example, the estimate of log Σ_h p̃(v, h)
   */
  public double[] forwardClamped(Dataset data, int examples, int runs, int temperatures, Rng rng, IntConsumer progress) {
    if (fixed.isEmpty()) {
      throw new IllegalStateException("forwardClamped needs an Ais made by Ais.clamped(model)");
    }
    int n = Math.min(examples, data.size());
    double[] logW = anneal(baseSamples(n * runs, data, runs, rng), schedule(temperatures), rng, progress);
    double[] out = new double[n];
    for (int e = 0; e < n; e++) {
      out[e] = Kernels.logSumExp(logW, e * runs, runs) - Math.log(runs);
    }
    return out;
  }

  /** The log weight of every run annealed from the base (its start) along {@code betas}. */
  private double[] anneal(Chains chains, double[] betas, Rng rng, IntConsumer progress) {
    double[] logW = new double[chains.count()];
    double[] fixedEnergy = reduced ? fixedEnergies(chains) : null;
    Stats[] stats = stats(chains, fixedEnergy);
    for (int k = 1; k < betas.length; k++) {
      for (int r = 0; r < logW.length; r++) {
        logW[r] += stats[r].logDensity(betas[k]) - stats[r].logDensity(betas[k - 1]);
      }
      if (k < betas.length - 1) {
        transition(chains, betas[k], rng, stats);
        stats = stats(chains, fixedEnergy);
      }
      report(progress, k, betas.length - 1);
    }
    return logW;
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
    if (!fixed.isEmpty()) {
      throw new IllegalStateException("reverse AIS is not offered clamped");
    }
    double[] betas = schedule(temperatures);
    Chains chains = dataSamples(data, runs, rng);
    transition(chains, 1.0, rng, null);
    double[] logW = new double[runs];
    double[] fixedEnergy = reduced ? fixedEnergies(chains) : null;
    for (int k = betas.length - 1; k >= 1; k--) {
      Stats[] stats = stats(chains, fixedEnergy);
      for (int r = 0; r < runs; r++) {
        logW[r] += stats[r].logDensity(betas[k - 1]) - stats[r].logDensity(betas[k]);
      }
      if (k > 1) {
        transition(chains, betas[k - 1], rng, stats);
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
     * log p̃_β. Joint: −β E(x) + (1 − β) log p_base(x). Reduced: the summed blocks S out of it in
     * closed form, with E(x) = E(x⁰) − Σ_{j ∈ S} ℓ_j x_j (ℓ/2 for spins; x⁰ has S at 0):
     * −β E(x⁰) + (1 − β) log p_base(x_rest) + Σ_{j ∈ S} [A(β ℓ_j + (1 − β) a_j) − (1 − β) A(a_j)].
     */
    double logDensity(double beta) {
      double s = -beta * energy + (1 - beta) * baseLog;
      if (fields != null) {
        int j = 0;
        for (Variables.Variable h : summed) {
          if (h.isCategorical()) {
            double[] m = new double[h.size()];
            for (int k = 0; k < h.size(); k++) {
              m[k] = beta * fields[j + k] + (1 - beta) * baseLogits[h.offset() + k];
            }
            s += h.logPartitionOfConditionals(m, 0) - (1 - beta) * h.logPartitionOfConditionals(baseLogits, h.offset());
            j += h.size();
            continue;
          }
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

  private int summedSize() {
    return summed.stream().mapToInt(Variables.Variable::size).sum();
  }

  /** log p_base of the moving units of state row {@code r} (the base is a product over units). */
  private double movingBaseLog(double[] states, int r) {
    int width = model.stateSize();
    double s = 0;
    for (Variables.Variable v : moving) {
      Domain d = v.domain();
      if (v.isCategorical()) {
        for (int k = 0; k < v.size(); k++) {
          s += baseLogits[v.offset() + k] * states[r * width + v.offset() + k];
        }
        s -= v.logPartitionOfConditionals(baseLogits, v.offset());
        continue;
      }
      for (int k = 0; k < v.size(); k++) {
        double a = baseLogits[v.offset() + k];
        s += d.naturalParameter(a) * states[r * width + v.offset() + k] - d.logNormalizer(a);
      }
    }
    return s;
  }

  /**
   * E at each run's state with the moving and summed blocks at 0: with one moving block R the
   * energy is affine in it, E(x⁰) = this + ∂E/∂x_R · x_R, so one batched gradient per temperature
   * replaces an energy per run. Fixed over a run (the clamped units never move).
   */
  private double[] fixedEnergies(Chains chains) {
    int width = model.stateSize();
    double[] out = new double[chains.count()];
    double[] x = new double[width];
    for (int r = 0; r < chains.count(); r++) {
      chains.get(r, x);
      for (Variables.Variable v : model.variables().all()) {
        if (!fixed.contains(v)) {
          java.util.Arrays.fill(x, v.offset(), v.offset() + v.size(), 0.0);
        }
      }
      out[r] = model.energy(x);
    }
    return out;
  }

  private Stats[] stats(Chains chains, double[] fixedEnergy) {
    if (reduced && batched) {
      return batchedStats(chains, fixedEnergy);
    }
    Stats[] out = new Stats[chains.count()];
    double[] x = new double[model.stateSize()];
    TemperedModel base = new TemperedModel(model, 0, baseLogits);
    for (int c = 0; c < chains.count(); c++) {
      chains.get(c, x);
      Stats s = new Stats();
      if (reduced) {
        for (Variables.Variable h : summed) {
          java.util.Arrays.fill(x, h.offset(), h.offset() + h.size(), 0.0);
        }
        s.energy = model.energy(x);
        s.baseLog = movingBaseLog(chains.states(), c);
        s.fields = new double[summedSize()];
        int j = 0;
        for (Variables.Variable h : summed) {
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

  /** The reduced statistics of all runs at once: the summed blocks' fields as matrix products. */
  private Stats[] batchedStats(Chains chains, double[] fixedEnergy) {
    int rows = chains.count();
    int width = model.stateSize();
    double[] states = chains.states().clone();
    for (int r = 0; r < rows; r++) {
      for (Variables.Variable h : summed) {
        java.util.Arrays.fill(states, r * width + h.offset(), r * width + h.offset() + h.size(), 0.0);
      }
    }
    double[] scratch = new double[states.length];
    Stats[] out = new Stats[rows];
    int summedSize = summedSize();
    for (int r = 0; r < rows; r++) {
      Stats s = new Stats();
      s.baseLog = movingBaseLog(states, r);
      s.fields = new double[summedSize];
      out[r] = s;
    }
    if (moving.size() == 1) {
      Variables.Variable m = moving.get(0);
      model.capability(org.ebm4j.model.BatchGradients.class).orElseThrow().energyGradientBatch(m.name(), states, rows, scratch);
      for (int r = 0; r < rows; r++) {
        double e = fixedEnergy[r];
        for (int k = m.offset(); k < m.offset() + m.size(); k++) {
          e += scratch[r * width + k] * states[r * width + k];
        }
        out[r].energy = e;
      }
    } else {
      double[] x = new double[width];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(states, r * width, x, 0, width);
        out[r].energy = moving.isEmpty() ? fixedEnergy[r] : model.energy(x);
      }
    }
    int j = 0;
    for (Variables.Variable h : summed) {
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
  private void batchedTransition(Chains chains, double beta, Rng rng, Stats[] current) {
    int rows = chains.count();
    int width = model.stateSize();
    double[] states = chains.states();
    double[] scratch = new double[states.length];
    List<Variables.Variable> order = new ArrayList<>(summed);
    order.addAll(moving);
    int field = 0;
    for (Variables.Variable v : order) {
      double[] logits = new double[rows * v.size()];
      if (current != null && summed.contains(v)) {
        for (int r = 0; r < rows; r++) {
          System.arraycopy(current[r].fields, field, logits, r * v.size(), v.size());
        }
        field += v.size();
      } else {
        org.ebm4j.model.Batches.blockLogits(model, v, states, rows, scratch, logits);
      }
      Domain d = v.domain();
      for (int r = 0; r < rows; r++) {
        if (v.isCategorical()) {
          for (int k = 0; k < v.size(); k++) {
            logits[r * v.size() + k] = beta * logits[r * v.size() + k] + (1 - beta) * baseLogits[v.offset() + k];
          }
          v.drawFromConditionals(logits, r * v.size(), states, r * width + v.offset(), rng);
          continue;
        }
        for (int k = 0; k < v.size(); k++) {
          double m = beta * logits[r * v.size() + k] + (1 - beta) * baseLogits[v.offset() + k];
          states[r * width + v.offset() + k] = d.draw(m, rng.nextDouble());
        }
      }
    }
  }

  /**
   * Exact draws from the base: independent units. With {@code data}, runs are clamped: run r holds
   * the visible units of example r / {@code perExample}.
   */
  private Chains baseSamples(int runs, Dataset data, int perExample, Rng rng) {
    Chains c = new Chains(runs, model.stateSize());
    double[] s = c.states();
    int width = model.stateSize();
    for (int r = 0; r < runs; r++) {
      if (data != null) {
        for (Variables.Variable v : fixed) {
          for (int k = v.offset(); k < v.offset() + v.size(); k++) {
            s[r * width + k] = data.values()[(r / perExample) * data.width() + k];
          }
        }
      }
      for (Variables.Variable v : model.variables().all()) {
        if (fixed.contains(v)) {
          continue;
        }
        Domain d = v.domain();
        if (v.isCategorical()) {
          v.drawFromConditionals(baseLogits, v.offset(), s, r * width + v.offset(), rng);
          continue;
        }
        for (int k = v.offset(); k < v.offset() + v.size(); k++) {
          s[r * width + k] = d.isDiscrete() ? d.draw(baseLogits[k], rng.nextDouble()) : rng.nextGaussian();
        }
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
        for (Variables.Variable h : model.variables().all()) {
          if (!h.visible() && blocks.blocks().contains(h.name())) {
            blocks.sample(h.name(), x, rng);
          }
        }
      }
      c.set(r, x);
    }
    return c;
  }

  /**
   * One transition leaving p_β invariant: on the reduced path block Gibbs, summed blocks first.
   * {@code current}: the statistics of the chains as they are, whose fields are the summed blocks'
   * logits already (they depend only on the blocks that are not summed), or null.
   */
  private void transition(Chains chains, double beta, Rng rng, Stats[] current) {
    if (reduced && batched) {
      batchedTransition(chains, beta, rng, current);
      return;
    }
    TemperedModel view = new TemperedModel(model, beta, baseLogits);
    if (reduced) {
      BlockConditionals tempered = view.capability(BlockConditionals.class).orElseThrow();
      double[] x = new double[model.stateSize()];
      for (int c = 0; c < chains.count(); c++) {
        chains.get(c, x);
        for (Variables.Variable h : summed) {
          tempered.sample(h.name(), x, rng);
        }
        for (Variables.Variable v : moving) {
          tempered.sample(v.name(), x, rng);
        }
        chains.set(c, x);
      }
      return;
    }
    Sampler sampler = Samplers.create(samplerName == null ? Samplers.defaultName(view) : samplerName, view, samplerOptions);
    sampler.sweep(chains, 1, rng);
  }

  /** Whether AIS runs on the reduced state space (some blocks summed out in closed form). */
  public boolean marginal() {
    return reduced;
  }

  /** For people: what the runs move in and what is summed out. */
  public String describe() {
    if (!reduced) {
      return "runs move in the joint state";
    }
    String sum = String.join(", ", summed.stream().map(v -> "'" + v.name() + "'").toList());
    String move = moving.isEmpty() ? "nothing (exact)" : String.join(", ", moving.stream().map(v -> "'" + v.name() + "'").toList());
    String held = fixed.isEmpty() ? "" : "; " + String.join(", ", fixed.stream().map(v -> "'" + v.name() + "'").toList()) + " clamped";
    return "runs move in " + move + " with " + sum + " summed out" + held;
  }
}
