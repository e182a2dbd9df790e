package org.ebm4j.model;

import java.util.Locale;

/**
 * The number type of the batched matrix work in training: float64 everywhere, or float32 for the
 * batched gradients, block conditionals and draws ({@link FloatBatchGradients}), with θ, its
 * updates, log Z and log-likelihoods kept in double.
 */
public enum Precision {
  FLOAT64,
  FLOAT32;

  /** {@code float32} or {@code float64}, as {@code --precision} and checkpoints spell it. */
  public String spelling() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Reads {@code float32} or {@code float64}. */
  public static Precision parse(String text) {
    for (Precision p : values()) {
      if (p.spelling().equals(text.trim().toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown precision '" + text + "'; use float32 or float64");
  }
}
