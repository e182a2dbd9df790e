package org.ebm4j.sampling;

import com.google.auto.service.AutoService;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.SiteConditionals;
import org.ebm4j.model.Variables;

/** Site-by-site Gibbs sampling of binary, spin and categorical units, in state order. */
public final class GibbsSampler implements Sampler {
  private final EnergyModel model;
  private final SiteConditionals sites;
  private final double[] x;
  private final double[] weights;

  GibbsSampler(EnergyModel model) {
    this.model = model;
    this.sites = model.capability(SiteConditionals.class).orElseThrow();
    this.x = new double[model.stateSize()];
    this.weights = new double[model.variables().all().stream().mapToInt(Variables.Variable::group).max().orElse(1)];
  }

  @Override
  public void sweep(Chains chains, int sweeps, RandomGenerator rng) {
    for (int c = 0; c < chains.count(); c++) {
      chains.get(c, x);
      for (int s = 0; s < sweeps; s++) {
        for (int site = 0; site < x.length; ) {
          site = updateUnit(model, sites, x, site, weights, rng);
        }
      }
      chains.set(c, x);
    }
  }

  /**
   * Draws the unit that starts at {@code site} from its conditional given the rest and returns the
   * index of the unit's next one: site + 1 for a two-valued unit, site + K for a categorical one.
   * {@code weights} has room for K log weights.
   */
  public static int updateUnit(EnergyModel model, SiteConditionals sites, double[] x, int site, double[] weights, RandomGenerator rng) {
    org.ebm4j.model.Variables.Variable v = model.variables().variableAt(site);
    if (!v.isCategorical()) {
      x[site] = v.domain().draw(sites.conditionalLogit(x, site), rng.nextDouble());
      return site + 1;
    }
    sites.categoricalLogWeights(x, site, weights);
    org.ebm4j.model.CategoricalUnits.draw(weights, 0, 1, x, site, v.group(), rng.nextDouble());
    return site + v.group();
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
      return "site-by-site Gibbs sampling of binary, spin and categorical units";
    }

    @Override
    public Optional<String> unsupportedReason(EnergyModel model) {
      if (model.variables().all().stream().anyMatch(v -> !v.domain().isDiscrete())) {
        return Optional.of("it samples discrete (binary, spin, categorical) units only, and this model has real units; use block-gibbs, langevin, mala or hmc");
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
