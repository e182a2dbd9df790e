package org.ebm4j.train;

import java.util.random.RandomGenerator;
import org.ebm4j.model.EnergyModel;

/**
 * Ratio matching (Hyvärinen 2007) for binary and spin units: minimises Σ_i g(p̃(v) / p̃(flip_i v))²
 * with g(u) = 1 / (1 + u), that is Σ_i σ(a_i)² with a_i = log p̃(flip_i v) − log p̃(v); like
 * pseudo-likelihood it needs no partition function and is consistent, and it weighs sites the
 * model already gets right less ({@link SiteFlips}; ascent weight 2σ(a)²(1 − σ(a)) per site).
 */
public final class RatioMatching implements Objective {
  static final String NAME = "ratio-matching";
  private final SiteFlips flips;

  RatioMatching(int sites) {
    this.flips = new SiteFlips(NAME, sites, a -> {
      double s = 1 / (1 + Math.exp(-a));
      return 2 * s * s * (1 - s);
    });
  }

  /** The spec {@link #parse} reads back: {@code ratio-matching} or {@code ratio-matching:sites=K}. */
  @Override
  public String spec() {
    return flips.spec();
  }

  /** Parses {@code ratio-matching[:sites=K]}. */
  public static RatioMatching parse(String spec) {
    return new RatioMatching(SiteFlips.parseSites(NAME, spec));
  }

  @Override
  public void accumulate(EnergyModel model, MiniBatch batch, double[] grad, RandomGenerator rng) {
    flips.check(model, true);
    flips.accumulate(model, batch, grad, rng);
  }

  @Override
  public boolean acceptsWeights() {
    return true;
  }

  @Override
  public String describe() {
    return flips.describe();
  }
}
