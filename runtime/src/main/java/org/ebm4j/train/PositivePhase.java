package org.ebm4j.train;

import java.util.ArrayList;
import java.util.List;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.Domain;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.FreeEnergy;
import org.ebm4j.model.Variables;

/**
 * The data term of the gradient, ∇θ log p̃(v) for a visible example: the free energy's exact
 * marginal gradient where the model has one, the joint gradient when there are no latents, else an
 * exact sum over the posterior of a few discrete latents.
 */
final class PositivePhase {
  private final EnergyModel model;
  private final FreeEnergy free;
  private final double[] state;
  private final List<Integer> latentUnits = new ArrayList<>();

  PositivePhase(EnergyModel model) {
    this.model = model;
    this.free = model.capability(FreeEnergy.class).orElse(null);
    this.state = new double[model.stateSize()];
    for (Variables.Variable v : model.variables().all()) {
      if (!v.visible()) {
        if (free == null && !v.domain().isDiscrete()) {
          throw new IllegalArgumentException(
              "the positive phase needs the latent variable '" + v.name() + "' summed out, but it is real-valued and the energy gives no free energy");
        }
        for (int k = 0; k < v.size(); k++) {
          latentUnits.add(v.offset() + k);
        }
      }
    }
    if (free == null && latentUnits.size() > 20) {
      throw new IllegalArgumentException(
          "the positive phase would enumerate 2^" + latentUnits.size() + " latent states: the energy is not affine in its latents, so they cannot be summed out analytically");
    }
  }

  /** {@code grad += weight · ∇θ log p̃(v)}. */
  void accumulate(double[] v, double weight, double[] grad) {
    if (free != null) {
      free.accumulateMarginalGradient(v, weight, grad);
      return;
    }
    System.arraycopy(v, 0, state, 0, v.length);
    if (latentUnits.isEmpty()) {
      model.accumulateGradient(state, weight, grad);
      return;
    }
    // ∇θ log p̃(v) = Σ_h p(h|v) ∇θ log p̃(v, h): two passes over the latent states.
    int n = latentUnits.size();
    double[] logWeights = new double[1 << n];
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
      boolean one = ((index >> j) & 1) == 1;
      state[site] = one ? 1.0 : (model.variables().domainAt(site) == Domain.SPIN ? -1.0 : 0.0);
    }
  }
}
