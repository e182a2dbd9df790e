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
  public static EnergyModel create(Class<?> type, Map<String, Integer> dims, long seed) {
    Class<? extends EnergyModel> generated = generatedClass(type);
    try {
      Method create = generated.getMethod("create", Map.class, long.class);
      return (EnergyModel) create.invoke(null, dims, seed);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw new IllegalArgumentException(r.getMessage(), r);
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(generated.getName() + " has no create(Map, long) factory", e);
    }
  }
}
