package org.ebm4j.model;

/** The values one unit of a variable takes. */
public enum Domain {
  /** {0, 1}. */
  BINARY,
  /** {−1, +1}. */
  SPIN,
  /** ℝ. */
  REAL;

  /** Whether {@code value} is in this domain. */
  public boolean contains(double value) {
    switch (this) {
      case BINARY:
        return value == 0 || value == 1;
      case SPIN:
        return value == -1 || value == 1;
      default:
        return Double.isFinite(value);
    }
  }

  /** Whether the domain is finite, so its states can be enumerated. */
  public boolean isDiscrete() {
    return this != REAL;
  }

  /** The lower value of a discrete domain: 0 for binary, −1 for spin. */
  public double low() {
    if (this == REAL) {
      throw new UnsupportedOperationException("a real-valued unit has no lowest value");
    }
    return this == SPIN ? -1 : 0;
  }

  /** The two values of a discrete domain, low first. */
  public double[] unitValues() {
    switch (this) {
      case BINARY:
        return new double[] {0, 1};
      case SPIN:
        return new double[] {-1, 1};
      default:
        throw new UnsupportedOperationException("a real-valued unit has no finite set of values");
    }
  }
}
