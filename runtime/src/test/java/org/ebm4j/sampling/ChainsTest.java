package org.ebm4j.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** The float copy of chains: whichever array was asked for last holds the chains. */
class ChainsTest {
  @Test
  void theArrayAskedForLastHoldsTheChains() {
    Chains c = new Chains(2, 3);
    double[] d = c.states();
    System.arraycopy(new double[] {1, 0, 1, 0, 0, 1}, 0, d, 0, 6);
    float[] f = c.floatStates();
    assertEquals(6 + 3, f.length, "one spare row for BLAS");
    assertArrayEquals(new float[] {1, 0, 1, 0, 0, 1}, java.util.Arrays.copyOf(f, 6));
    f[1] = 1;
    f[5] = 0;
    assertSame(f, c.floatStates(), "the same live array, not converted again");
    double[] x = new double[3];
    c.get(0, x);
    assertArrayEquals(new double[] {1, 1, 1}, x, "float writes reach the doubles");
    assertSame(d, c.states());
    c.set(1, new double[] {1, 1, 1});
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, java.util.Arrays.copyOf(c.floatStates(), 6), "double writes reach the floats");
    Chains copy = c.copy();
    assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1}, copy.states());
  }
}
