package org.ebm4j.examples.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.Models;
import org.ebm4j.model.Variables;
import picocli.CommandLine.Option;

/** Options that pick a model and its sizes, shared by commands. */
final class ModelOptions {
  @Option(names = "--model", required = true, description = "An example's short name (rbm, spin-rbm, fvbm, gb-rbm, dbm, tanh, potts, softmax-rbm) or the class name of an @EnergyModel spec or generated class on the class path.")
  String model;

  @Option(names = "--dims", split = ",", description = "Dimension sizes, e.g. hidden=16,visible=9. The visible dimension defaults to the data's width; examples have default sizes for the others.")
  Map<String, Integer> dims = new LinkedHashMap<>();

  /** A new model with the given sizes, filling the visible dimension from the data's width. */
  EnergyModel create(Integer dataWidth, long seed) {
    return create(dataWidth, 0, seed);
  }

  /**
   * A new model with the given sizes, filling the visible dimension from the data's width and, for
   * one-hot data (an alignment), a categorical visible variable's states dimension from its K.
   */
  EnergyModel create(Integer dataWidth, int categories, long seed) {
    Class<?> type = ExampleModels.resolve(model);
    List<String> names = Models.dimensions(Models.generatedClass(type));
    checkDims(names);
    Map<String, Integer> sizes = new LinkedHashMap<>(ExampleModels.defaults(model));
    sizes.keySet().retainAll(names);
    sizes.putAll(dims);
    if (dataWidth != null) {
      String visibleDim = visibleDimension(type, names);
      if (visibleDim != null && !sizes.containsKey(visibleDim)) {
        sizes.put(visibleDim, dataWidth);
      }
    }
    String statesDim = categoricalStates(type);
    if (statesDim != null && categories > 0 && !sizes.containsKey(statesDim)) {
      sizes.put(statesDim, categories);
    }
    for (String name : names) {
      if (!sizes.containsKey(name)) {
        throw new IllegalArgumentException("set the size of dimension '" + name + "' with --dims " + name + "=N (this model's dimensions: " + names + ")");
      }
    }
    return Models.create(type, sizes, seed);
  }

  /** Every --dims entry names a dimension of the model and is positive. */
  void checkDims(List<String> names) {
    dims.forEach((name, size) -> {
      if (!names.contains(name)) {
        throw new IllegalArgumentException("--dims: unknown dimension '" + name + "'; this model's dimensions: " + names);
      }
      if (size <= 0) {
        throw new IllegalArgumentException("--dims: " + name + "=" + size + ": sizes must be positive");
      }
    });
  }

  /** The states dimension of the spec's categorical visible variable ({@code @Categorical(states = …)}), if it has one. */
  static String categoricalStates(Class<?> type) {
    Class<?> spec = Models.specClass(Models.generatedClass(type));
    for (java.lang.reflect.Method m : spec.getDeclaredMethods()) {
      if (m.isAnnotationPresent(org.ebm4j.dsl.Energy.class) || m.isAnnotationPresent(org.ebm4j.dsl.LogDensity.class)) {
        for (java.lang.reflect.Parameter p : m.getParameters()) {
          org.ebm4j.dsl.Categorical c = p.getAnnotation(org.ebm4j.dsl.Categorical.class);
          if (c != null && p.isAnnotationPresent(org.ebm4j.dsl.Visible.class)) {
            return c.states();
          }
        }
      }
    }
    return null;
  }

  /** The dimension of the single visible vector variable, found by building a 1-sized probe. */
  private static String visibleDimension(Class<?> type, List<String> names) {
    Map<String, Integer> ones = new LinkedHashMap<>();
    names.forEach(n -> ones.put(n, 1));
    List<Variables.Variable> visible = Models.create(type, ones, 0).variables().all().stream().filter(Variables.Variable::visible).toList();
    return visible.size() == 1 && visible.get(0).dims().size() == 1 ? visible.get(0).dims().get(0) : null;
  }
}
