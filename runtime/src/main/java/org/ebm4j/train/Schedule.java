package org.ebm4j.train;

/**
 * A learning-rate schedule: the factor applied to the optimizer's learning rate in each epoch. It
 * depends on the epoch only, never on the total, so a run resumed from a checkpoint continues
 * exactly as an uninterrupted one.
 */
@FunctionalInterface
public interface Schedule {

  /** The factor for 1-based {@code epoch}. */
  double factor(int epoch);

  /** The text {@link #parse} reads back, or {@code custom} for a schedule of one's own. */
  default String spec() {
    return "custom";
  }

  /** A schedule that knows its specification. */
  private static Schedule named(String spec, Schedule f) {
    return new Schedule() {
      @Override
      public double factor(int epoch) {
        return f.factor(epoch);
      }

      @Override
      public String spec() {
        return spec;
      }
    };
  }

  /** Always 1. */
  static Schedule constant() {
    return named("constant", epoch -> 1.0);
  }

  /** gamma^(epoch − 1). */
  static Schedule exponential(double gamma) {
    if (!(gamma > 0 && gamma <= 1)) {
      throw new IllegalArgumentException("exponential schedule needs 0 < gamma <= 1, got " + gamma);
    }
    return named("exp:" + gamma, epoch -> Math.pow(gamma, epoch - 1));
  }

  /** 1 / (1 + (epoch − 1) / halfLife): the factor halves after {@code halfLife} epochs. */
  static Schedule inverse(double halfLife) {
    if (!(halfLife > 0)) {
      throw new IllegalArgumentException("inverse schedule needs a positive half-life, got " + halfLife);
    }
    return named("inverse:" + halfLife, epoch -> 1.0 / (1.0 + (epoch - 1) / halfLife));
  }

  /** Parses {@code constant}, {@code exp:GAMMA} or {@code inverse:HALFLIFE}. */
  static Schedule parse(String text) {
    if (text.equals("constant")) {
      return constant();
    }
    try {
      if (text.startsWith("exp:")) {
        return exponential(Double.parseDouble(text.substring(4)));
      }
      if (text.startsWith("inverse:")) {
        return inverse(Double.parseDouble(text.substring(8)));
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("schedule '" + text + "' has no valid number");
    }
    throw new IllegalArgumentException("unknown schedule '" + text + "'; use constant, exp:GAMMA or inverse:HALFLIFE");
  }
}
