package org.ebm4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ebm4j.random.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The maths of a two-valued unit against sums over its two values. */
class DomainTest {
  static final double[] LOGITS = {-30, -2.5, -0.3, 0, 0.7, 4, 30};

  @ParameterizedTest
  @EnumSource(value = Domain.class, names = {"BINARY", "SPIN"})
  void unitMathsAgreesWithSumsOverTheValues(Domain d) {
    assertEquals(2, d.size());
    for (int i = 0; i < d.size(); i++) {
      assertEquals(i, d.index(d.value(i)));
      assertTrue(d.contains(d.value(i)));
    }
    assertFalse(d.contains(0.5));
    for (double logit : LOGITS) {
      // p(u) ∝ exp(u · θ), θ the natural parameter
      double theta = d.naturalParameter(logit);
      double low = Math.exp(d.low() * theta);
      double high = Math.exp(d.high() * theta);
      assertEquals(logit, Math.log(high / low), 1e-9, "the logit is log p(high)/p(low)");
      assertEquals(Math.log(low + high), d.logNormalizer(logit), 1e-9 * (1 + Math.abs(logit)));
      assertEquals(d.logNormalizer(logit), Math.log1p(Math.exp(logit)) + d.logNormalizerOffset(logit), 1e-9 * (1 + Math.abs(logit)));
      double mean = (d.low() * low + d.high() * high) / (low + high);
      assertEquals(mean, d.mean(logit), 1e-12);
      assertEquals(high / (low + high), d.probabilityOfHigh(d.mean(logit)), 1e-12);
      // A field g of an energy affine in u: exp(−E) ∝ exp(−g u).
      double g = -logit / 3;
      double sum = Math.exp(-g * d.low()) + Math.exp(-g * d.high());
      assertEquals(Math.log(sum), d.logPartitionOfField(g), 1e-9);
      assertEquals((d.low() * Math.exp(-g * d.low()) + d.high() * Math.exp(-g * d.high())) / sum, d.meanOfField(g), 1e-12);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Domain.class, names = {"BINARY", "SPIN"})
  void drawsHaveTheirProbability(Domain d) {
    // 100 000 draws at p(high) = σ(0.8) = 0.69: within 5 binomial standard errors (7.3e-3 / 5).
    Rng rng = new Rng(5);
    int high = 0;
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      double u = d.draw(0.8, rng.nextDouble());
      assertTrue(d.contains(u));
      high += d.index(u);
    }
    double p = 1 / (1 + Math.exp(-0.8));
    assertEquals(p, (double) high / n, 5 * Math.sqrt(p * (1 - p) / n));
    assertEquals(d.high(), d.drawFromMean(d.high(), 0.999));
    assertEquals(d.low(), d.drawFromMean(d.low(), 0.0));
  }

  @ParameterizedTest
  @EnumSource(value = Domain.class, names = {"REAL"})
  void realUnitsHaveNoFiniteValues(Domain d) {
    assertTrue(d.contains(-3.5));
    assertFalse(d.contains(Double.NaN));
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> d.value(0));
    assertEquals("a real-valued unit has no finite set of values", e.getMessage());
    assertThrows(UnsupportedOperationException.class, () -> d.logNormalizer(0));
  }
}
