package org.ebm4j.model;

import java.util.random.RandomGenerator;
import org.ebm4j.kernel.FloatKernels;
import org.ebm4j.kernel.Kernels;

/**
 * The values one unit of a variable takes, and the maths of a unit that depends on them. Runtime
 * and generated code ask the domain instead of branching on binary against spin, so a new kind of
 * unit (categorical, say) is one more constant here.
 *
 * <p>A two-valued unit u ∈ {low, high} is described by its logit ℓ = log p(high) / p(low); its
 * natural parameter is ℓ / (high − low), so that p(u) ∝ exp(u · ℓ / (high − low)). When an energy
 * is affine in u with field g = ∂E/∂u, the conditional of u has ℓ = −(high − low) · g.
 */
public enum Domain {
  /** {0, 1}. */
  BINARY(0, "0 or 1 (the unit is @Binary)"),
  /** {−1, +1}. */
  SPIN(-1, "-1 or +1 (the unit is @Spin)"),
  /** ℝ. */
  REAL(Double.NaN, "a finite number"),
  /**
   * One of K states, written one-hot: each entry of a state is an indicator in {0, 1}, and a unit is
   * a group of K consecutive indicators ({@link Variables.Variable#group}). The two-valued methods
   * below do not apply; a variable's {@link Variables.Variable} does the group maths.
   */
  CATEGORICAL(0, "one-hot: 0 or 1, exactly one 1 in each group of states (the unit is @Categorical)");

  private final double low;
  /** 1 / (high − low): multiplications in the sampling loops, not divisions (exact for spans 1 and 2). */
  private final double inverseSpan;
  private final String values;

  Domain(double low, String values) {
    this.low = low;
    this.inverseSpan = 1 / (1 - low);
    this.values = values;
  }

  /** Whether {@code value} is in this domain (for a categorical unit: one of its indicators). */
  public boolean contains(double value) {
    return isDiscrete() ? value == low || value == 1 : Double.isFinite(value);
  }

  /** Whether each entry of a state is a unit with two values (binary or spin), the case the logit methods describe. */
  public boolean isTwoValued() {
    return this == BINARY || this == SPIN;
  }

  /** What a value of this domain looks like, for messages about data. */
  public String valuesText() {
    return values;
  }

  /** Whether the domain is finite, so its states can be enumerated. */
  public boolean isDiscrete() {
    return this != REAL;
  }

  /** The number of values of a discrete domain. */
  public int size() {
    requireDiscrete();
    return 2;
  }

  /** The lower value of a discrete domain: 0 for binary, −1 for spin. */
  public double low() {
    requireDiscrete();
    return low;
  }

  /** The higher value of a discrete domain: 1. */
  public double high() {
    requireDiscrete();
    return 1;
  }

  /** The value of index i (0 the low value, 1 the high one): the one decoder from an index, or a bit of a state number, to a unit's value. */
  public double value(int index) {
    requireDiscrete();
    return index == 0 ? low : 1;
  }

  /** The index of a value (inverse of {@link #value}). */
  public int index(double value) {
    requireDiscrete();
    return value == 1 ? 1 : 0;
  }

  /** The values of a discrete domain, in index order. */
  public double[] unitValues() {
    requireDiscrete();
    return new double[] {low, 1};
  }

  /** ℓ / (high − low): the coefficient of u in log p(u). */
  public double naturalParameter(double logit) {
    requireDiscrete();
    return logit * inverseSpan;
  }

  /** log Σ_u exp(u · ℓ / (high − low)): binary softplus(ℓ), spin log 2cosh(ℓ/2). */
  public double logNormalizer(double logit) {
    return switch (this) {
      case BINARY -> Kernels.softplus(logit);
      case SPIN -> Kernels.log2cosh(logit / 2);
      default -> throw notDiscrete();
    };
  }

  /**
   * The part of {@link #logNormalizer} beyond softplus(ℓ), linear in ℓ: low · ℓ / (high − low)
   * (binary 0, spin −ℓ/2), so a sum of logits can be corrected at once.
   */
  public double logNormalizerOffset(double logit) {
    return low * naturalParameter(logit);
  }

  /** E[u] for logit ℓ: binary σ(ℓ), spin tanh(ℓ/2). */
  public double mean(double logit) {
    return switch (this) {
      case BINARY -> Kernels.sigmoid(logit);
      case SPIN -> org.ebm4j.kernel.Kernels.tanh(logit / 2);
      default -> throw notDiscrete();
    };
  }

  /** p(high) of a unit whose mean is {@code mean}. */
  public double probabilityOfHigh(double mean) {
    requireDiscrete();
    return (mean - low) * inverseSpan;
  }

  /** The conditional logit of a unit the energy is affine in, from its field g = ∂E/∂u. */
  public double logitOfField(double field) {
    requireDiscrete();
    return -(1 - low) * field;
  }

  /** log Σ_u exp(−g · u): the unit summed out of exp(−E) when E is affine in it with field g. */
  public double logPartitionOfField(double field) {
    return logNormalizer(logitOfField(field));
  }

  /** E[u] under exp(−g · u). */
  public double meanOfField(double field) {
    return mean(logitOfField(field));
  }

