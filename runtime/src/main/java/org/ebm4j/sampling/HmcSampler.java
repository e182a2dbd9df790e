package org.ebm4j.sampling;

import com.google.auto.service.AutoService;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.ebm4j.model.EnergyModel;

/**
 * Hamiltonian Monte Carlo on the real units: momentum p ~ N(0, I), {@code leapfrog} steps
 * (default 10) of size {@code step} (default 0.1), accepted with probability min(1, exp(−ΔH)).
 */
public final class HmcSampler implements Sampler {
  private final RealTarget target;
  private final double step;
  private final int leapfrog;
  private final double[] x;
  private final double[] q;
  private final double[] p;
  private final double[] grad;
  private long proposed;
  private long accepted;

  HmcSampler(EnergyModel model, double step, int leapfrog) {
    this.target = RealTarget.of(model);
    this.step = step;
    this.leapfrog = leapfrog;
    this.x = new double[model.stateSize()];
    this.q = new double[model.stateSize()];
    this.p = new double[target.dimension()];
    this.grad = new double[target.dimension()];
  }

  @Override
  public void sweep(Chains chains, int sweeps, RandomGenerator rng) {
    int[] units = target.realUnits;
    for (int c = 0; c < chains.count(); c++) {
      chains.get(c, x);
      for (int s = 0; s < sweeps; s++) {
        double kinetic = 0;
        for (int i = 0; i < p.length; i++) {
          p[i] = rng.nextGaussian();
          kinetic += p[i] * p[i] / 2;
        }
        double h0 = -target.logDensity(x) + kinetic;
        System.arraycopy(x, 0, q, 0, x.length);
        target.gradient(q, grad);
        for (int l = 0; l < leapfrog; l++) {
          for (int i = 0; i < units.length; i++) {
            p[i] += 0.5 * step * grad[i];
            q[units[i]] += step * p[i];
          }
          target.gradient(q, grad);
          for (int i = 0; i < units.length; i++) {
            p[i] += 0.5 * step * grad[i];
          }
        }
        kinetic = 0;
        for (double pi : p) {
          kinetic += pi * pi / 2;
        }
        double h1 = -target.logDensity(q) + kinetic;
        proposed++;
        double delta = h0 - h1;
        if (delta >= 0 || rng.nextDouble() < Math.exp(delta)) {
          System.arraycopy(q, 0, x, 0, x.length);
          accepted++;
        }
        target.checkDrift(x, "hmc", c);
      }
      target.refreshLatents(x, rng);
      chains.set(c, x);
    }
  }

  @Override
  public String name() {
    return "hmc";
  }

  @Override
  public Map<String, Double> statistics() {
    return Map.of("acceptance", proposed == 0 ? Double.NaN : (double) accepted / proposed);
  }

  /** Registers {@code hmc}. */
  @AutoService(SamplerProvider.class)
  public static final class Provider implements SamplerProvider {
    @Override
    public java.util.Set<String> optionKeys() {
      return java.util.Set.of("step", "leapfrog");
    }

    @Override
    public String name() {
      return "hmc";
    }

    @Override
    public String description() {
      return "Hamiltonian Monte Carlo on real units, options step (default 0.1) and leapfrog (default 10)";
    }

    @Override
    public Optional<String> unsupportedReason(EnergyModel model) {
      return RealTarget.unsupportedReason(model);
    }

    @Override
    public Sampler create(EnergyModel model, SamplerOptions options) {
      int leapfrog = options.getInt("leapfrog", 10);
      if (leapfrog <= 0) {
        throw new IllegalArgumentException("hmc leapfrog must be positive, got " + leapfrog);
      }
      return new HmcSampler(model, LangevinSampler.step(options, 0.1), leapfrog);
    }
  }
}
