package org.ebm4j.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Blocks summed out of the energy given the rest of the state, from the proven structure alone:
 * for blocks C no two of which interact ({@link Interactions}), the sum factorises over them,
 *
 * <pre>
 * log Σ_{x_C} exp(−E(x)) = Σ_{b ∈ C} L_b(x⁰) + (|C| − 1) E(x⁰),
 * </pre>
 *
 * x⁰ the state with C's units at 0 and L_b = {@link BlockConditionals#logSumOverBlock}. An RBM's
 * free energy (C the latents), a DBM's odd layers given the even ones, or no block at all (C
 * empty, the energy itself) are cases of it. Not thread-safe: it keeps a scratch state.
 */
public final class PartialSum {
  private final EnergyModel model;
  private final BlockConditionals blocks;
  private final List<Variables.Variable> summed;
  private final double[] state;
  private final double[][] fields;

  private PartialSum(EnergyModel model, BlockConditionals blocks, List<Variables.Variable> summed) {
    this.model = model;
    this.blocks = blocks;
    this.summed = summed;
    this.state = new double[model.stateSize()];
    this.fields = summed.stream().map(v -> new double[v.size()]).toArray(double[][]::new);
  }

  /**
   * The sum over {@code names}, which must be blocks of the model no two of which interact.
   *
   * @throws IllegalArgumentException naming a variable that is not a block, or two that interact
   */
  public static PartialSum of(EnergyModel model, Collection<String> names) {
    List<Variables.Variable> summed = new ArrayList<>();
    BlockConditionals blocks = model.capability(BlockConditionals.class).orElse(null);
    for (Variables.Variable v : model.variables().all()) {
      if (!names.contains(v.name())) {
        continue;
      }
      if (blocks == null || !blocks.blocks().contains(v.name())) {
        throw new IllegalArgumentException("'" + v.name() + "' cannot be summed out: it is not a block (its units are not independent given the rest)");
      }
      summed.add(v);
    }
    for (String n : names) {
      model.variables().get(n);
    }
    if (summed.size() > 1) {
      Interactions graph = model.capability(Interactions.class).orElse(null);
      for (Variables.Variable a : summed) {
        for (Variables.Variable b : summed) {
          if (a != b && (graph == null || graph.neighbours(a.name()).contains(b.name()))) {
            throw new IllegalArgumentException("'" + a.name() + "' and '" + b.name() + "' cannot be summed out together: a term of the energy couples them");
          }
        }
      }
    }
    return new PartialSum(model, blocks, List.copyOf(summed));
  }

  /**
   * The blocks among {@code candidates} to sum out so that the fewest units are left to enumerate:
   * no two of them interact and every unit left is discrete (real blocks may be summed out, but not
   * {@code forGradient}: the gradient of a sum over a real block is not the gradient at its mean).
   * Null when no choice leaves only discrete units. Variables are few, so every subset is tried.
   */
  public static List<String> bestBlocks(EnergyModel model, List<Variables.Variable> candidates, boolean forGradient) {
    List<Variables.Variable> blocks = new ArrayList<>();
    var bc = model.capability(BlockConditionals.class);
    for (Variables.Variable v : candidates) {
      if (bc.isPresent() && bc.get().blocks().contains(v.name()) && (!forGradient || v.domain().isDiscrete())) {
        blocks.add(v);
      }
    }
    if (blocks.size() > 20) {
      blocks = blocks.subList(0, 20);
    }
    List<String> best = null;
    double bestLeft = Double.POSITIVE_INFINITY;
    for (int mask = 0; mask < (1 << blocks.size()); mask++) {
      List<String> chosen = new ArrayList<>();
      for (int k = 0; k < blocks.size(); k++) {
        if ((mask >> k & 1) != 0) {
          chosen.add(blocks.get(k).name());
        }
      }
      if (!PartialSum.possible(model, chosen)) {
        continue;
      }
      double left = 0; // log of the number of states left to enumerate
      boolean discrete = true;
      for (Variables.Variable v : candidates) {
        if (!chosen.contains(v.name())) {
          left += v.domain().isDiscrete() ? v.logStates() : 0;
          discrete &= v.domain().isDiscrete();
        }
      }
      if (discrete && left < bestLeft - 1e-9) {
        best = candidates.stream().map(Variables.Variable::name).filter(chosen::contains).toList();
        bestLeft = left;
      }
    }
    return best;
  }

  /** Whether {@code names} could be summed out together: blocks, no two of which interact. */
  public static boolean possible(EnergyModel model, Collection<String> names) {
    var blocks = model.capability(BlockConditionals.class);
    if (names.isEmpty()) {
      return true;
    }
    if (blocks.isEmpty() || !blocks.get().blocks().containsAll(names)) {
      return false;
    }
    var graph = model.capability(Interactions.class);
    return names.size() == 1 || (graph.isPresent() && graph.get().independent(names));
  }

  /** The variables summed out, in state order. */
  public List<String> blocks() {
    return summed.stream().map(Variables.Variable::name).toList();
  }

  /** Whether every summed block is discrete, so that {@link #accumulateGradient} is exact. */
  public boolean discrete() {
    return summed.stream().allMatch(v -> v.domain().isDiscrete());
  }

  /** log Σ over the summed blocks of exp(−E(x)); {@code x} is only read, its summed units ignored. */
  public double logSum(double[] x) {
    System.arraycopy(x, 0, state, 0, state.length);
    for (Variables.Variable v : summed) {
      java.util.Arrays.fill(state, v.offset(), v.offset() + v.size(), 0.0);
    }
    double e0 = model.energy(state);
    double sum = (summed.size() - 1) * e0;
    if (summed.isEmpty()) {
      return -e0;
    }
    for (Variables.Variable v : summed) {
      sum += blocks.logSumOverBlock(v.name(), state);
    }
    return sum;
  }

  /** Overwrites the summed units of {@code x} with their conditional means given the rest. */
  public void fillMeans(double[] x) {
    // Independent given the rest: each block's conditional does not read the others.
    for (int b = 0; b < summed.size(); b++) {
      Variables.Variable v = summed.get(b);
      blocks.conditionalFields(v.name(), x, fields[b]);
      v.meansOfConditionals(fields[b], 0, x, v.offset());
    }
  }

  /**
   * {@code grad += weight · ∇θ log Σ_{x_C} exp(−E(x))} = weight · E[∇θ log p̃(x) | rest], exact:
   * E is affine in each discrete block and no term couples two of them, so the expectation is the
   * gradient at the conditional means. {@code x}'s summed units are overwritten with those means.
   *
   * @throws IllegalStateException if a summed block is real (E[x²] is not the square of the mean)
   */
  public void accumulateGradient(double[] x, double weight, double[] grad) {
    if (!discrete()) {
      throw new IllegalStateException("the gradient of a sum over real blocks " + blocks() + " is not the gradient at their means; sum out discrete blocks only");
    }
    fillMeans(x);
    model.accumulateGradient(x, weight, grad);
  }
}