  /**
   * The unit drawn with logit ℓ from a uniform u in [0, 1): high if u &lt; p(high). No branch:
   * draws are coin flips, which a branch predictor cannot guess; for finite doubles u − p &lt; 0
   * exactly when u &lt; p, so the sign bit decides.
   */
  public double draw(double logit, double u) {
    return drawWithProbability(Kernels.sigmoid(logit), u);
  }

  /** The unit drawn with mean {@code mean} from a uniform u. */
  public double drawFromMean(double mean, double u) {
    return drawWithProbability(probabilityOfHigh(mean), u);
  }

  private double drawWithProbability(double p, double u) {
    requireDiscrete();
    return low + (1 - low) * (Double.doubleToRawLongBits(u - p) >>> 63);
  }

  /**
   * {@code out[to + k] = E[u_k]} for the fields {@code fields[from + k]} of n units (the batched
   * form of {@link #meanOfField}: the domain is looked at once, not per unit).
   */
  public void meansOfFields(double[] fields, int from, double[] out, int to, int n) {
    switch (this) {
      case BINARY -> {
        for (int k = 0; k < n; k++) {
          out[to + k] = Kernels.sigmoid(-fields[from + k]);
        }
      }
      case SPIN -> {
        for (int k = 0; k < n; k++) {
          out[to + k] = -org.ebm4j.kernel.Kernels.tanh(fields[from + k]);
        }
      }
      default -> throw notDiscrete();
    }
  }

  /**
   * {@code out[to + k]} drawn given the fields {@code fields[from + k]} of n units, one uniform each
   * from {@code rng} (binary: p(1) = σ(−g); spin: p(+1) = σ(−2g)), without a branch per unit.
   */
  public void drawFromFields(double[] fields, int from, double[] out, int to, int n, java.util.random.RandomGenerator rng) {
    switch (this) {
      case BINARY -> {
        for (int k = 0; k < n; k++) {
          out[to + k] = below(rng.nextDouble(), Kernels.sigmoid(-fields[from + k]));
        }
      }
      case SPIN -> {
        for (int k = 0; k < n; k++) {
          out[to + k] = 2 * below(rng.nextDouble(), Kernels.sigmoid(-2 * fields[from + k])) - 1;
        }
      }
      default -> throw notDiscrete();
    }
  }

  /** {@code out[to + k]} drawn with the means {@code means[from + k]} of n units, one uniform each from {@code rng}. */
  public void drawFromMeans(double[] means, int from, double[] out, int to, int n, java.util.random.RandomGenerator rng) {
    switch (this) {
      case BINARY -> {
        for (int k = 0; k < n; k++) {
          out[to + k] = below(rng.nextDouble(), means[from + k]);
        }
      }
      case SPIN -> {
        for (int k = 0; k < n; k++) {
          out[to + k] = 2 * below(rng.nextDouble(), (1 + means[from + k]) / 2) - 1;
        }
      }
      default -> throw notDiscrete();
    }
  }

  // ---------------------------------------------------------------- float32 (see FloatKernels)

  /** {@link #meansOfFields} on float arrays, all at {@code [off, off + n)}; to 4e-7 absolute. */
  public void meansOfFields(float[] fields, float[] out, int off, int n) {
    switch (this) {
      case BINARY -> FloatKernels.sigmoid(fields, -1f, out, off, n);
      case SPIN -> FloatKernels.tanh(fields, -1f, out, off, n);
      default -> throw notDiscrete();
    }
  }

  /**
   * {@link #drawFromFields} on float arrays, all at {@code [off, off + n)}: uniforms from {@code
   * rng} into {@code uniforms}, p(high) into {@code out}, then the draws in place.
   */
  public void drawFromFields(float[] fields, float[] out, int off, int n, RandomGenerator rng, float[] uniforms) {
    switch (this) {
      case BINARY -> FloatKernels.sigmoid(fields, -1f, out, off, n);
      case SPIN -> FloatKernels.sigmoid(fields, -2f, out, off, n);
      default -> throw notDiscrete();
    }
    FloatKernels.uniforms(rng, uniforms, off, n);
    FloatKernels.bernoulli(out, uniforms, (float) low, (float) (1 - low), out, off, n);
  }

  /** The units at {@code [off, off + n)} of {@code means} drawn in place with those means; {@code uniforms} as above. */
  public void drawFromMeans(float[] means, int off, int n, RandomGenerator rng, float[] uniforms) {
    requireDiscrete();
    if (this == SPIN) {
      // p(+1) = (1 + m) / 2
      for (int k = off; k < off + n; k++) {
        means[k] = 0.5f + 0.5f * means[k];
      }
    }
    FloatKernels.uniforms(rng, uniforms, off, n);
    FloatKernels.bernoulli(means, uniforms, (float) low, (float) (1 - low), means, off, n);
  }

  /** 1 if u &lt; p else 0, from the sign bit of u − p: draws are coin flips a branch predictor cannot guess. */
  private static double below(double u, double p) {
    return Double.doubleToRawLongBits(u - p) >>> 63;
  }

  private void requireDiscrete() {
    if (!isTwoValued()) {
      throw notDiscrete();
    }
  }

  private UnsupportedOperationException notDiscrete() {
    return new UnsupportedOperationException(
        this == CATEGORICAL
            ? "a categorical unit is a group of K indicators, not a two-valued unit; use its Variables.Variable"
            : "a real-valued unit has no finite set of values");
  }
}
