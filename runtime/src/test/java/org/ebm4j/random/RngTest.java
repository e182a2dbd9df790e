package org.ebm4j.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RngTest {
  @Test
  void isXoshiro256StarStarSeededBySplitMix64() {
    // The first outputs for seed 42, from an independent implementation of both algorithms.
    Rng rng = new Rng(42);
    assertEquals(1546998764402558742L, rng.nextLong());
    assertEquals(6990951692964543102L, rng.nextLong());
    assertEquals(-5902157311460992607L, rng.nextLong());
    assertEquals(-1389169964527427423L, rng.nextLong());
  }

  @Test
  void aRestoredStateContinuesTheSameSequence() {
    Rng a = new Rng(7);
    for (int i = 0; i < 10; i++) {
      a.nextLong();
    }
    Rng b = Rng.fromState(a.state());
    for (int i = 0; i < 100; i++) {
      assertEquals(a.nextLong(), b.nextLong());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rng.fromState(new long[3]));
    assertEquals("an Rng state has 4 longs, got 3", e.getMessage());
  }

  @Test
  void doublesAreUniformOnTheUnitInterval() {
    // 200 000 draws: the mean is 1/2 within 5 standard errors (sd 1/sqrt(12 n) = 6.5e-4), every
    // tenth of the interval holds 1/10 within 5 binomial standard errors (6.7e-4).
    Rng rng = new Rng(1);
    int n = 200_000;
    double sum = 0;
    int[] bins = new int[10];
    for (int i = 0; i < n; i++) {
      double u = rng.nextDouble();
      assertTrue(u >= 0 && u < 1);
      sum += u;
      bins[(int) (u * 10)]++;
    }
    assertEquals(0.5, sum / n, 5 * 6.5e-4);
    for (int bin : bins) {
      assertEquals(0.1, (double) bin / n, 5 * 6.7e-4);
    }
  }

  @Test
  void streamsAreReproducibleAndDistinct() {
    assertEquals(Rng.stream(3, 5).nextLong(), Rng.stream(3, 5).nextLong());
    assertNotEquals(Rng.stream(3, 5).nextLong(), Rng.stream(3, 6).nextLong());
    assertNotEquals(Rng.stream(3, 5).nextLong(), Rng.stream(4, 5).nextLong());
    Rng parent = new Rng(9);
    Rng again = new Rng(9);
    assertArrayEquals(parent.split().state(), again.split().state());
  }
}
