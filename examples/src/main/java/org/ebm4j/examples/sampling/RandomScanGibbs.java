package org.ebm4j.examples.sampling;

import com.google.auto.service.AutoService;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.SiteConditionals;
import org.ebm4j.sampling.Chains;
import org.ebm4j.sampling.Sampler;
import org.ebm4j.sampling.SamplerOptions;
import org.ebm4j.sampling.SamplerProvider;

/**
 * A sampler written outside ebm4j's runtime: random-scan Gibbs, which updates sites chosen
 * uniformly at random instead of in order. Registering the provider with {@code @AutoService}
 * makes it usable by name ({@code --sampler random-scan-gibbs}) with no change to ebm4j.
 */
public final class RandomScanGibbs implements Sampler {
  private final EnergyModel model;
  private final SiteConditionals sites;
  private final double[] x;

  RandomScanGibbs(EnergyModel model) {
    this.model = model;
    this.sites = model.capability(SiteConditionals.class).orElseThrow();
    this.x = new double[model.stateSize()];
  }

  @Override
  public void sweep(Chains chains, int sweeps, RandomGenerator rng) {
    for (int c = 0; c < chains.count(); c++) {
      chains.get(c, x);
      // A sweep is as many single-site updates as there are units.
      for (int update = 0; update < sweeps * x.length; update++) {
        int site = rng.nextInt(x.length);
        boolean high = rng.nextDouble() < Kernels.sigmoid(sites.conditionalLogit(x, site));
        x[site] = model.variables().domainAt(site).value(high ? 1 : 0);
      }
      chains.set(c, x);
    }
  }

  @Override
  public String name() {
    return "random-scan-gibbs";
  }

  /** Registers {@code random-scan-gibbs} with the runtime's ServiceLoader. */
  @AutoService(SamplerProvider.class)
  public static final class Provider implements SamplerProvider {
    @Override
    public String name() {
      return "random-scan-gibbs";
    }

    @Override
    public String description() {
      return "Gibbs updates of uniformly random sites (an example of a third-party sampler)";
    }

    @Override
    public Optional<String> unsupportedReason(EnergyModel model) {
      if (!model.variables().all().stream().allMatch(v -> v.domain().isDiscrete())) {
        return Optional.of("it samples binary and spin units only");
      }
      return model.capability(SiteConditionals.class).isPresent() ? Optional.empty() : Optional.of("the model offers no site conditionals");
    }

    @Override
    public Sampler create(EnergyModel model, SamplerOptions options) {
      return new RandomScanGibbs(model);
    }
  }
}
