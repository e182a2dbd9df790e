package org.ebm4j.examples.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.Models;
import org.ebm4j.train.Checkpoint;

/** Rebuilds a trained model from a checkpoint directory written by {@code train}. */
final class Runs {
  private Runs() {}

  static Map<String, Integer> parseDims(String text) {
    Map<String, Integer> dims = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return dims;
    }
    for (String part : text.split(",")) {
      String[] kv = part.split("=");
      dims.put(kv[0], Integer.parseInt(kv[1]));
    }
    return dims;
  }

  static String formatDims(Map<String, Integer> dims) {
    StringBuilder b = new StringBuilder();
    dims.forEach((k, v) -> b.append(b.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return b.toString();
  }

  /** The model a checkpoint holds, with its trained parameters. */
  static EnergyModel load(Path dir, Checkpoint c) {
    String className = c.get("model");
    Class<?> type;
    try {
      type = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("checkpoint " + dir + " is of model " + className + ", which is not on the class path");
    }
    EnergyModel model = Models.create(type, parseDims(c.get("dims")), Long.parseLong(c.get("seed", "0")));
    double[] params = c.array("params");
    if (params.length != model.params().length) {
      throw new IllegalArgumentException("checkpoint " + dir + " has " + params.length + " parameters but " + className + " has " + model.params().length);
    }
    System.arraycopy(params, 0, model.params(), 0, params.length);
    return model;
  }
}
