package org.ebm4j.sampling;

import com.google.auto.service.AutoService;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.ebm4j.model.EnergyModel;

/**
 * Langevin dynamics on the real units. {@code langevin} is the unadjusted algorithm (ULA), x ← x +
 * ε∇log p̃(x) + √(2ε)ξ, biased by O(ε); {@code mala} adds a Metropolis–Hastings correction so the
 * target is exact. Option {@code step} is ε (default 0.01).
 */
public final class LangevinSampler implements Sampler {
  private final RealTarget target;
  private final double step;
  private final boolean adjusted;
  private final double[] x;
  private final double[] proposal;
  private final double[] grad;
  private final double[] proposalGrad;
  private long proposed;
  private long accepted;

  LangevinSampler(EnergyModel model, double step, boolean adjusted) {
    this.target = RealTarget.of(model);
    this.step = step;
    this.adjusted = adjusted;
    this.x = new double[model.stateSize()];
    this.proposal = new double[model.stateSize()];
    this.grad = new double[target.dimension()];
    this.proposalGrad = new double[target.dimension()];
  }

  @Override
  public void sweep(Chains chains, int sweeps, RandomGenerator rng) {
    int[] units = target.realUnits;
    double noise = Math.sqrt(2 * step);
    for (int c = 0; c < chains.count(); c++) {
      chains.get(c, x);
      for (int s = 0; s < sweeps; s++) {
        target.gradient(x, grad);
        System.arraycopy(x, 0, proposal, 0, x.length);
        for (int i = 0; i < units.length; i++) {
          proposal[units[i]] += step * grad[i] + noise * rng.nextGaussian();
        }
        if (!adjusted) {
          System.arraycopy(proposal, 0, x, 0, x.length);
        } else {
          target.gradient(proposal, proposalGrad);
          // log α = log p̃(x') − log p̃(x) + log q(x | x') − log q(x' | x), q Gaussian of variance 2ε.
          double logAlpha = target.logDensity(proposal) - target.logDensity(x);
          for (int i = 0; i < units.length; i++) {
            double forward = proposal[units[i]] - x[units[i]] - step * grad[i];
            double backward = x[units[i]] - proposal[units[i]] - step * proposalGrad[i];
            logAlpha += (forward * forward - backward * backward) / (4 * step);
          }
          proposed++;
          if (logAlpha >= 0 || rng.nextDouble() < Math.exp(logAlpha)) {
            System.arraycopy(proposal, 0, x, 0, x.length);
            accepted++;
          }
        }
        target.checkDrift(x, name(), c);
      }
      target.refreshLatents(x, rng);
      chains.set(c, x);
    }
  }

  @Override
  public String name() {
    return adjusted ? "mala" : "langevin";
  }

  @Override
  public Map<String, Double> statistics() {
    return adjusted ? Map.of("acceptance", proposed == 0 ? Double.NaN : (double) accepted / proposed) : Map.of();
  }

  static Optional<String> unsupported(EnergyModel model) {
    return RealTarget.unsupportedReason(model);
  }

  static double step(SamplerOptions options, double fallback) {
    double step = options.getDouble("step", fallback);
    if (!(step > 0)) {
      throw new IllegalArgumentException("step must be positive, got " + step);
    }
    return step;
  }

  /** Registers {@code langevin}. */
  @AutoService(SamplerProvider.class)
  public static final class UnadjustedProvider implements SamplerProvider {
    @Override
    public java.util.Set<String> optionKeys() {
      return java.util.Set.of("step");
    }

    @Override
    public String name() {
      return "langevin";
    }

    @Override
    public String description() {
      return "unadjusted Langevin dynamics (ULA) on real units, option step (default 0.01)";
    }

    @Override
    public Optional<String> unsupportedReason(EnergyModel model) {
      return unsupported(model);
    }

    @Override
    public Sampler create(EnergyModel model, SamplerOptions options) {
      return new LangevinSampler(model, step(options, 0.01), false);
    }
  }

  /** Registers {@code mala}. */
  @AutoService(SamplerProvider.class)
  public static final class AdjustedProvider implements SamplerProvider {
    @Override
    public java.util.Set<String> optionKeys() {
      return java.util.Set.of("step");
    }

    @Override
    public String name() {
      return "mala";
    }

    @Override
    public String description() {
      return "Metropolis-adjusted Langevin on real units, option step (default 0.05)";
    }

    @Override
    public Optional<String> unsupportedReason(EnergyModel model) {
      return unsupported(model);
    }

    @Override
    public Sampler create(EnergyModel model, SamplerOptions options) {
      return new LangevinSampler(model, step(options, 0.05), true);
    }
  }
}
