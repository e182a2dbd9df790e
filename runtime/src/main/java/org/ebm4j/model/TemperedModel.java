package org.ebm4j.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A model seen at inverse temperature β: log p̃_β(x) = β·log p̃(x) + (1 − β)·log p_base(x), with a
 * base of independent units (binary and spin units with given logits, real units N(0, 1)). It
 * offers the model's methods and its discrete capabilities, mixed with the base's, so every
 * sampler runs at every temperature without new code.
 *
 * <p>Parameters are the underlying model's (the same live array); the base has none.
 */
public final class TemperedModel implements EnergyModel {
  private final EnergyModel model;
  private final double beta;
  private final double[] baseLogits;
  private final double baseLogZ;
  private final double[] scratch;

  /**
   * @param baseLogits per state unit, the base's logit of the high value (binary: log p(1)/p(0),
   *     spin: log p(+1)/p(−1)); for a categorical unit's indicators the log weights of its states;
   *     ignored for real units
   */
  public TemperedModel(EnergyModel model, double beta, double[] baseLogits) {
    if (!(beta >= 0 && beta <= 1)) {
      throw new IllegalArgumentException("β must be in [0, 1], got " + beta);
    }
    if (baseLogits.length != model.stateSize()) {
      throw new IllegalArgumentException("one base logit per state unit is needed");
    }
    this.model = model;
    this.beta = beta;
    this.baseLogits = baseLogits.clone();
    double logZ = 0;
    for (Variables.Variable v : model.variables().all()) {
      logZ += v.domain().isDiscrete() ? v.logPartitionOfConditionals(baseLogits, v.offset()) : v.size() * 0.5 * Math.log(2 * Math.PI);
    }
    this.baseLogZ = logZ;
    this.scratch = new double[model.stateSize()];
  }

  /** The uniform base: every discrete unit fair, every real unit N(0, 1). */
  public static TemperedModel uniformBase(EnergyModel model, double beta) {
    return new TemperedModel(model, beta, new double[model.stateSize()]);
  }

  /** The model this view tempers. */
  public EnergyModel model() {
    return model;
  }

  /** The inverse temperature β of this view. */
  public double beta() {
    return beta;
  }

  /** A copy of the base's logits (per state unit, as the constructor takes them). */
  public double[] baseLogits() {
    return baseLogits.clone();
  }

  /** log p_base(x), normalized. */
  public double baseLogDensity(double[] x) {
    double s = -baseLogZ;
    for (int k = 0; k < x.length; k++) {
      Domain d = model.variables().domainAt(k);
      s += d == Domain.CATEGORICAL ? baseLogits[k] * x[k] : d.isDiscrete() ? d.naturalParameter(baseLogits[k]) * x[k] : -0.5 * x[k] * x[k];
    }
    return s;
  }

  @Override
  public double[] params() {
    return model.params();
  }

  @Override
  public ParamLayout layout() {
    return model.layout();
  }

  @Override
  public Variables variables() {
    return model.variables();
  }

  @Override
  public double energy(double[] x) {
    return beta == 0 ? -baseLogDensity(x) : beta * model.energy(x) - (1 - beta) * baseLogDensity(x);
  }

  @Override
  public void accumulateGradient(double[] x, double weight, double[] grad) {
    if (beta != 0) {
      model.accumulateGradient(x, weight * beta, grad);
    }
  }

  @Override
  public void inputGradient(double[] x, double[] out) {
    model.inputGradient(x, out);
    for (int k = 0; k < out.length; k++) {
      Domain d = model.variables().domainAt(k);
      double base = d == Domain.CATEGORICAL ? baseLogits[k] : d.isDiscrete() ? d.naturalParameter(baseLogits[k]) : -x[k];
      out[k] = beta * out[k] + (1 - beta) * base;
    }
  }

  private double baseLogit(int site) {
    return baseLogits[site];
  }

