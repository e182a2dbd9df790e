package org.ebm4j.spark;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.Models;

/**
 * A model as it travels to executors: its generated class's name, its dimensions and a copy of its
 * parameters. Generated models are not serializable (they hold scratch buffers and capabilities);
 * this is the little that rebuilds one, on any JVM whose class path has the model's class.
 */
public record ModelSnapshot(String className, Map<String, Integer> dims, double[] params) implements Serializable {
  public ModelSnapshot {
    dims = new LinkedHashMap<>(dims);
    params = params.clone();
  }

  /** The class, dimensions and current parameters of {@code model}. */
  public static ModelSnapshot of(EnergyModel model) {
    return new ModelSnapshot(model.getClass().getName(), Models.dimensionsOf(model), model.params());
  }

  /** A new model of the snapshot's class and dimensions holding its parameters. */
  public EnergyModel build() {
    Class<?> type;
    try {
      type = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("model class " + className + " is not on this executor's class path; ship its jar with spark-submit --jars", e);
    }
    EnergyModel model = Models.create(type, dims, 0L);
    if (model.params().length != params.length) {
      throw new IllegalStateException(className + " with " + Models.formatDimensions(dims) + " has " + model.params().length
          + " parameters, the snapshot " + params.length);
    }
    System.arraycopy(params, 0, model.params(), 0, params.length);
    return model;
  }
}
