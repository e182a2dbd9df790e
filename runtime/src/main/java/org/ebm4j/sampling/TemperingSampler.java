package org.ebm4j.sampling;

import com.google.auto.service.AutoService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.TemperedModel;

/**
 * Parallel tempering: {@code replicas} copies of each chain (default 8) at inverse temperatures
 * from 1 down to {@code minBeta} (default 0.05, geometric), each advanced by the {@code base}
 * sampler on the {@link TemperedModel} at its β, then neighbours proposed for swapping. Only the β
 * = 1 chains are the caller's; the others persist inside the sampler.
 */
public final class TemperingSampler implements Sampler {
  private final EnergyModel model;
  private final TemperedModel[] levels;
  private final Sampler[] samplers;
  private final double[] betas;
  private final long[] swapsProposed;
  private final long[] swapsAccepted;
  private Chains[] replicas;
  private final double[] a;
  private final double[] b;
  private boolean oddPhase;

  TemperingSampler(EnergyModel model, String base, int count, double minBeta, SamplerOptions options) {
    this.model = model;
    this.betas = new double[count];
    this.levels = new TemperedModel[count];
    this.samplers = new Sampler[count];
    for (int k = 0; k < count; k++) {
      betas[k] = count == 1 ? 1 : Math.pow(minBeta, (double) k / (count - 1));
      levels[k] = TemperedModel.uniformBase(model, betas[k]);
      samplers[k] = Samplers.create(base, levels[k], options.without(Provider.OWN));
    }
    this.swapsProposed = new long[count - 1];
    this.swapsAccepted = new long[count - 1];
    this.a = new double[model.stateSize()];
    this.b = new double[model.stateSize()];
  }

  @Override
  public void sweep(Chains chains, int sweeps, RandomGenerator rng) {
    if (replicas == null || replicas[1 % replicas.length].count() != chains.count()) {
      replicas = new Chains[betas.length];
      for (int k = 1; k < betas.length; k++) {
        replicas[k] = chains.copy();
      }
    }
    replicas[0] = chains;
    for (int s = 0; s < sweeps; s++) {
      for (int k = 0; k < betas.length; k++) {
        samplers[k].sweep(replicas[k], 1, rng);
      }
      // Alternate even and odd neighbour pairs, so every pair is tried every other sweep.
      for (int k = oddPhase ? 1 : 0; k + 1 < betas.length; k += 2) {
        for (int c = 0; c < chains.count(); c++) {
          replicas[k].get(c, a);
          replicas[k + 1].get(c, b);
          // log p̃_β = β (log p̃ − log p_base) + log p_base: only the first term changes on a swap.
          double da = -model.energy(a) - levels[k].baseLogDensity(a);
          double db = -model.energy(b) - levels[k].baseLogDensity(b);
          double logAlpha = (betas[k] - betas[k + 1]) * (db - da);
          swapsProposed[k]++;
          if (logAlpha >= 0 || rng.nextDouble() < Math.exp(logAlpha)) {
            replicas[k].set(c, b);
            replicas[k + 1].set(c, a);
            swapsAccepted[k]++;
          }
        }
      }
      oddPhase = !oddPhase;
    }
  }

  @Override
  public String name() {
    return "tempering";
  }

  /** Swap acceptance rate of each neighbour pair, {@code swap[k-(k+1)]}. */
  @Override
  public Map<String, Double> statistics() {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int k = 0; k < swapsProposed.length; k++) {
      out.put("swap[" + k + "-" + (k + 1) + "]", swapsProposed[k] == 0 ? Double.NaN : (double) swapsAccepted[k] / swapsProposed[k]);
    }
    for (int k = 0; k < samplers.length; k++) {
      for (Map.Entry<String, Double> e : samplers[k].statistics().entrySet()) {
        out.put("replica" + k + "." + e.getKey(), e.getValue());
      }
    }
    return out;
  }

  /** [phase, count, width, replica 1 states, replica 2 states, ...]. */
  @Override
  public double[] internalState() {
    if (replicas == null) {
      return new double[0];
    }
    int count = replicas[1].count();
    int width = replicas[1].width();
    double[] s = new double[3 + (betas.length - 1) * count * width];
    s[0] = oddPhase ? 1 : 0;
    s[1] = count;
    s[2] = width;
    for (int k = 1; k < betas.length; k++) {
      System.arraycopy(replicas[k].states(), 0, s, 3 + (k - 1) * count * width, count * width);
    }
    return s;
  }

  @Override
  public void restoreInternalState(double[] s) {
    if (s.length == 0) {
      replicas = null;
      return;
    }
    oddPhase = s[0] == 1;
    int count = (int) s[1];
    int width = (int) s[2];
    replicas = new Chains[betas.length];
    for (int k = 1; k < betas.length; k++) {
      replicas[k] = new Chains(count, width);
      System.arraycopy(s, 3 + (k - 1) * count * width, replicas[k].states(), 0, count * width);
    }
  }

  /** The inverse temperatures, 1 first. */
  public double[] betas() {
    return betas.clone();
  }

  /** Registers {@code tempering}. */
  @AutoService(SamplerProvider.class)
  public static final class Provider implements SamplerProvider {
    /** Its own keys; the rest go to the base sampler, which checks them. */
    public static final java.util.Set<String> OWN = java.util.Set.of("replicas", "minBeta", "base");

    @Override
    public java.util.Set<String> optionKeys() {
      return null;
    }

    @Override
    public String name() {
      return "tempering";
    }

    @Override
    public String description() {
      return "parallel tempering over a base sampler, options base (default: the model's default), replicas (8), minBeta (0.05)";
    }

    @Override
    public Optional<String> unsupportedReason(EnergyModel model) {
      TemperedModel view = TemperedModel.uniformBase(model, 0.5);
      String base = Samplers.defaultName(view);
      return Samplers.provider(base).unsupportedReason(view);
    }

    @Override
    public Sampler create(EnergyModel model, SamplerOptions options) {
      int count = options.getInt("replicas", 8);
      double minBeta = options.getDouble("minBeta", 0.05);
      if (count < 2 || !(minBeta > 0 && minBeta < 1)) {
        throw new IllegalArgumentException("tempering needs replicas >= 2 and 0 < minBeta < 1");
      }
      String base = options.getString("base", Samplers.defaultName(TemperedModel.uniformBase(model, 0.5)));
      if (base.equals("tempering")) {
        throw new IllegalArgumentException("tempering cannot run over itself; choose another base sampler");
      }
      return new TemperingSampler(model, base, count, minBeta, options);
    }
  }
}