  @Override
  public <T> Optional<T> capability(Class<T> type) {
    if (type == SiteConditionals.class && model.capability(SiteConditionals.class).isPresent()) {
      SiteConditionals sc = model.capability(SiteConditionals.class).get();
      return Optional.of(type.cast(new SiteConditionals() {
        @Override
        public double conditionalLogit(double[] x, int site) {
          return beta * sc.conditionalLogit(x, site) + (1 - beta) * baseLogit(site);
        }

        @Override
        public void categoricalLogWeights(double[] x, int site, double[] out) {
          // log p̃_β of each state: β log p̃ plus the base's log weight, less log Z_base and the
          // base's terms of the other units, which are the same for every state of this one.
          Variables.Variable v = model.variables().variableAt(site);
          int first = v.offset() + (site - v.offset()) / v.group() * v.group();
          double rest = baseLogDensity(x);
          for (int a = 0; a < v.group(); a++) {
            rest -= baseLogits[first + a] * x[first + a];
          }
          sc.categoricalLogWeights(x, site, out);
          for (int a = 0; a < v.group(); a++) {
            out[a] = beta * out[a] + (1 - beta) * (baseLogits[first + a] + rest);
          }
        }
      }));
    }
    if (type == Interactions.class) {
      // The base distribution is a product over units: tempering adds no interaction.
      return model.capability(Interactions.class).map(type::cast);
    }
    if (type == FreeEnergy.class && freeEnergySupported()) {
      return Optional.of(type.cast(new TemperedFreeEnergy()));
    }
    if (type == BlockConditionals.class && model.capability(BlockConditionals.class).isPresent()) {
      BlockConditionals bc = model.capability(BlockConditionals.class).get();
      List<String> discrete = new ArrayList<>();
      for (String b : bc.blocks()) {
        if (model.variables().get(b).domain().isDiscrete()) {
          discrete.add(b);
        }
      }
      return discrete.isEmpty() ? Optional.empty() : Optional.of(type.cast(new TemperedBlocks(bc, discrete)));
    }
    return Optional.empty();
  }

  private boolean freeEnergySupported() {
    var blocks = model.capability(BlockConditionals.class);
    return model.capability(FreeEnergy.class).isPresent() && blocks.isPresent()
        && model.variables().all().stream().filter(v -> !v.visible())
            .allMatch(v -> v.domain().isDiscrete() && blocks.get().blocks().contains(v.name()));
  }

  /**
   * The latents summed out at β: E_β stays affine in h, so F_β(v) = E_β(v, 0) − Σ_j log Σ_{h_j}
   * exp(m_j h_j) with m_j the tempered logits, and the marginal gradient is β ∇θ log p̃(v, E_β[h|v]).
   */
  private final class TemperedFreeEnergy implements FreeEnergy {
    private final BlockConditionals blocks = capability(BlockConditionals.class).orElseThrow();
    private final double[] state = new double[model.stateSize()];

    private double load(double[] v) {
      System.arraycopy(v, 0, state, 0, v.length);
      java.util.Arrays.fill(state, v.length, state.length, 0.0);
      return energy(state);
    }

    @Override
    public double freeEnergy(double[] v) {
      double free = load(v);
      for (Variables.Variable h : model.variables().all()) {
        if (h.visible()) {
          continue;
        }
        double[] m = new double[h.size()];
        blocks.conditionalFields(h.name(), state, m);
        free -= h.logPartitionOfConditionals(m, 0);
      }
      return free;
    }

    @Override
    public void accumulateMarginalGradient(double[] v, double weight, double[] grad) {
      load(v);
      for (Variables.Variable h : model.variables().all()) {
        if (h.visible()) {
          continue;
        }
        double[] m = new double[h.size()];
        blocks.conditionalFields(h.name(), state, m);
        h.meansOfConditionals(m, 0, state, h.offset());
      }
      accumulateGradient(state, weight, grad);
    }
  }

  /** Discrete blocks at β: fields mix linearly, since both energies are affine in the block. */
  private final class TemperedBlocks implements BlockConditionals {
    private final BlockConditionals inner;
    private final List<String> names;

    TemperedBlocks(BlockConditionals inner, List<String> names) {
      this.inner = inner;
      this.names = List.copyOf(names);
    }

    @Override
    public List<String> blocks() {
      return names;
    }

    private Variables.Variable block(String name) {
      if (!names.contains(name)) {
        throw new IllegalArgumentException("no block '" + name + "' at this temperature; the blocks are " + names);
      }
      return model.variables().get(name);
    }

    @Override
    public void conditionalFields(String name, double[] x, double[] out) {
      Variables.Variable v = block(name);
      inner.conditionalFields(name, x, out);
      for (int k = 0; k < v.size(); k++) {
        out[k] = beta * out[k] + (1 - beta) * baseLogit(v.offset() + k);
      }
    }

    @Override
    public void sample(String name, double[] x, RandomGenerator rng) {
      Variables.Variable v = block(name);
      double[] fields = new double[v.size()];
      conditionalFields(name, x, fields);
      v.drawFromConditionals(fields, 0, x, v.offset(), rng);
    }

    @Override
    public double logSumOverBlock(String name, double[] x) {
      Variables.Variable v = block(name);
      double[] fields = new double[v.size()];
      conditionalFields(name, x, fields);
      System.arraycopy(x, 0, scratch, 0, x.length);
      java.util.Arrays.fill(scratch, v.offset(), v.offset() + v.size(), 0.0);
      // E_β is affine in the block: log Σ exp(−E_β) = −E_β(block = 0) + Σ_k log Σ_{u} exp(g_k u).
      return -energy(scratch) + v.logPartitionOfConditionals(fields, 0);
    }
  }

  @Override
  public String describe() {
    return "tempered view at β = " + beta + " of:\n" + model.describe();
  }
}
