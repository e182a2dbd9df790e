package org.ebm4j.sampling;

import com.google.auto.service.AutoService;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.SiteConditionals;
import org.ebm4j.model.TemperedModel;
import org.ebm4j.model.Variables;

/** Site-by-site Gibbs sampling of binary, spin and categorical units, in state order. */
public final class GibbsSampler implements Sampler {
  private final EnergyModel model;
  private final SiteConditionals sites;
  private final double[] x;
  private final double[] weights;
  /** Non-null where each move's energy change follows from the gradient (see {@link org.ebm4j.model.SelfCouplings}). */
  private final org.ebm4j.model.SelfCouplings self;
  /** For a tempered view ({@link TemperedModel}): its β and base logits; else 1 and null. */
  private final double beta;
  private final double[] baseLogits;
  private double[] fields = new double[0];

  GibbsSampler(EnergyModel model) {
    this.model = model;
    this.sites = model.capability(SiteConditionals.class).orElseThrow();
    this.x = new double[model.stateSize()];
    this.weights = new double[model.variables().all().stream().mapToInt(Variables.Variable::group).max().orElse(1)];
    // A tempered view's conditionals are β times the model's plus the base's: the model's
    // gradient still gives every move (AIS and tempering of a Potts model).
    TemperedModel tempered = model instanceof TemperedModel t ? t : null;
    this.self = org.ebm4j.model.SelfCouplings.of(tempered == null ? model : tempered.model());
    this.beta = tempered == null ? 1 : tempered.beta();
    this.baseLogits = tempered == null ? null : tempered.baseLogits();
  }

  @Override
  public void sweep(Chains chains, int sweeps, RandomGenerator rng) {
    if (self != null) {
      sweepFromFields(chains, sweeps, rng);
      return;
    }
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
   * Sweeps with every chain's energy gradient kept up to date move by move ({@link SelfCouplings}):
   * the same conditionals as {@link #updateUnit}, in O(units) per move instead of one energy per
   * state. The gradients are recomputed for all chains at once at the start of each call, so
   * rounding cannot build up across calls.
   */
  private void sweepFromFields(Chains chains, int sweeps, RandomGenerator rng) {
    double[] states = chains.states();
    int width = model.stateSize();
    if (fields.length < chains.count() * width) {
      fields = new double[chains.count() * width];
    }
    self.gradients(states, chains.count(), fields);
    self.prepare();
    // Chains are independent: each draws from its own stream, so the result is the same on any
    // number of cores.
    long key = rng.nextLong();
    org.ebm4j.kernel.Parallel.rows(chains.count(), (long) sweeps * width * width, (from, to) -> {
      double[] w = new double[weights.length];
      for (int c = from; c < to; c++) {
        sweepChain(states, c * width, sweeps, w, org.ebm4j.random.Rng.stream(key, c));
      }
    });
  }

  private void sweepChain(double[] states, int base, int sweeps, double[] w, RandomGenerator rng) {
    int width = model.stateSize();
    for (int s = 0; s < sweeps; s++) {
      for (int site = 0; site < width; ) {
        Variables.Variable v = model.variables().variableAt(site);
        if (!v.isCategorical()) {
          double now = states[base + site];
          double delta = v.domain().low() + v.domain().high() - 2 * now;
          double change = self.change(fields, base, site, delta, site, 0);
          // logit of high against low is E(low) − E(high).
          double logit = now == v.domain().high() ? change : -change;
          if (baseLogits != null) {
            logit = beta * logit + (1 - beta) * baseLogits[site];
          }
          double next = v.domain().draw(logit, rng.nextDouble());
          if (next != now) {
            states[base + site] = next;
            self.moved(fields, base, site, delta, site, 0);
          }
          site++;
          continue;
        }
        int k = v.group();
        int b = self.stateLogits(states, fields, base, site, k, w);
        if (baseLogits != null) {
          for (int a = 0; a < k; a++) {
            w[a] = beta * w[a] + (1 - beta) * (baseLogits[site + a] - baseLogits[site + b]);
          }
        }
        org.ebm4j.model.CategoricalUnits.draw(w, 0, 1, states, base + site, k, rng.nextDouble());
        int a = 0;
        while (states[base + site + a] == 0) {
          a++;
        }
        if (a != b) {
          self.moved(fields, base, site + a, 1, site + b, -1);
        }
        site += k;
      }
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
