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
   */
  public record Variable(
      String name, boolean visible, Domain domain, int offset, int size, List<String> dims) {
    /** A variable (the list of dimensions is copied). */
    public Variable {
      dims = List.copyOf(dims);
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
    for (Variable v : all) {
      if (index >= v.offset() && index < v.offset() + v.size()) {
        return v.domain();
      }
    }
    throw new IndexOutOfBoundsException("state index " + index + " outside 0.." + (size() - 1));
  }
}
