package org.ebm4j.examples.cli;

import java.nio.file.Path;
import java.util.Map;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.Models;
import org.ebm4j.train.Checkpoint;

/** Rebuilds a trained model from a checkpoint directory written by {@code train}. */
final class Runs {
  private Runs() {}

  static Map<String, Integer> parseDims(String text) {
    return Models.parseDimensions(text);
  }

  static String formatDims(Map<String, Integer> dims) {
    return Models.formatDimensions(dims);
  }

  /** The model a checkpoint holds, with its trained parameters. */
  static EnergyModel load(Path dir, Checkpoint c) {
    try {
      return Models.load(c);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("checkpoint " + dir + ": " + e.getMessage(), e);
    }
  }
}
