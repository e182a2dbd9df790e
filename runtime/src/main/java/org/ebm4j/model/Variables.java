package org.ebm4j.model;

import java.util.List;
import java.util.Optional;

/**
 * The variables of a model's state {@code x}: visible ones first, then latent ones, each in
 * declaration order.
 *
 * @param all every variable, in state order
 */
public record Variables(List<Variable> all) {

  /**
   * One variable: its units are {@code x[offset .. offset + size)}.
   *
   * @param name the {@code @Energy} parameter's name
   * @param visible true for {@code @Visible}, false for {@code @Latent}
   * @param domain the values each unit takes
   * @param offset first index in a state
   * @param size number of units (1 for a scalar variable)
   * @param dims dimension names of the variable ({@code @Shape}; empty for a scalar)
   * @param group entries per unit: K for a categorical variable (its units are the groups of K
   *     consecutive one-hot indicators), 1 for any other
   */
  public record Variable(
      String name, boolean visible, Domain domain, int offset, int size, List<String> dims, int group) {
    /** A variable (the list of dimensions is copied). */
    public Variable {
      dims = List.copyOf(dims);
      if (group < 1 || size % group != 0 || (domain != Domain.CATEGORICAL && group != 1)) {
        throw new IllegalArgumentException(
            "variable " + name + ": " + size + " entries cannot be " + domain + " units of " + group + " entries each");
      }
    }

    /** A variable whose units are single entries (binary, spin or real). */
    public Variable(String name, boolean visible, Domain domain, int offset, int size, List<String> dims) {
      this(name, visible, domain, offset, size, dims, 1);
    }

    /** Whether the units are categorical (one-hot groups of {@link #group} entries). */
    public boolean isCategorical() {
      return domain == Domain.CATEGORICAL;
    }

    /** The number of units: entries / group. */
    public int units() {
      return size / group;
    }

    /** The number of joint values of the variable's units, K^units (2^units for two-valued units), as a power of e. */
    public double logStates() {
      return units() * Math.log(isCategorical() ? group : 2);
    }

    /**
     * {@code out[to + k] = E[x_k]} for the fields {@code fields[from + k] = ∂E/∂x_k} of the variable's
     * entries, the energy affine in its units: for a categorical unit its softmax of −fields.
     */
    public void meansOfFields(double[] fields, int from, double[] out, int to) {
      if (!isCategorical()) {
        domain.meansOfFields(fields, from, out, to, size);
        return;
      }
      for (int u = 0; u < size; u += group) {
        CategoricalUnits.softmax(fields, from + u, -1, out, to + u, group);
      }
    }

    /** The variable's entries drawn given their fields (the energy affine in its units), one uniform per unit from {@code rng}. */
    public void drawFromFields(double[] fields, int from, double[] out, int to, java.util.random.RandomGenerator rng) {
      if (!isCategorical()) {
        domain.drawFromFields(fields, from, out, to, size, rng);
        return;
      }
      for (int u = 0; u < size; u += group) {
        CategoricalUnits.draw(fields, from + u, -1, out, to + u, group, rng.nextDouble());
      }
    }

    /** The variable's entries drawn with the means {@code means[from + k]} (for a categorical unit its state probabilities), one uniform per unit. */
    public void drawFromMeans(double[] means, int from, double[] out, int to, java.util.random.RandomGenerator rng) {
      if (!isCategorical()) {
        domain.drawFromMeans(means, from, out, to, size, rng);
        return;
      }
      for (int u = 0; u < size; u += group) {
        CategoricalUnits.drawFromProbabilities(means, from + u, out, to + u, group, rng.nextDouble());
      }
    }

    /**
     * {@link #meansOfFields} on float arrays whose entries for this row of the variable all start at
     * {@code off} (see FloatKernels: one layout for every array keeps the loops vectorised); a
     * categorical unit's softmax in double, one group at a time.
     */
    public void meansOfFields(float[] fields, float[] out, int off) {
      if (!isCategorical()) {
        domain.meansOfFields(fields, out, off, size);
        return;
      }
      double[] in = new double[group];
      double[] means = new double[group];
      for (int u = 0; u < size; u += group) {
        widen(fields, off + u, in);
        CategoricalUnits.softmax(in, 0, -1, means, 0, group);
        narrow(means, out, off + u);
      }
    }

    /** {@link #drawFromFields} on float arrays laid out as for {@link #meansOfFields(float[], float[], int)}; {@code uniforms} is scratch of the same layout. */
    public void drawFromFields(float[] fields, float[] out, int off, java.util.random.RandomGenerator rng, float[] uniforms) {
      if (!isCategorical()) {
        domain.drawFromFields(fields, out, off, size, rng, uniforms);
        return;
      }
      double[] in = new double[group];
      double[] drawn = new double[group];
      for (int u = 0; u < size; u += group) {
        widen(fields, off + u, in);
        CategoricalUnits.draw(in, 0, -1, drawn, 0, group, rng.nextDouble());
        narrow(drawn, out, off + u);
      }
    }

    /** The variable's entries at {@code off} of {@code means} drawn in place with those means (state probabilities for a categorical unit). */
    public void drawFromMeans(float[] means, int off, java.util.random.RandomGenerator rng, float[] uniforms) {
      if (!isCategorical()) {
        domain.drawFromMeans(means, off, size, rng, uniforms);
        return;
      }
      double[] p = new double[group];
      double[] drawn = new double[group];
      for (int u = 0; u < size; u += group) {
        widen(means, off + u, p);
        CategoricalUnits.drawFromProbabilities(p, 0, drawn, 0, group, rng.nextDouble());
        narrow(drawn, means, off + u);
      }
    }

    private static void widen(float[] in, int from, double[] out) {
      for (int k = 0; k < out.length; k++) {
        out[k] = in[from + k];
      }
    }

    private static void narrow(double[] in, float[] out, int to) {
      for (int k = 0; k < in.length; k++) {
        out[to + k] = (float) in[k];
      }
    }

    /** Σ over the units of log Σ_values exp(−g · x): the variable summed out of exp(−E) for an energy affine in it with fields g. */
    public double logPartitionOfFields(double[] fields, int from) {
      double s = 0;
      if (!isCategorical()) {
        for (int k = 0; k < size; k++) {
          s += domain.logPartitionOfField(fields[from + k]);
        }
        return s;
      }
      for (int u = 0; u < size; u += group) {
        s += CategoricalUnits.logSumExp(fields, from + u, -1, group);
      }
      return s;
    }

    /**
     * {@code out[to + k]} = E[x_k] from the block's conditional parameters {@code c[from + k]} (what
     * {@link BlockConditionals#conditionalFields} gives: logits of two-valued units, log weights of
     * a categorical unit's states).
     */
    public void meansOfConditionals(double[] c, int from, double[] out, int to) {
      if (!isCategorical()) {
        for (int k = 0; k < size; k++) {
          out[to + k] = domain.mean(c[from + k]);
        }
        return;
      }
      for (int u = 0; u < size; u += group) {
        CategoricalUnits.softmax(c, from + u, 1, out, to + u, group);
      }
    }

    /** Σ over the units of log Σ_values exp(natural parameter · value) from conditional parameters (see {@link #meansOfConditionals}). */
    public double logPartitionOfConditionals(double[] c, int from) {
      double s = 0;
      if (!isCategorical()) {
        for (int k = 0; k < size; k++) {
          s += domain.logNormalizer(c[from + k]);
        }
        return s;
      }
      for (int u = 0; u < size; u += group) {
        s += CategoricalUnits.logSumExp(c, from + u, 1, group);
      }
      return s;
    }

    /** The entries drawn from conditional parameters (see {@link #meansOfConditionals}), one uniform per unit. */
    public void drawFromConditionals(double[] c, int from, double[] out, int to, java.util.random.RandomGenerator rng) {
      if (!isCategorical()) {
        for (int k = 0; k < size; k++) {
          out[to + k] = domain.draw(c[from + k], rng.nextDouble());
        }
        return;
      }
      for (int u = 0; u < size; u += group) {
        CategoricalUnits.draw(c, from + u, 1, out, to + u, group, rng.nextDouble());
      }
    }

    /** The state of unit {@code unit} as an index: the position of its 1 for a categorical unit, else {@link Domain#index}. */
    public int stateOf(double[] x, int unit) {
      if (!isCategorical()) {
        return domain.index(x[offset + unit]);
      }
      int at = offset + unit * group;
      for (int a = 0; a < group; a++) {
        if (x[at + a] != 0) {
          return a;
        }
      }
      throw new IllegalArgumentException("categorical unit " + unit + " of " + name + " has no state set (all " + group + " indicators are 0)");
    }

    /** Sets unit {@code unit} of x to state {@code index} (one-hot for a categorical unit). */
    public void setState(double[] x, int unit, int index) {
      if (!isCategorical()) {
        x[offset + unit] = domain.value(index);
        return;
      }
      int at = offset + unit * group;
      java.util.Arrays.fill(x, at, at + group, 0.0);
      x[at + index] = 1;
    }

    /** The number of states of one unit: K, or 2 for binary and spin units. */
    public int statesPerUnit() {
      if (isCategorical()) {
        return group;
      }
      return domain.size();
    }
  }

