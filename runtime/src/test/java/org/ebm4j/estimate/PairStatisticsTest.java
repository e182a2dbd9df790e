package org.ebm4j.estimate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ebm4j.data.Dataset;
import org.ebm4j.random.Rng;
import org.junit.jupiter.api.Test;

class PairStatisticsTest {
  /** Two units of K = 2 states, one-hot: rows (0,0), (1,1), (0,1) with weights 1, 2, 1. */
  static Dataset threeRows() {
    double[] v = {
        1, 0, 1, 0,
        0, 1, 0, 1,
        1, 0, 0, 1};
    return new Dataset("three", 3, 4, v).withWeights(new double[] {1, 2, 1});
  }

  @Test
  void connectedCorrelationsAreTheWeightedPairMinusSingleFrequencies() {
    // f_1 = (1/2, 1/2), f_2 = (1/4, 3/4), f_12(0,0) = 1/4, f_12(0,1) = 1/4, f_12(1,0) = 0, f_12(1,1) = 1/2.
    double[] c = PairStatistics.connected(threeRows(), 2);
    assertArrayEquals(new double[] {0.25 - 0.125, 0.25 - 0.375, 0 - 0.125, 0.5 - 0.375}, c, 1e-15);
  }

  @Test
  void pearsonOfALinearImageIsOneAndOfItsNegationMinusOne() {
    double[] x = {1, 2, 4, 7};
    assertEquals(1, PairStatistics.pearson(x, new double[] {3, 5, 9, 15}), 1e-12);
    assertEquals(-1, PairStatistics.pearson(x, new double[] {-1, -2, -4, -7}), 1e-12);
  }

  @Test
  void resamplingDrawsRowsInProportionToTheirWeights() {
    Dataset data = threeRows();
    int n = 40_000;
    Dataset drawn = PairStatistics.resample(data, n, new Rng(7));
    int[] counts = new int[3];
    for (int s = 0; s < n; s++) {
      double[] row = java.util.Arrays.copyOfRange(drawn.values(), s * 4, s * 4 + 4);
      for (int r = 0; r < 3; r++) {
        if (java.util.Arrays.equals(row, java.util.Arrays.copyOfRange(data.values(), r * 4, r * 4 + 4))) {
          counts[r]++;
        }
      }
    }
    // Binomial standard deviation at n = 40 000 is at most 0.0025; allow 4 of them.
    assertEquals(0.25, counts[0] / (double) n, 0.01);
    assertEquals(0.50, counts[1] / (double) n, 0.01);
    assertEquals(0.25, counts[2] / (double) n, 0.01);
    // Unweighted rows of the resample: its statistics approach the weighted data's.
    assertArrayEquals(PairStatistics.connected(data, 2), PairStatistics.connected(drawn, 2), 0.01);
  }
}
