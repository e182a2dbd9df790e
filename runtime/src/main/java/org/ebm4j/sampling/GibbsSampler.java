package org.ebm4j.sampling;

import com.google.auto.service.AutoService;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.SiteConditionals;

/** Site-by-site Gibbs sampling of binary and spin units, in state order. */
public final class GibbsSampler implements Sampler {
  private final EnergyModel model;
  private final SiteConditionals sites;
  private final double[] x;

  GibbsSampler(EnergyModel model) {
    this.model = model;
    this.sites = model.capability(SiteConditionals.class).orElseThrow();
    this.x = new double[model.stateSize()];
  }

  @Override
  public void sweep(Chains chains, int sweeps, RandomGenerator rng) {
    for (int c = 0; c < chains.count(); c++) {
      chains.get(c, x);
      for (int s = 0; s < sweeps; s++) {
        for (int site = 0; site < x.length; site++) {
          update(model, sites, x, site, rng);
        }
      }
      chains.set(c, x);
    }
  }

  /** Draws x[site] from its conditional given the rest. */
  static void update(EnergyModel model, SiteConditionals sites, double[] x, int site, RandomGenerator rng) {
    x[site] = model.variables().domainAt(site).draw(sites.conditionalLogit(x, site), rng.nextDouble());
  }

  @Override
  public String name() {
    return "gibbs";
  }

  /** Registers {@code gibbs}. */
  @AutoService(SamplerProvider.class)
  public static final class Provider implements SamplerProvider {
    @Override
    public java.util.Set<String> optionKeys() {
      return java.util.Set.of();
    }

    @Override
    public String name() {
      return "gibbs";
    }

    @Override
    public String description() {
      return "site-by-site Gibbs sampling of binary and spin units";
    }

    @Override
    public Optional<String> unsupportedReason(EnergyModel model) {
      if (model.variables().all().stream().anyMatch(v -> !v.domain().isDiscrete())) {
        return Optional.of("it samples binary and spin units only, and this model has real units; use block-gibbs, langevin, mala or hmc");
      }
      if (model.capability(SiteConditionals.class).isEmpty()) {
        return Optional.of("the model offers no site conditionals");
      }
      return Optional.empty();
    }

    @Override
    public Sampler create(EnergyModel model, SamplerOptions options) {
      return new GibbsSampler(model);
    }
  }
}
