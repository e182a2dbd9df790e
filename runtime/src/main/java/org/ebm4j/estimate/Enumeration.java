package org.ebm4j.estimate;

import java.util.ArrayList;
import java.util.List;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.BlockConditionals;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.FreeEnergy;
import org.ebm4j.model.Variables;

/**
 * Exact sums over all states of a small discrete model, enumerating the cheapest side the model's
 * capabilities allow: every visible state with the latents summed out ({@link FreeEnergy}), every
 * latent state with the visible block summed out ({@link BlockConditionals#logSumOverBlock}), or
 * every joint state.
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
    JOINT
  }

  private final EnergyModel model;
  private final Side side;
  private final List<Integer> units;
  private final String visibleBlock;
  private final double[] x;

  private Enumeration(EnergyModel model, Side side, List<Integer> units, String visibleBlock) {
    this.model = model;
    this.side = side;
    this.units = units;
    this.visibleBlock = visibleBlock;
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
    List<Integer> visibleUnits = unitsOf(vars, true);
    List<Integer> latentUnits = unitsOf(vars, false);
    boolean visibleDiscrete = allDiscrete(vars, true);
    boolean latentDiscrete = allDiscrete(vars, false);
    if (visibleDiscrete && (latentUnits.isEmpty() || model.capability(FreeEnergy.class).isPresent())) {
      options.add(new Enumeration(model, latentUnits.isEmpty() ? Side.JOINT : Side.VISIBLE, visibleUnits, null));
    }
    List<Variables.Variable> visible = vars.all().stream().filter(Variables.Variable::visible).toList();
    var blocks = model.capability(BlockConditionals.class);
    if (latentDiscrete && !latentUnits.isEmpty() && visible.size() == 1 && blocks.isPresent()
        && blocks.get().blocks().contains(visible.get(0).name())
        && (!forGradient || visible.get(0).domain().isDiscrete())) {
      options.add(new Enumeration(model, Side.LATENT, latentUnits, visible.get(0).name()));
    }
    if (visibleDiscrete && latentDiscrete) {
      List<Integer> all = new ArrayList<>(visibleUnits);
      all.addAll(latentUnits);
      options.add(new Enumeration(model, Side.JOINT, all, null));
    }
    Enumeration best = options.stream().min(java.util.Comparator.comparingInt(e -> e.units.size())).orElse(null);
    if (best == null) {
      throw new IllegalArgumentException(
          "exact enumeration needs discrete units on one side with the other summed out; this model has "
              + (visibleDiscrete ? "" : "real visible units ") + (latentDiscrete ? "" : "real latent units ")
              + "and no such structure. Use a sampling-based estimate instead");
    }
    if (best.units.size() > MAX_UNITS) {
      throw new IllegalArgumentException(
          "exact enumeration would visit 2^" + best.units.size() + " states (" + best.describe()
              + "); at most 2^" + MAX_UNITS + " are supported. Use a sampling-based estimate instead");
    }
    return best;
  }

  private static List<Integer> unitsOf(Variables vars, boolean visible) {
    List<Integer> out = new ArrayList<>();
    for (Variables.Variable v : vars.all()) {
      if (v.visible() == visible) {
        for (int k = 0; k < v.size(); k++) {
          out.add(v.offset() + k);
        }
      }
    }
    return out;
  }

  private static boolean allDiscrete(Variables vars, boolean visible) {
    return vars.all().stream().filter(v -> v.visible() == visible).allMatch(v -> v.domain().isDiscrete());
  }

  /** The side whose states are enumerated. */
  public Side side() {
    return side;
  }

  /** Number of states visited: 2^units. */
  public long states() {
    return 1L << units.size();
  }

  /** What is enumerated, e.g. "2^4 latent states, visible block v summed out". */
  public String describe() {
    return switch (side) {
      case VISIBLE -> "2^" + units.size() + " visible states, latents summed out";
      case LATENT -> "2^" + units.size() + " latent states, visible block '" + visibleBlock + "' summed out";
      case JOINT -> "2^" + units.size() + " joint states";
    };
  }

  /** Loads state {@code index} into {@code x}; returns its log weight. */
  private double logWeight(long index) {
    for (int j = 0; j < units.size(); j++) {
      int site = units.get(j);
      x[site] = model.variables().domainAt(site).value((int) ((index >> j) & 1));
    }
    return switch (side) {
      case VISIBLE -> -model.capability(FreeEnergy.class).orElseThrow().freeEnergy(java.util.Arrays.copyOf(x, model.visibleSize()));
      case LATENT -> model.capability(BlockConditionals.class).orElseThrow().logSumOverBlock(visibleBlock, x);
      case JOINT -> -model.energy(x);
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
        case LATENT -> {
          // E is affine in the visible block, so E_v|h[∇θ log p̃(v, h)] = ∇θ log p̃(E[v|h], h).
          Variables.Variable v = model.variables().get(visibleBlock);
          double[] fields = new double[v.size()];
          model.capability(BlockConditionals.class).orElseThrow().conditionalFields(visibleBlock, x, fields);
          for (int k = 0; k < v.size(); k++) {
            x[v.offset() + k] = v.domain().mean(fields[k]);
          }
          model.accumulateGradient(x, weight * p, grad);
        }
        case JOINT -> model.accumulateGradient(x, weight * p, grad);
        default -> throw new IllegalStateException();
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
    double[] state = new double[model.stateSize()];
    System.arraycopy(v, 0, state, 0, v.length);
    if (model.latentSize() == 0) {
      return -model.energy(state);
    }
    var fe = model.capability(FreeEnergy.class);
    if (fe.isPresent()) {
      return -fe.get().freeEnergy(v);
    }
    List<Variables.Variable> latent = model.variables().all().stream().filter(x -> !x.visible()).toList();
    var blocks = model.capability(BlockConditionals.class);
    if (latent.size() == 1 && blocks.isPresent() && blocks.get().blocks().contains(latent.get(0).name())) {
      return blocks.get().logSumOverBlock(latent.get(0).name(), state);
    }
    List<Integer> units = unitsOf(model.variables(), false);
    if (!allDiscrete(model.variables(), false) || units.size() > 24) {
      throw new IllegalArgumentException("log p̃(v) needs the latents summed out; this model's latents can be neither summed analytically nor enumerated");
    }
    double logSum = Double.NEGATIVE_INFINITY;
    for (long i = 0; i < (1L << units.size()); i++) {
      for (int j = 0; j < units.size(); j++) {
        int site = units.get(j);
        state[site] = model.variables().domainAt(site).value((int) ((i >> j) & 1));
      }
      logSum = Kernels.logAddExp(logSum, -model.energy(state));
    }
    return logSum;
  }

  /** Average log p(v) in nats over a data set, given log Z. */
  public static double averageLogLikelihood(EnergyModel model, org.ebm4j.data.Dataset data, double logZ) {
    double[] v = new double[data.width()];
    double total = 0;
    for (int i = 0; i < data.size(); i++) {
      data.row(i, v);
      total += logPTildeVisible(model, v);
    }
    return total / data.size() - logZ;
  }
}
