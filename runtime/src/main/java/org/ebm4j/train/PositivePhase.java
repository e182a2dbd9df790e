package org.ebm4j.train;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.BlockConditionals;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.FreeEnergy;
import org.ebm4j.model.SiteConditionals;
import org.ebm4j.model.Variables;

/**
 * The data term of the gradient, ∇θ log p̃(v) for a visible example: the free energy's exact
 * marginal gradient where the model has one; the joint gradient when there are no latents; an
 * exact sum over the posterior of a few discrete latents; else the joint gradient at latents drawn
 * from their conditionals given v (one clamped Gibbs sweep).
 */
final class PositivePhase {
  private static final int MAX_ENUMERATED = 12;

  private final EnergyModel model;
  private final FreeEnergy free;
  private final BlockConditionals blocks;
  private final SiteConditionals sites;
  private final double[] state;
  private final List<Variables.Variable> latents = new ArrayList<>();
  private final List<Integer> latentUnits = new ArrayList<>();

  PositivePhase(EnergyModel model) {
    this.model = model;
    this.free = model.capability(FreeEnergy.class).orElse(null);
    this.blocks = model.capability(BlockConditionals.class).orElse(null);
    this.sites = model.capability(SiteConditionals.class).orElse(null);
    this.state = new double[model.stateSize()];
    for (Variables.Variable v : model.variables().all()) {
      if (!v.visible()) {
        latents.add(v);
        for (int k = 0; k < v.size(); k++) {
          latentUnits.add(v.offset() + k);
        }
        boolean block = blocks != null && blocks.blocks().contains(v.name());
        if (free == null && !block && !(v.domain().isDiscrete() && sites != null)) {
          throw new IllegalArgumentException(
              "the positive phase cannot handle latent variable '" + v.name() + "': it is real-valued and neither summed out nor conditionally independent");
        }
      }
    }
  }

  /** {@code grad += weight · ∇θ log p̃(v)} (an unbiased estimate when latents are sampled). */
  void accumulate(double[] v, double weight, double[] grad, RandomGenerator rng) {
    if (free != null) {
      free.accumulateMarginalGradient(v, weight, grad);
      return;
    }
    System.arraycopy(v, 0, state, 0, v.length);
    if (latentUnits.isEmpty()) {
      model.accumulateGradient(state, weight, grad);
      return;
    }
    boolean discrete = latents.stream().allMatch(x -> x.domain().isDiscrete());
    if (discrete && latentUnits.size() <= MAX_ENUMERATED) {
      enumerate(weight, grad);
      return;
    }
    for (Variables.Variable h : latents) {
      if (blocks != null && blocks.blocks().contains(h.name())) {
        blocks.sample(h.name(), state, rng);
      } else {
        for (int site = h.offset(); site < h.offset() + h.size(); site++) {
          state[site] = h.domain().draw(sites.conditionalLogit(state, site), rng.nextDouble());
        }
      }
    }
    model.accumulateGradient(state, weight, grad);
  }

  /** ∇θ log p̃(v) = Σ_h p(h|v) ∇θ log p̃(v, h), in two passes over the latent states. */
  private void enumerate(double weight, double[] grad) {
    double[] logWeights = new double[1 << latentUnits.size()];
    for (int i = 0; i < logWeights.length; i++) {
      load(i);
      logWeights[i] = -model.energy(state);
    }
    double logSum = Kernels.logSumExp(logWeights, 0, logWeights.length);
    for (int i = 0; i < logWeights.length; i++) {
      load(i);
      model.accumulateGradient(state, weight * Math.exp(logWeights[i] - logSum), grad);
    }
  }

  private void load(int index) {
    for (int j = 0; j < latentUnits.size(); j++) {
      int site = latentUnits.get(j);
      state[site] = model.variables().domainAt(site).value((index >> j) & 1);
    }
  }
}
