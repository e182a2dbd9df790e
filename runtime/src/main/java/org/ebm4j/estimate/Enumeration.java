package org.ebm4j.estimate;

import java.util.ArrayList;
import java.util.List;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.BlockConditionals;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.FreeEnergy;
import org.ebm4j.model.PartialSum;
import org.ebm4j.model.StateSpace;
import org.ebm4j.model.Variables;

/**
 * Exact sums over all states of a small discrete model, enumerating the fewest units the model's
 * proven structure allows: every visible state with the latents summed out ({@link FreeEnergy}),
 * or the states of some variables with the rest — blocks no two of which interact — summed out
 * given them ({@link PartialSum}): for an RBM the visible block given the latents, for a deep
 * Boltzmann machine one layer's neighbours given it, with no block summed the joint states.
 *
 * <p>Gives log Z, the model expectation of ∇θ log p̃ (the exact negative phase) and log p̃(v) of
 * visible data. Not thread-safe: it uses the model's scratch space.
 */
public final class Enumeration {
  /** Most units enumerated: 2^30 states. */
  public static final int MAX_UNITS = 30;

  /** Which states are enumerated. */
  public enum Side {
    /** Visible states, latents summed out by the free energy. */
    VISIBLE,
    /** Latent states, the visible block summed out. */
    LATENT,
    /** Every unit. */
    JOINT,
    /** Some variables, blocks that do not interact summed out given them. */
    PARTIAL
  }

  private final EnergyModel model;
  private final Side side;
  private final StateSpace units;
  private final PartialSum sum;
  private final double[] x;

  private Enumeration(EnergyModel model, Side side, StateSpace units, PartialSum sum) {
    this.model = model;
    this.side = side;
    this.units = units;
    this.sum = sum;
    this.x = new double[model.stateSize()];
  }

  /**
   * The cheapest exact enumeration of {@code model}.
   *
   * @param forGradient whether {@link #accumulateModelGradient} will be used: summing out a real
   *     visible block then is not exact, so that side is not chosen
   * @throws IllegalArgumentException if no side has at most {@link #MAX_UNITS} discrete units
   */
  public static Enumeration plan(EnergyModel model, boolean forGradient) {
    Variables vars = model.variables();
    List<Enumeration> options = new ArrayList<>();
    boolean visibleDiscrete = allDiscrete(vars, true);
    if (visibleDiscrete && model.latentSize() > 0 && model.capability(FreeEnergy.class).isPresent()) {
      options.add(new Enumeration(model, Side.VISIBLE, StateSpace.of(vars.all().stream().filter(Variables.Variable::visible).toList()), null));
    }
    List<String> summed = PartialSum.bestBlocks(model, vars.all(), forGradient);
    if (summed != null) {
      StateSpace rest = StateSpace.of(vars.all().stream().filter(v -> !summed.contains(v.name())).toList());
      List<String> visibleNames = vars.all().stream().filter(Variables.Variable::visible).map(Variables.Variable::name).toList();
      Side side = summed.isEmpty() ? Side.JOINT : summed.equals(visibleNames) ? Side.LATENT : Side.PARTIAL;
      options.add(new Enumeration(model, side, rest, PartialSum.of(model, summed)));
    }
    Enumeration best = options.stream().min(java.util.Comparator.comparingDouble(e -> e.units.count())).orElse(null);
    if (best == null) {
      throw new IllegalArgumentException(
          "exact enumeration needs discrete units on one side with the other summed out; this model has "
              + (visibleDiscrete ? "" : "real visible units ") + (allDiscrete(vars, false) ? "" : "real latent units ")
              + "and no such structure. Use a sampling-based estimate instead");
    }
    if (best.units.exceeds(MAX_UNITS)) {
      throw new IllegalArgumentException(
          "exact enumeration would visit " + best.units.describe() + " states (" + best.describe()
              + "); at most 2^" + MAX_UNITS + " are supported. Use a sampling-based estimate instead");
    }
    return best;
  }

  private static boolean allDiscrete(Variables vars, boolean visible) {
    return vars.all().stream().filter(v -> v.visible() == visible).allMatch(v -> v.domain().isDiscrete());
  }

  /** The side whose states are enumerated. */
  public Side side() {
    return side;
  }

  /** Number of states visited: 2^units for two-valued units, K^units for categorical ones. */
  public long states() {
    return units.count();
  }

  /** What is enumerated, e.g. "2^4 latent states, visible block v summed out". */
  public String describe() {
    return switch (side) {
      case VISIBLE -> units.describe() + " visible states, latents summed out";
      case LATENT -> units.describe() + " latent states, visible block " + quotedList(sum.blocks()) + " summed out";
      case JOINT -> units.describe() + " joint states";
      case PARTIAL -> units.describe() + " states of " + enumeratedNames() + ", " + quotedList(sum.blocks()) + " summed out";
    };
  }

  private static String quotedList(List<String> names) {
    return String.join(", ", names.stream().map(n -> "'" + n + "'").toList());
  }

  private String enumeratedNames() {
    return quotedList(model.variables().all().stream().map(Variables.Variable::name).filter(n -> !sum.blocks().contains(n)).toList());
  }

  /** Loads state {@code index} into {@code x}; returns its log weight. */
  private double logWeight(long index) {
    units.load(index, x);
    return switch (side) {
      case VISIBLE -> -model.capability(FreeEnergy.class).orElseThrow().freeEnergy(java.util.Arrays.copyOf(x, model.visibleSize()));
      default -> sum.logSum(x);
    };
  }