  /** These variables (the list is copied). */
  public Variables {
    all = List.copyOf(all);
  }

  /** The variable called {@code name}, if any. */
  public Optional<Variable> find(String name) {
    return all.stream().filter(v -> v.name().equals(name)).findFirst();
  }

  /** The variable called {@code name}; throws with the known names if there is none. */
  public Variable get(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no variable '" + name + "'; the model has " + names()));
  }

  /** The names of all variables, in state order. */
  public List<String> names() {
    return all.stream().map(Variable::name).toList();
  }

  /** Number of visible units. */
  public int visibleSize() {
    return all.stream().filter(Variable::visible).mapToInt(Variable::size).sum();
  }

  /** Number of latent units. */
  public int latentSize() {
    return all.stream().filter(v -> !v.visible()).mapToInt(Variable::size).sum();
  }

  /** Length of a full state. */
  public int size() {
    return all.stream().mapToInt(Variable::size).sum();
  }

  /** The domain of unit {@code index} of a state. */
  public Domain domainAt(int index) {
    return variableAt(index).domain();
  }

  /** The variable that holds entry {@code index} of a state. */
  public Variable variableAt(int index) {
    for (Variable v : all) {
      if (index >= v.offset() && index < v.offset() + v.size()) {
        return v;
      }
    }
    throw new IndexOutOfBoundsException("state index " + index + " outside 0.." + (size() - 1));
  }

  /** Whether any variable is categorical. */
  public boolean anyCategorical() {
    return all.stream().anyMatch(Variable::isCategorical);
  }
}
