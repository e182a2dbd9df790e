package org.ebm4j.train;

import java.util.random.RandomGenerator;
import org.ebm4j.estimate.Enumeration;
import org.ebm4j.model.BlockConditionals;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.FreeEnergy;
import org.ebm4j.model.Variables;
import org.ebm4j.sampling.Chains;
import org.ebm4j.sampling.Sampler;
import org.ebm4j.sampling.SamplerOptions;
import org.ebm4j.sampling.Samplers;

/**
 * Estimates the negative phase of the log-likelihood gradient, E_{x~model}[∇θ log p̃(x)] = ∇θ log Z:
 * exactly by enumeration, or from Markov chains (CD-k from the data, PCD-k and tempered PCD from
 * persistent chains). Sampled states enter through the free energy's marginal gradient where the
 * model has one (Rao–Blackwellised), else through the joint gradient.
 */
public abstract class NegativePhase {
  /**
   * What {@link #parse} needs to build this phase again: its specification ({@code exact}, {@code
   * cd:K}, {@code pcd:K}, {@code tempered:K}), sampler name (null: the model's default; the base
   * sampler for tempered), persistent chains and sampler options. Checkpoints keep them.
   */
  public record Settings(String spec, String sampler, int chains, SamplerOptions options) {}

  private Settings settings = new Settings("exact", null, 0, SamplerOptions.defaults());

  /** The settings this phase was built from. */
  public Settings settings() {
    return settings;
  }

  final NegativePhase withSettings(Settings s) {
    this.settings = s;
    return this;
  }

  /** The phase {@code s} describes. */
  public static NegativePhase of(Settings s) {
    return parse(s.spec(), s.sampler(), s.chains(), s.options());
  }

  /** {@code grad += weight ·} the estimate at the model's current parameters. */
  public abstract void accumulate(EnergyModel model, MiniBatch batch, double weight, double[] grad, RandomGenerator rng);

  /** A short description, for logs. */
  public abstract String describe();

  /** Sampler sweeps per update (0 for the exact phase). */
  public int sweepsPerUpdate() {
    return 0;
  }

  /**
   * Moves the chains for one update and returns them, for a trainer that puts data and chain rows
   * into one batched gradient; null when this phase has no chains (then use {@link #accumulate}).
   * The chains' latents may be left for the caller to draw: see {@link #latentsDeferred}.
   */
  Chains advance(EnergyModel model, MiniBatch batch, RandomGenerator rng) {
    return null;
  }

  /**
   * The latent fields ∂E/∂h of {@code batch}'s rows (row stride {@code stateSize()}, at the latents'
   * offsets) if the last {@link #advance} computed them for this very minibatch to start its chains
   * (CD-k), else null: a trainer whose latents depend on the visibles alone reuses them instead of
   * a second product.
   */
  double[] dataLatentFields(MiniBatch batch) {
    return null;
  }

  /**
   * In float32: {@code batch}'s rows with their latents at E[h | v] (row stride {@code stateSize()})
   * if the last {@link #advance} computed them to start its chains (CD-k), else null; the float
   * counterpart of {@link #dataLatentFields}.
   */
  float[] dataLatentMeansInFloat(MiniBatch batch) {
    return null;
  }

  /** Whether {@link #advance} moves chains (sampled phases), so a trainer can batch them with the data. */
  boolean advancesChains() {
    return false;
  }

  /**
   * Whether the last {@link #advance} left the final latent draw of persistent chains to the caller,
   * which must then draw them from the conditional means it computes for the gradient.
   */
  boolean latentsDeferred() {
    return false;
  }

  /** Number of persistent chains (0 when chains start from the data or there are none). */
  public int persistentChains() {
    return 0;
  }

  /** The persistent chains, or null when there are none (yet). */
  public Chains chains() {
    return null;
  }

  /** The sampler's internal state (tempering replicas), for checkpoints. */
  public double[] samplerState() {
    return new double[0];
  }

