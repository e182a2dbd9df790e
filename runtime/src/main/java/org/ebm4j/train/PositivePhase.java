package org.ebm4j.train;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.BlockConditionals;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.FreeEnergy;
import org.ebm4j.model.PartialSum;
import org.ebm4j.model.StateSpace;
import org.ebm4j.model.SiteConditionals;
import org.ebm4j.model.Variables;

/**
 * The data term of the gradient, ∇θ log p̃(v) for a visible example: the free energy's exact
 * marginal gradient where the model has one; the joint gradient when there are no latents; an
 * exact sum over the posterior where few discrete latent units are left once the latent blocks
 * that do not interact are summed out given them ({@link PartialSum}: for a small DBM, one layer
 * enumerated and the next summed); else the joint gradient at latents drawn from their
 * conditionals given v (one clamped Gibbs sweep).
 */
final class PositivePhase {
  private static final int MAX_ENUMERATED = 12;
  /** Most enumerated states times parameters per example for the exact positive phase. */
  private static final double MAX_WORK = 1 << 17;

  private final EnergyModel model;
  private final FreeEnergy free;
  private final BlockConditionals blocks;
  private final SiteConditionals sites;
  private final double[] state;
  private final List<Variables.Variable> latents = new ArrayList<>();
  private final List<Integer> latentUnits = new ArrayList<>();
  /** The latent blocks summed out given the enumerated latents, or null when not enumerating. */
  private final PartialSum summed;
  private StateSpace enumerated = StateSpace.of(List.of());
  /** A categorical unit's log weights, for clamped Gibbs sweeps. */
  private final double[] weights;

  private final LatentInference inference;
  private final org.ebm4j.estimate.MeanField meanField;
  private final String how;

  PositivePhase(EnergyModel model) {
    this(model, LatentInference.auto());
  }

  PositivePhase(EnergyModel model, LatentInference inference) {
    this.model = model;
    this.inference = inference;
    this.free = model.capability(FreeEnergy.class).orElse(null);
    this.blocks = model.capability(BlockConditionals.class).orElse(null);
    this.sites = model.capability(SiteConditionals.class).orElse(null);
    this.state = new double[model.stateSize()];
    this.weights = new double[model.variables().all().stream().mapToInt(Variables.Variable::group).max().orElse(1)];
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
    List<String> sum = free == null && !latents.isEmpty() ? PartialSum.bestBlocks(model, latents, true) : null;
    if (sum != null) {
      enumerated = StateSpace.of(latents.stream().filter(h -> !sum.contains(h.name())).toList());
    }
    // Exact only where it is cheap: each enumerated state costs a gradient, a pass over θ.
    boolean cheap = !enumerated.exceeds(MAX_ENUMERATED) && (double) enumerated.count() * model.params().length <= MAX_WORK;
    boolean discreteBlocks = latents.stream().allMatch(h -> h.domain().isTwoValued() && blocks != null && blocks.blocks().contains(h.name()));
    LatentInference.Kind kind = inference.kind();
    if (free != null || latents.isEmpty()) {
      kind = LatentInference.Kind.EXACT;
    } else if (kind == LatentInference.Kind.AUTO) {
      kind = sum != null && cheap ? LatentInference.Kind.EXACT : discreteBlocks ? LatentInference.Kind.MEAN_FIELD : LatentInference.Kind.SAMPLED;
    }
    if (kind == LatentInference.Kind.EXACT && free == null && !latents.isEmpty() && (sum == null || enumerated.exceeds(20))) {
      throw new IllegalArgumentException("the exact positive phase would enumerate " + (sum == null ? "real latent units" : enumerated.describe() + " latent states")
          + " per example; choose meanfield or sampled:K");
    }
    this.summed = kind == LatentInference.Kind.EXACT && sum != null && free == null ? PartialSum.of(model, sum) : null;
    this.meanField = kind == LatentInference.Kind.MEAN_FIELD
        ? new org.ebm4j.estimate.MeanField(model, inference.kind() == LatentInference.Kind.AUTO ? 50 : inference.iterations(), inference.tolerance(), inference.damping(),
            inference.upward())
        : null;
    this.how = free != null ? "free energy (exact)" : latents.isEmpty() ? "no latents" : switch (kind) {
      case EXACT -> "exact (" + enumerated.count() + " latent states, " + sum + " summed out)";
      case MEAN_FIELD -> "mean-field (" + (inference.kind() == LatentInference.Kind.AUTO ? LatentInference.meanField() : inference).spec() + ")";
      default -> "sampled (" + Math.max(1, inference.sweeps()) + " clamped Gibbs sweeps)";
    };
  }

  /** The mean-field inference, when that is how latents are treated, for the batched path. */
  org.ebm4j.estimate.MeanField meanField() {
    return meanField;
  }

  /** How the latents are treated, for logs. */
  String describe() {
    return how;
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
    if (summed != null) {
      enumerate(weight, grad);
      return;
    }
    if (meanField != null) {
      model.accumulateGradient(meanField.fit(v), weight, grad);
      return;
    }
    for (Variables.Variable h : latents) {
      if (h.isCategorical()) {
        for (int u = 0; u < h.units(); u++) {
          h.setState(state, u, 0);
        }
      } else {
        java.util.Arrays.fill(state, h.offset(), h.offset() + h.size(), h.domain().isDiscrete() ? h.domain().mean(0) : 0);
      }
    }
    for (int sweep = 0; sweep < Math.max(1, inference.sweeps()); sweep++) {
      for (Variables.Variable h : latents) {
        if (blocks != null && blocks.blocks().contains(h.name())) {
          blocks.sample(h.name(), state, rng);
        } else {
          for (int site = h.offset(); site < h.offset() + h.size(); ) {
            site = org.ebm4j.sampling.GibbsSampler.updateUnit(model, sites, state, site, weights, rng);
          }
        }
      }
    }
    model.accumulateGradient(state, weight, grad);
  }

  /**
   * ∇θ log p̃(v) = Σ_s p(s|v) ∇θ log Σ_c p̃(v, s, c), s the enumerated latents and c the summed
   * ones, in two passes over the states of s.
   */
  private void enumerate(double weight, double[] grad) {
    double[] logWeights = new double[(int) enumerated.count()];
    for (int i = 0; i < logWeights.length; i++) {
      load(i);
      logWeights[i] = summed.logSum(state);
    }
    double logSum = Kernels.logSumExp(logWeights, 0, logWeights.length);
    for (int i = 0; i < logWeights.length; i++) {
      load(i);
      summed.accumulateGradient(state, weight * Math.exp(logWeights[i] - logSum), grad);
    }
  }

  private void load(int index) {
    enumerated.load(index, state);
  }
}
