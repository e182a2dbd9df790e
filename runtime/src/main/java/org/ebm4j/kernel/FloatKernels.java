package org.ebm4j.kernel;

import java.util.random.RandomGenerator;

/**
 * Element-wise float32 kernels for the sampling loops of float32 training: means and draws of
 * binary and spin units from their fields. Written so that HotSpot's C2 turns each loop into vector
 * instructions (no calls, no branches, no bit moves between float and int registers): the
 * logistic function is a rational approximation instead of {@code Math.exp}, about twenty times
 * faster per unit, and a draw compares a uniform with a probability by arithmetic. These loops ran
 * at 6–9 ns per unit in double through {@code Math.exp}; here under 1 ns per unit plus the uniforms.
 *
 * <p>Every array of a loop is indexed at the same offset: JDK 17's C2 leaves a loop scalar when its
 * arrays are indexed with different loop-invariant offsets (measured: 5.8 against 0.75 ns per unit),
 * so callers keep inputs, outputs and scratch in the same layout.
 *
 * <p>Public only because the model package calls them: not a stable API.
 */
public final class FloatKernels {
  private FloatKernels() {}

  /**
   * Where the rational tanh below reaches 1 in float: beyond it tanh is 1 to within 2.7e-7, so
   * inputs are clamped here (Eigen's bound for the same approximation).
   */
  private static final float TANH_CLAMP = 7.90531110763549805f;

  /**
   * tanh y ≈ y · P(y²) / Q(y²) on [−7.9, 7.9]: Eigen's float32 coefficients (2.6e-8 from tanh when
   * evaluated exactly; 3.7e-7 at most in float arithmetic over [−40, 40], which the tests check).
   */
  private static float tanhRational(float y) {
    y = Math.max(-TANH_CLAMP, Math.min(TANH_CLAMP, y));
    float y2 = y * y;
    float p = -2.76076847742355e-16f;
    p = p * y2 + 2.00018790482477e-13f;
    p = p * y2 + -8.60467152213735e-11f;
    p = p * y2 + 5.12229709037114e-08f;
    p = p * y2 + 1.48572235717979e-05f;
    p = p * y2 + 6.37261928875436e-04f;
    p = p * y2 + 4.89352455891786e-03f;
    float q = 1.19825839466702e-06f;
    q = q * y2 + 1.18534705686654e-04f;
    q = q * y2 + 2.26843463243900e-03f;
    q = q * y2 + 4.89352518554385e-03f;
    return y * p / q;
  }

  /**
   * {@code out[k] = σ(scale · in[k])} for off ≤ k &lt; off + n, to 2.5e-7 absolute (σ = ½ + ½ tanh(x/2)),
   * so probabilities below about 1.4e-7 read as about 1.4e-7: finer than the 2^-24 steps of the
   * float uniforms a draw compares them with is not needed.
   */
  public static void sigmoid(float[] in, float scale, float[] out, int off, int n) {
    float half = 0.5f * scale;
    for (int k = off; k < off + n; k++) {
      out[k] = 0.5f + 0.5f * tanhRational(half * in[k]);
    }
  }

  /** {@code out[k] = tanh(scale · in[k])} for off ≤ k &lt; off + n, to 4e-7 absolute (3.7e-7 seen over [−40, 40]). */
  public static void tanh(float[] in, float scale, float[] out, int off, int n) {
    for (int k = off; k < off + n; k++) {
      out[k] = tanhRational(scale * in[k]);
    }
  }

  /**
   * {@code out[off .. off + n)}: uniforms in [0, 1), multiples of 2^-24 (every float in that grid equally likely), two from
   * each 64-bit draw of {@code rng}: the float draws need no more bits, and the generator is the
   * one loop here that cannot run as vector instructions.
   */
  public static void uniforms(RandomGenerator rng, float[] out, int off, int n) {
    int k = off;
    for (; k + 1 < off + n; k += 2) {
      long bits = rng.nextLong();
      out[k] = (bits >>> 40) * 0x1.0p-24f;
      out[k + 1] = ((int) bits >>> 8) * 0x1.0p-24f;
    }
    if (k < off + n) {
      out[k] = (rng.nextLong() >>> 40) * 0x1.0p-24f;
    }
  }

  /**
   * {@code out[k] = low + span · [u[k] &lt; p[k]]} for off ≤ k &lt; off + n: a unit drawn high with
   * probability p from a uniform u. The indicator is computed by arithmetic, not a branch or a
   * compare (neither becomes a vector instruction here): d = max(0, p − u) is 0 exactly when u ≥ p
   * (float subtraction keeps the sign and is 0 only for equal operands), and two saturating scalings
   * by 2^100 lift every positive float, even the smallest subnormal, to 1.
   */
  public static void bernoulli(float[] p, float[] u, float low, float span, float[] out, int off, int n) {
    for (int k = off; k < off + n; k++) {
      float d = Math.max(0f, p[k] - u[k]);
      d = Math.min(1f, d * 0x1.0p100f);
      d = Math.min(1f, d * 0x1.0p100f);
      out[k] = low + span * d;
    }
  }

  /** {@code out[k] = (float) in[k]} for off ≤ k &lt; off + n. */
  public static void toFloat(double[] in, float[] out, int off, int n) {
    for (int k = off; k < off + n; k++) {
      out[k] = (float) in[k];
    }
  }

  /** {@code out[k] = in[k]} widened, for off ≤ k &lt; off + n. */
  public static void toDouble(float[] in, double[] out, int off, int n) {
    for (int k = off; k < off + n; k++) {
      out[k] = in[k];
    }
  }

  /**
   * The index of the first non-finite entry of {@code a}, or −1: a max-reduction of |a[k]| first
   * (vectorised; NaN and infinity survive it), the index only when that is not finite.
   */
  public static int firstNonFinite(float[] a) {
    float max = 0f;
    for (int k = 0; k < a.length; k++) {
      max = Math.max(max, Math.abs(a[k]));
    }
    if (max <= Float.MAX_VALUE) {
      return -1;
    }
    for (int k = 0; k < a.length; k++) {
      if (!Float.isFinite(a[k])) {
        return k;
      }
    }
    return -1;
  }
}