  /** log Z = log Σ exp(log weight), with a running maximum so no term overflows. */
  public double logZ() {
    double max = Double.NEGATIVE_INFINITY;
    double sum = 0;
    for (long i = 0; i < states(); i++) {
      double w = logWeight(i);
      if (w > max) {
        sum = sum * Math.exp(max - w) + 1;
        max = w;
      } else {
        sum += Math.exp(w - max);
      }
    }
    return max + Math.log(sum);
  }

  /**
   * {@code grad += weight · E_{x~p}[∇θ log p̃(x)]}, the exact negative phase; returns log Z.
   *
   * @throws IllegalStateException if this enumeration sums out a real block
   */
  public double accumulateModelGradient(double weight, double[] grad) {
    if (states() > (1L << 24)) {
      throw new IllegalArgumentException("the exact negative phase keeps one weight per state; " + describe() + " is too many");
    }
    double[] logWeights = new double[(int) states()];
    for (int i = 0; i < logWeights.length; i++) {
      logWeights[i] = logWeight(i);
    }
    double logZ = Kernels.logSumExp(logWeights, 0, logWeights.length);
    for (int i = 0; i < logWeights.length; i++) {
      double p = Math.exp(logWeights[i] - logZ);
      if (p == 0) {
        continue;
      }
      logWeight(i);
      switch (side) {
        case VISIBLE -> model.capability(FreeEnergy.class).orElseThrow()
            .accumulateMarginalGradient(java.util.Arrays.copyOf(x, model.visibleSize()), weight * p, grad);
        // E is affine in the summed blocks jointly: the expectation is the gradient at their means.
        default -> sum.accumulateGradient(x, weight * p, grad);
      }
    }
    return logZ;
  }

  /**
   * log p̃(v) = log Σ_h exp(−E(v, h)) for a visible example {@code v}, exact.
   *
   * @throws IllegalArgumentException when the latents can be neither summed analytically nor
   *     enumerated
   */
  public static double logPTildeVisible(EnergyModel model, double[] v) {
    return logPTilde(model, v, latentPlan(model));
  }

  /** The plan for log p̃(v): null where no enumeration is needed (no latents, or a free energy). */
  private static LatentPlan latentPlan(EnergyModel model) {
    if (model.latentSize() == 0 || model.capability(FreeEnergy.class).isPresent()) {
      return null;
    }
    LatentPlan plan = LatentPlan.of(model);
    if (plan == null || plan.units.exceeds(24)) {
      throw new IllegalArgumentException("log p̃(v) needs the latents summed out; " + (plan == null
          ? "this model's latents can be neither summed analytically nor enumerated"
          : "that would enumerate " + plan.units.describe() + " latent states per example"));
    }
    return plan;
  }

  private static double logPTilde(EnergyModel model, double[] v, LatentPlan plan) {
    double[] state = new double[model.stateSize()];
    System.arraycopy(v, 0, state, 0, v.length);
    if (model.latentSize() == 0) {
      return -model.energy(state);
    }
    if (plan == null) {
      return -model.capability(FreeEnergy.class).orElseThrow().freeEnergy(v);
    }
    double logSum = Double.NEGATIVE_INFINITY;
    for (long i = 0; i < plan.units.count(); i++) {
      plan.units.load(i, state);
      logSum = Kernels.logAddExp(logSum, plan.sum.logSum(state));
    }
    return logSum;
  }

  /** {@link #logPTildeCost} for people: "2^k latent states" once it is large, a saturated count as a bound. */
  public static String describeCost(long cost) {
    if (cost < 0) {
      return "every latent state";
    }
    if (cost == Long.MAX_VALUE) {
      return "more than 2^62 latent states";
    }
    return (cost >= 1 << 20 && Long.bitCount(cost) == 1 ? "2^" + Long.numberOfTrailingZeros(cost) : Long.toString(cost)) + " latent states";
  }

  /**
   * How many latent states {@link #logPTildeVisible} visits per example: 1 when the latents are
   * summed out analytically, 2^k when k latent units are enumerated with the other latents summed
   * out given them, or -1 when the latents can be neither.
   */
  public static long logPTildeCost(EnergyModel model) {
    if (model.latentSize() == 0 || model.capability(FreeEnergy.class).isPresent()) {
      return 1;
    }
    LatentPlan plan = LatentPlan.of(model);
    return plan == null ? -1 : plan.units.count();
  }

  /** The latent units to enumerate for log p̃(v), and the latent blocks summed out given them. */
  private record LatentPlan(StateSpace units, PartialSum sum) {
    static LatentPlan of(EnergyModel model) {
      List<Variables.Variable> latents = model.variables().all().stream().filter(x -> !x.visible()).toList();
      List<String> summed = PartialSum.bestBlocks(model, latents, false);
      if (summed == null) {
        return null;
      }
      return new LatentPlan(StateSpace.of(latents.stream().filter(h -> !summed.contains(h.name())).toList()), PartialSum.of(model, summed));
    }
  }

  /** Average log p(v) in nats over a data set, given log Z, weighted by the data's weights where it has them. */
  public static double averageLogLikelihood(EnergyModel model, org.ebm4j.data.Dataset data, double logZ) {
    double[] v = new double[data.width()];
    double total = 0;
    // One plan for the whole data set: which latents to enumerate and which to sum out.
    LatentPlan plan = latentPlan(model);
    // Weighted data (reweighted sequences, pseudo-counts) count as they do in training.
    for (int i = 0; i < data.size(); i++) {
      data.row(i, v);
      total += data.weight(i) * logPTilde(model, v, plan);
    }
    return total / data.totalWeight() - logZ;
  }
}
