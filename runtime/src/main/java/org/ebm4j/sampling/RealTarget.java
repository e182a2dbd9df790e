package org.ebm4j.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.ebm4j.model.BlockConditionals;
import org.ebm4j.model.Domain;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.FreeEnergy;
import org.ebm4j.model.Variables;

/**
 * The density that gradient-based samplers move the real units in: log p̃(x) when every unit is
 * real, or the visible marginal log p̃(v) = −F(v) when real visibles come with discrete latents
 * that the model sums out. In the second case ∇v log p̃(v) is the joint input gradient at h =
 * E[h | v], because ∂E/∂v is affine in h when E is.
 */
final class RealTarget {
  /** |x| beyond which a chain is taken to have run off to infinity. */
  static final double DRIFT_LIMIT = 1e8;

  final EnergyModel model;
  final int[] realUnits;
  private final FreeEnergy free;
  private final BlockConditionals blocks;
  private final List<Variables.Variable> latents = new ArrayList<>();
  private final double[] full;
  private final double[] grad;
  private final java.util.Map<String, double[]> fieldsByVariable = new java.util.HashMap<>();

  private RealTarget(EnergyModel model, FreeEnergy free, BlockConditionals blocks) {
    this.model = model;
    this.free = free;
    this.blocks = blocks;
    List<Integer> units = new ArrayList<>();
    for (Variables.Variable v : model.variables().all()) {
      if (v.domain() == Domain.REAL) {
        for (int k = 0; k < v.size(); k++) {
          units.add(v.offset() + k);
        }
      } else {
        latents.add(v);
      }
    }
    this.realUnits = units.stream().mapToInt(Integer::intValue).toArray();
    this.full = new double[model.stateSize()];
    this.grad = new double[model.stateSize()];
  }

  /** Why {@code model} cannot be sampled this way, if it cannot. */
  static Optional<String> unsupportedReason(EnergyModel model) {
    List<Variables.Variable> discrete = model.variables().all().stream().filter(v -> v.domain().isDiscrete()).toList();
    if (discrete.size() == model.variables().all().size()) {
      return Optional.of("it moves real-valued units, and this model has none; use gibbs or block-gibbs");
    }
    if (discrete.isEmpty()) {
      return Optional.empty();
    }
    boolean latentOnly = discrete.stream().noneMatch(Variables.Variable::visible);
    var blocks = model.capability(BlockConditionals.class);
    if (latentOnly && model.capability(FreeEnergy.class).isPresent() && blocks.isPresent()
        && discrete.stream().allMatch(v -> blocks.get().blocks().contains(v.name()))) {
      return Optional.empty();
    }
    return Optional.of("its discrete units " + discrete.stream().map(Variables.Variable::name).toList()
        + " are not latents the model sums out; use block-gibbs, gibbs or metropolis");
  }

  static RealTarget of(EnergyModel model) {
    Optional<String> reason = unsupportedReason(model);
    if (reason.isPresent()) {
      throw new IllegalArgumentException(reason.get());
    }
    return new RealTarget(model, model.capability(FreeEnergy.class).orElse(null), model.capability(BlockConditionals.class).orElse(null));
  }

  int dimension() {
    return realUnits.length;
  }

  /** log p̃ of the state's real units (marginal over the latents when there are any). */
  double logDensity(double[] x) {
    if (latents.isEmpty()) {
      return -model.energy(x);
    }
    return -free.freeEnergy(java.util.Arrays.copyOf(x, model.visibleSize()));
  }

  /** {@code out[i] = ∂ log p̃ / ∂x[realUnits[i]]}. */
  void gradient(double[] x, double[] out) {
    System.arraycopy(x, 0, full, 0, x.length);
    for (Variables.Variable h : latents) {
      double[] fields = fieldsByVariable.computeIfAbsent(h.name(), name -> new double[h.size()]);
      blocks.conditionalFields(h.name(), full, fields);
      for (int k = 0; k < h.size(); k++) {
        full[h.offset() + k] = h.domain().mean(fields[k]);
      }
    }
    model.inputGradient(full, grad);
    for (int i = 0; i < realUnits.length; i++) {
      out[i] = grad[realUnits[i]];
    }
  }

  /** Draws the latents from p(h | v) so the chain's full state is a proper sample. */
  void refreshLatents(double[] x, RandomGenerator rng) {
    for (Variables.Variable h : latents) {
      blocks.sample(h.name(), x, rng);
    }
  }

  /** Throws when the chain's real units have run off. */
  void checkDrift(double[] x, String sampler, int chain) {
    checkDrift(x, realUnits, sampler, chain);
  }

  /** Throws when any of {@code units} of the state has run off. */
  static void checkDrift(double[] x, int[] units, String sampler, int chain) {
    for (int i : units) {
      double value = x[i];
      if (!(Math.abs(value) < DRIFT_LIMIT)) {
        throw new NotNormalizableException(
            "chain " + chain + " of sampler '" + sampler + "' drifted to x[" + i + "] = " + value
                + ": exp(-E) seems not normalizable (not integrable in x), so there is no distribution to sample"
                + " or fit. Make the energy grow at least like |x| in every direction, e.g. add 0.5 * sumSquares(x)");
      }
    }
  }
}
