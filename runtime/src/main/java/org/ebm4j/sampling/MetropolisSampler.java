package org.ebm4j.sampling;

import com.google.auto.service.AutoService;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.ebm4j.model.Domain;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.SiteConditionals;

/**
 * Metropolis–Hastings: each sweep proposes flipping every discrete unit in turn, then one
 * Gaussian random-walk move of all real units together (step size {@code step}, default 0.5).
 */
public final class MetropolisSampler implements Sampler {
  private final EnergyModel model;
  private final SiteConditionals sites;
  private final double step;
  private final int[] realUnits;
  private final double[] x;
  private final double[] proposal;
  private long proposed;
  private long accepted;

  MetropolisSampler(EnergyModel model, double step) {
    this.model = model;
    this.sites = model.capability(SiteConditionals.class).orElse(null);
    this.step = step;
    this.realUnits = java.util.stream.IntStream.range(0, model.stateSize())
        .filter(i -> model.variables().domainAt(i) == Domain.REAL).toArray();
    this.x = new double[model.stateSize()];
    this.proposal = new double[model.stateSize()];
  }

  @Override
  public void sweep(Chains chains, int sweeps, RandomGenerator rng) {
    for (int c = 0; c < chains.count(); c++) {
      chains.get(c, x);
      for (int s = 0; s < sweeps; s++) {
        for (int site = 0; site < x.length; site++) {
          Domain d = model.variables().domainAt(site);
          if (!d.isDiscrete()) {
            continue;
          }
          // log p(flipped)/p(current) is ± the site's logit.
          double logit = sites != null ? sites.conditionalLogit(x, site) : flipLogit(site);
          double delta = x[site] == 1 ? -logit : logit;
          proposed++;
          if (delta >= 0 || rng.nextDouble() < Math.exp(delta)) {
            x[site] = d.value(1 - d.index(x[site]));
            accepted++;
          }
        }
        if (realUnits.length > 0) {
          System.arraycopy(x, 0, proposal, 0, x.length);
          for (int i : realUnits) {
            proposal[i] += step * rng.nextGaussian();
          }
          double delta = model.energy(x) - model.energy(proposal);
          proposed++;
          if (delta >= 0 || rng.nextDouble() < Math.exp(delta)) {
            System.arraycopy(proposal, 0, x, 0, x.length);
            accepted++;
          }
          RealTarget.checkDrift(x, realUnits, name(), c);
        }
      }
      chains.set(c, x);
    }
  }

  private double flipLogit(int site) {
    double saved = x[site];
    org.ebm4j.model.Domain d = model.variables().domainAt(site);
    x[site] = d.high();
    double high = model.energy(x);
    x[site] = d.low();
    double low = model.energy(x);
    x[site] = saved;
    return low - high;
  }

  @Override
  public String name() {
    return "metropolis";
  }

  @Override
  public Map<String, Double> statistics() {
    return Map.of("acceptance", proposed == 0 ? Double.NaN : (double) accepted / proposed);
  }

  /** Registers {@code metropolis}. */
  @AutoService(SamplerProvider.class)
  public static final class Provider implements SamplerProvider {
    @Override
    public java.util.Set<String> optionKeys() {
      return java.util.Set.of("step");
    }

    @Override
    public String name() {
      return "metropolis";
    }

    @Override
    public String description() {
      return "Metropolis-Hastings: single-unit flips for discrete units, a Gaussian random walk (option step) for real ones";
    }

    @Override
    public Optional<String> unsupportedReason(EnergyModel model) {
      if (model.variables().anyCategorical()) {
        return Optional.of("it flips two-valued units and moves real ones; for categorical units use gibbs or block-gibbs");
      }
      return Optional.empty();
    }

    @Override
    public Sampler create(EnergyModel model, SamplerOptions options) {
      double step = options.getDouble("step", 0.5);
      if (!(step > 0)) {
        throw new IllegalArgumentException("metropolis step must be positive, got " + step);
      }
      return new MetropolisSampler(model, step);
    }
  }
}
