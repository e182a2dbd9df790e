package org.ebm4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ebm4j.random.Rng;
import org.junit.jupiter.api.Test;

/** The float32 sampling kernels against their definitions, with the tolerances they document. */
class FloatKernelsTest {
  @Test
  void sigmoidAndTanhAreWithinTheirStatedErrorEverywhere() {
    int n = 800_001;
    float[] x = new float[n];
    for (int k = 0; k < n; k++) {
      x[k] = -40f + 80f * k / (n - 1);
    }
    float[] s = new float[n];
    float[] t = new float[n];
    float[] s2 = new float[n];
    FloatKernels.sigmoid(x, -1f, s, 0, n);
    FloatKernels.tanh(x, 1f, t, 0, n);
    FloatKernels.sigmoid(x, 2f, s2, 0, n);
    double worstS = 0;
    double worstT = 0;
    for (int k = 0; k < n; k++) {
      worstS = Math.max(worstS, Math.abs(s[k] - 1 / (1 + Math.exp(x[k]))));
      worstS = Math.max(worstS, Math.abs(s2[k] - 1 / (1 + Math.exp(-2.0 * x[k]))));
      worstT = Math.max(worstT, Math.abs(t[k] - Math.tanh(x[k])));
      assertTrue(s[k] >= 0 && s[k] <= 1 && Math.abs(t[k]) <= 1, "out of range at " + x[k]);
    }
    assertTrue(worstS < 2.5e-7, "sigmoid off by " + worstS);
    assertTrue(worstT < 4e-7, "tanh off by " + worstT);
    // Offsets: the same values wherever the block lies.
    float[] shifted = new float[10];
    FloatKernels.sigmoid(new float[] {0, 0, 0, 1.5f, -2f, 0}, -1f, shifted, 3, 2);
    assertEquals(1 / (1 + Math.exp(1.5)), shifted[3], 2.5e-7);
    assertEquals(0f, shifted[2]);
    assertEquals(0f, shifted[5]);
  }

  @Test
  void uniformsAreOnTheTwoToTheMinus24GridAndUniform() {
    int n = 200_001; // odd: the last one from a draw of its own
    float[] u = new float[n + 3];
    FloatKernels.uniforms(new Rng(1), u, 3, n);
    double sum = 0;
    int[] bins = new int[10];
    for (int k = 3; k < n + 3; k++) {
      assertTrue(u[k] >= 0 && u[k] < 1);
      assertEquals(u[k] * 0x1.0p24f, Math.rint(u[k] * 0x1.0p24f), 0.0, "on the 2^-24 grid");
      sum += u[k];
      bins[(int) (u[k] * 10)]++;
    }
    // Mean within 4 standard errors (sd 1/sqrt(12 n)), each decile within 4 of its binomial sd.
    assertEquals(0.5, sum / n, 4 / Math.sqrt(12.0 * n));
    for (int count : bins) {
      assertEquals(n / 10.0, count, 4 * Math.sqrt(n * 0.1 * 0.9));
    }
    assertTrue(u[n + 2] != 0 && u[2] == 0, "exactly the n entries from the offset");
    float[] again = new float[n + 3];
    FloatKernels.uniforms(new Rng(1), again, 3, n);
    assertEquals(java.util.Arrays.toString(u), java.util.Arrays.toString(again), "same seed, same uniforms");
  }

  @Test
  void bernoulliIsOneExactlyWhenTheUniformIsBelowTheProbability() {
    float[] p = {0f, 1f, 0.5f, 0.5f, Float.MIN_VALUE, 1e-30f, 0.25f, 0.25f};
    float[] u = {0f, 0.99999994f, 0.5f, 0.49999997f, 0f, 0f, 0.25f, 0.75f};
    float[] out = new float[p.length];
    FloatKernels.bernoulli(p, u, 0f, 1f, out, 0, p.length);
    assertEquals("[0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0]", java.util.Arrays.toString(out));
    // Spin values: low −1, span 2.
    FloatKernels.bernoulli(p, u, -1f, 2f, out, 0, p.length);
    assertEquals("[-1.0, 1.0, -1.0, 1.0, 1.0, 1.0, -1.0, -1.0]", java.util.Arrays.toString(out));
  }

  @Test
  void firstNonFiniteFindsNaNAndInfinityAndNothingElse() {
    float[] a = new float[1000];
    for (int k = 0; k < a.length; k++) {
      a[k] = (k % 7 - 3) * 1e30f;
    }
    a[5] = Float.MAX_VALUE;
    a[6] = -Float.MAX_VALUE;
    assertEquals(-1, FloatKernels.firstNonFinite(a));
    a[700] = Float.NEGATIVE_INFINITY;
    assertEquals(700, FloatKernels.firstNonFinite(a));
    a[300] = Float.NaN;
    assertEquals(300, FloatKernels.firstNonFinite(a));
  }
}
