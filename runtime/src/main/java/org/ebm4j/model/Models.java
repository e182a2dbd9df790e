package org.ebm4j.model;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;

/** Finds and instantiates generated models from a spec class or a generated class, by reflection. */
public final class Models {
  private Models() {}

  /**
   * The generated model class for {@code type}: {@code type} itself if it implements {@link
   * EnergyModel}, else the class generated from the annotated spec {@code type}.
   *
   * @throws IllegalArgumentException if {@code type} is neither
   */
  public static Class<? extends EnergyModel> generatedClass(Class<?> type) {
    if (EnergyModel.class.isAssignableFrom(type)) {
      return type.asSubclass(EnergyModel.class);
    }
    org.ebm4j.dsl.EnergyModel annotation = type.getAnnotation(org.ebm4j.dsl.EnergyModel.class);
    if (annotation == null) {
      throw new IllegalArgumentException(
          type.getName() + " is neither an @EnergyModel spec class nor a generated model");
    }
    String simple = annotation.name().isEmpty() ? type.getSimpleName() + "Model" : annotation.name();
    String pkg = type.getPackageName();
    String name = pkg.isEmpty() ? simple : pkg + "." + simple;
    try {
      return Class.forName(name, true, type.getClassLoader()).asSubclass(EnergyModel.class);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(
          "no generated class " + name + " for " + type.getName()
              + ": was it compiled with ebm4j-processor on the annotation processor path?", e);
    }
  }

  /** The spec class a generated model was made from (its {@code SPEC} constant). */
  public static Class<?> specClass(Class<? extends EnergyModel> generated) {
    try {
      return (Class<?>) generated.getField("SPEC").get(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(generated.getName() + " has no SPEC constant", e);
    }
  }

  /** The dimension names of a generated model (its {@code DIMENSIONS} constant). */
  @SuppressWarnings("unchecked")
  public static List<String> dimensions(Class<? extends EnergyModel> generated) {
    try {
      return (List<String>) generated.getField("DIMENSIONS").get(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(generated.getName() + " has no DIMENSIONS constant", e);
    }
  }

  /**
   * A new model of the generated class for {@code type}, with these dimension sizes and seed.
   *
   * @throws IllegalArgumentException for a missing or unknown dimension, or a bad size
   */
  /** The dimension sizes of a generated model, by name (empty for a model written by hand). */
  public static Map<String, Integer> dimensionsOf(EnergyModel model) {
    Map<String, Integer> out = new java.util.LinkedHashMap<>();
    try {
      Method dimension = model.getClass().getMethod("dimension", String.class);
      for (String name : dimensions(model.getClass())) {
        out.put(name, (Integer) dimension.invoke(model, name));
      }
    } catch (ReflectiveOperationException | IllegalArgumentException e) {
      return Map.of();
    }
    return out;
  }

  /** {@code visible=784,hidden=500}. */
  public static String formatDimensions(Map<String, Integer> dims) {
    StringBuilder b = new StringBuilder();
    dims.forEach((k, v) -> b.append(b.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return b.toString();
  }

  /**
   * Parses {@code visible=784,hidden=500}.
   *
   * @throws IllegalArgumentException naming a malformed entry
   */
  public static Map<String, Integer> parseDimensions(String text) {
    Map<String, Integer> out = new java.util.LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    for (String part : text.split(",")) {
      String[] kv = part.split("=", 2);
      try {
        out.put(kv[0].trim(), Integer.parseInt(kv[1].trim()));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("dimension '" + part.trim() + "' is not name=size");
      }
    }
    return out;
  }

  /**
   * The model a checkpoint holds, with its trained parameters: its class (on the class path), its
   * dimensions and its parameters, as {@code Trainer.checkpoint()} writes them.
   *
   * @throws IllegalArgumentException if the class is not on the class path or does not match
   */
  public static EnergyModel load(org.ebm4j.train.Checkpoint c) {
    String className = c.get("model");
    Class<?> type;
    try {
      type = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("the checkpoint is of model " + className + ", which is not on the class path");
    }
    EnergyModel model = create(type, parseDimensions(c.get("dims")), Long.parseLong(c.get("seed", "0")));
    double[] params = c.array("params");
    if (params.length != model.params().length) {
      throw new IllegalArgumentException("the checkpoint has " + params.length + " parameters but " + className + " has " + model.params().length);
    }
    System.arraycopy(params, 0, model.params(), 0, params.length);
    return model;
  }

  public static EnergyModel create(Class<?> type, Map<String, Integer> dims, long seed) {
    Class<? extends EnergyModel> generated = generatedClass(type);
    try {
      Method create = generated.getMethod("create", Map.class, long.class);
      return (EnergyModel) create.invoke(null, dims, seed);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw new IllegalArgumentException(r.getMessage(), r);
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(generated.getName() + " has no create(Map, long) factory", e);
    }
  }
}