  /** Restores persistent chains and sampler state from a checkpoint. */
  public void restore(Chains chains, double[] samplerState) {
    if (chains != null) {
      throw new IllegalArgumentException(describe() + " keeps no chains");
    }
  }

  /**
   * Parses {@code exact}, {@code cd:K}, {@code pcd:K} or {@code tempered:K}.
   *
   * @param sampler sampler name for cd and pcd (null: the model's default); the base sampler for
   *     tempered
   * @param chains number of persistent chains for pcd and tempered
   */
  public static NegativePhase parse(String spec, String sampler, int chains, SamplerOptions options) {
    String kind = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
    int k = 1;
    if (spec.contains(":")) {
      try {
        k = Integer.parseInt(spec.substring(spec.indexOf(':') + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("negative phase '" + spec + "': K must be a whole number, as in pcd:1");
      }
      if (k <= 0) {
        throw new IllegalArgumentException("negative phase '" + spec + "': K must be positive");
      }
    }
    return switch (kind) {
      case "exact" -> exact();
      case "cd" -> cd(k, sampler, options);
      case "pcd" -> pcd(k, chains, sampler, options);
      case "tempered" -> tempered(k, chains, sampler, options);
      default -> throw new IllegalArgumentException("unknown negative phase '" + spec + "'; use exact, cd:K, pcd:K or tempered:K");
    };
  }

  /** The exact expectation, by enumerating the cheapest side of a small discrete model. */
  public static NegativePhase exact() {
    return new NegativePhase() {
      private Enumeration plan;
      private EnergyModel planned;

      @Override
      public void accumulate(EnergyModel model, MiniBatch batch, double weight, double[] grad, RandomGenerator rng) {
        if (planned != model) {
          plan = Enumeration.plan(model, true);
          planned = model;
        }
        plan.accumulateModelGradient(weight, grad);
      }

      @Override
      public String describe() {
        return plan == null ? "exact" : "exact (" + plan.describe() + ")";
      }
    };
  }

  /** Contrastive divergence: k sweeps from the minibatch's examples. */
  public static NegativePhase cd(int k, String sampler, SamplerOptions options) {
    return new Sampled("cd:" + k, k, 0, sampler, options).withSettings(new Settings("cd:" + k, sampler, 0, options.copy()));
  }

  /**
   * The exact negative phase where the model's structure makes it cheap (at most 2^20 enumerated
   * states, with an exact gradient), else PCD-1 with {@code chains} chains and the model's default
   * sampler.
   */
  public static NegativePhase auto(EnergyModel model, int chains) {
    try {
      if (org.ebm4j.estimate.Enumeration.plan(model, true).states() <= (1L << 20)) {
        return exact();
      }
    } catch (IllegalArgumentException e) {
      // no exact enumeration: sample
    }
    return pcd(1, chains, null, SamplerOptions.defaults());
  }

  /** Persistent contrastive divergence: k sweeps of {@code chains} persistent chains per update. */
  public static NegativePhase pcd(int k, int chains, String sampler, SamplerOptions options) {
    return new Sampled("pcd:" + k, k, chains, sampler, options).withSettings(new Settings("pcd:" + k, sampler, chains, options.copy()));
  }

  /** PCD whose chains move by parallel tempering over {@code base} (null: the default sampler). */
  public static NegativePhase tempered(int k, int chains, String base, SamplerOptions options) {
    SamplerOptions o = options.copy();
    if (base != null) {
      o.with("base", base);
    }
    return new Sampled("tempered:" + k, k, chains, "tempering", o).withSettings(new Settings("tempered:" + k, base, chains, options.copy()));
  }

  /** Negative phases estimated from Markov chains. */
  private static final class Sampled extends NegativePhase {
    private final String name;
    private final int k;
    private final int persistentChains;
    private final String samplerName;
    private final SamplerOptions options;
    private Sampler sampler;
    private EnergyModel model;
    private Chains chains;
    private double[] pendingSamplerState;
    private double[] x;
    private double[] batchStates;
    private double[] batchScratch;
    /** The data rows' latent fields from starting CD chains, and the minibatch they belong to. */
    private double[] fields;
    private MiniBatch fieldsBatch;
    private float[] floatMeans = new float[0];
    private float[] floatBatch = new float[0];
    private MiniBatch floatMeansBatch;
    private boolean deferred;

    Sampled(String name, int k, int persistentChains, String samplerName, SamplerOptions options) {
      this.name = name;
      this.k = k;
      this.persistentChains = persistentChains;
      this.samplerName = samplerName;
      this.options = options;
    }

    private void prepare(EnergyModel m) {
      if (model == m) {
        return;
      }
      model = m;
      sampler = Samplers.create(samplerName == null ? Samplers.defaultName(m) : samplerName, m, options);
      x = new double[m.stateSize()];
      if (pendingSamplerState != null) {
        sampler.restoreInternalState(pendingSamplerState);
        pendingSamplerState = null;
      }
    }

    @Override
    public void accumulate(EnergyModel m, MiniBatch batch, double weight, double[] grad, RandomGenerator rng) {
      prepare(m);
      Chains run = start(batch, rng);
      sampler.sweep(run, k, rng);
      if (org.ebm4j.model.Batches.marginalSupported(m)) {
        if (batchStates == null || batchStates.length < run.states().length) {
          batchStates = new double[run.states().length];
          batchScratch = new double[run.states().length];
        }
        System.arraycopy(run.states(), 0, batchStates, 0, run.states().length);
        org.ebm4j.model.Batches.accumulateMarginalGradient(m, batchStates, run.count(), weight / run.count(), grad, batchScratch);
        return;
      }
      FreeEnergy free = m.capability(FreeEnergy.class).orElse(null);
      double w = weight / run.count();
      double[] v = free == null ? null : new double[m.visibleSize()];
      for (int c = 0; c < run.count(); c++) {
        run.get(c, x);
        if (free != null) {
          System.arraycopy(x, 0, v, 0, v.length);
          free.accumulateMarginalGradient(v, w, grad);
        } else {
          m.accumulateGradient(x, w, grad);
        }
      }
    }

    @Override
    Chains advance(EnergyModel m, MiniBatch batch, RandomGenerator rng) {
      prepare(m);
      fieldsBatch = null;
      floatMeansBatch = null;
      Chains run = start(batch, rng);
      // Chains from the data are dropped after the update, so their last latent draw is not needed.
      boolean deferring = sampler.sweepDeferringLatents(run, k, rng);
      if (!deferring) {
        sampler.sweep(run, k, rng);
      }
      deferred = deferring && persistentChains > 0;
      return run;
    }

    @Override
    boolean latentsDeferred() {
      return deferred;
    }

    @Override
    double[] dataLatentFields(MiniBatch batch) {
      return batch == fieldsBatch ? fields : null;
    }

    @Override
    float[] dataLatentMeansInFloat(MiniBatch batch) {
      return batch == floatMeansBatch ? floatMeans : null;
    }

    @Override
    boolean advancesChains() {
      return true;
    }

    private Chains start(MiniBatch batch, RandomGenerator rng) {
      if (persistentChains == 0) {
        return fromData(batch, rng);
      }
      if (chains == null) {
        chains = Chains.random(model, persistentChains, rng);
      }
      return chains;
    }

    /** One chain per example: visibles from the data, latents drawn given them where possible. */
    private Chains fromData(MiniBatch batch, RandomGenerator rng) {
      BlockConditionals blocks = model.capability(BlockConditionals.class).orElse(null);
      // Latents that are blocks are drawn given the data below; others start at random values.
      boolean allDrawn = blocks != null
          && model.variables().all().stream().allMatch(v -> v.visible() || blocks.blocks().contains(v.name()));
      if (allDrawn && org.ebm4j.model.Batches.precision(model) == org.ebm4j.model.Precision.FLOAT32
          && org.ebm4j.model.Batches.marginalSupported(model)
          && model.variables().all().stream().allMatch(v -> v.domain().isDiscrete())) {
        return fromDataInFloat(batch, rng);
      }
      Chains c = allDrawn ? new Chains(batch.size(), model.stateSize()) : Chains.random(model, batch.size(), rng);
      for (int i = 0; i < batch.size(); i++) {
        System.arraycopy(batch.values(), i * batch.width(), c.states(), i * c.width(), batch.width());
      }
      boolean batched = model.capability(org.ebm4j.model.BatchGradients.class).isPresent();
      boolean everyLatentFromFields = allDrawn && batched;
      for (Variables.Variable v : model.variables().all()) {
        if (v.visible() || blocks == null || !blocks.blocks().contains(v.name())) {
          continue;
        }
        if (batched && v.domain().isDiscrete()) {
          // All chains at once: one matrix product for the block's conditional.
          if (batchScratch == null || batchScratch.length < c.states().length) {
            batchStates = new double[c.states().length];
            batchScratch = new double[c.states().length];
          }
          org.ebm4j.model.Batches.drawBlock(model, v, c.states(), c.count(), batchScratch, rng);
        } else {
          everyLatentFromFields = false;
          for (int i = 0; i < c.count(); i++) {
            c.get(i, x);
            blocks.sample(v.name(), x, rng);
            c.set(i, x);
          }
        }
      }
      if (everyLatentFromFields && model.latentSize() > 0) {
        // drawBlock left each latent block's fields of the data rows in batchScratch.
        if (fields == null || fields.length < c.states().length) {
          fields = new double[c.states().length];
        }
        System.arraycopy(batchScratch, 0, fields, 0, c.states().length);
        fieldsBatch = batch;
      }
      return c;
    }

    /**
     * {@link #fromData} in float32, where latents are summed out: the data rows' latent means
     * (kept for the gradient, {@link #dataLatentMeansInFloat}), then the chains' latents drawn from
     * them, all in the chains' float copy.
     */
    private Chains fromDataInFloat(MiniBatch batch, RandomGenerator rng) {
      int rows = batch.size();
      int width = model.stateSize();
      Chains c = new Chains(rows, width);
      float[] xs = c.floatStates();
      floatBatch = batch.toFloatRows(xs, width, floatBatch);
      org.ebm4j.model.Batches.latentMeans(model, xs, rows);
      if (floatMeans.length < rows * width) {
        floatMeans = new float[rows * width];
      }
      System.arraycopy(xs, 0, floatMeans, 0, rows * width);
      floatMeansBatch = batch;
      org.ebm4j.model.Batches.drawLatentsInPlace(model, xs, 0, rows, rng);
      return c;
    }

    @Override
    public String describe() {
      return name + " with " + (sampler == null ? (samplerName == null ? "the default sampler" : samplerName) : sampler.name())
          + (persistentChains > 0 ? ", " + persistentChains + " persistent chains" : ", chains from the data");
    }

    @Override
    public int sweepsPerUpdate() {
      return k;
    }

    @Override
    public int persistentChains() {
      return persistentChains;
    }

    @Override
    public Chains chains() {
      return chains;
    }

    @Override
    public double[] samplerState() {
      return sampler == null ? new double[0] : sampler.internalState();
    }

    @Override
    public void restore(Chains restored, double[] samplerState) {
      if (restored != null && persistentChains == 0) {
        throw new IllegalArgumentException(name + " keeps no chains");
      }
      chains = restored;
      if (sampler != null) {
        sampler.restoreInternalState(samplerState);
      } else {
        pendingSamplerState = samplerState;
      }
    }
  }
}
