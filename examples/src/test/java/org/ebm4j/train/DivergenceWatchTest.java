package org.ebm4j.train;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ebm4j.data.BarsAndStripes;
import org.ebm4j.data.Dataset;
import org.ebm4j.examples.models.RbmModel;
import org.junit.jupiter.api.Test;

/** Each rule of the divergence guard, fed an epoch history directly. */
class DivergenceWatchTest {
  private static final Dataset DATA = BarsAndStripes.generate(3);

  private static DivergenceGuard.Watch watch(RbmModel model, double ll, double pll) {
    return new DivergenceGuard.Watch(model, DATA, new EpochMetrics(0, 0, ll, pll, Double.NaN), "sgd(lr=1)");
  }

  @Test
  void aFallOfMoreThanOneBitPerUnitBelowTheBestIsACollapse() {
    RbmModel model = RbmModel.builder().visible(9).hidden(4).seed(1).build();
    DivergenceGuard.Watch w = watch(model, -6.2, -6.0);
    assertNull(w.check(new EpochMetrics(1, 0, -4.0, -5, 1), null));
    // 9 ln 2 = 6.24 nats below the best (-4.0) is the limit.
    assertNull(w.check(new EpochMetrics(2, 0, -10.2, -5, 1), null));
    String cause = w.check(new EpochMetrics(3, 0, -10.3, -5, 1), null);
    assertTrue(cause != null && cause.contains("log-likelihood collapsed") && cause.contains("-4.0000 at epoch 1"), cause);
    assertTrue(w.check(new EpochMetrics(3, 0, Double.NaN, -5, 1), null).contains("log-likelihood became NaN"));
  }

  @Test
  void withoutAnExactLikelihoodThePseudoLikelihoodIsWatched() {
    RbmModel model = RbmModel.builder().visible(9).hidden(4).seed(1).build();
    DivergenceGuard.Watch w = watch(model, Double.NaN, -6.0);
    assertNull(w.check(new EpochMetrics(1, 0, Double.NaN, -3.0, 1), null));
    assertTrue(w.check(new EpochMetrics(2, 0, Double.NaN, -9.5, 1), null).contains("pseudo-log-likelihood collapsed"));
  }

  @Test
  void aGradientNormFarAboveItsRecentMedianIsAnExplosion() {
    RbmModel model = RbmModel.builder().visible(9).hidden(4).seed(1).build();
    DivergenceGuard.Watch w = watch(model, Double.NaN, Double.NaN);
    double[] norms = {0.5, 2, 1, 0.8, 1.5};
    for (int i = 0; i < norms.length; i++) {
      assertNull(w.check(new EpochMetrics(i + 1, 0, Double.NaN, Double.NaN, norms[i]), null));
    }
    // The median of the last five is 1: 999 passes, 1001 does not.
    assertNull(w.check(new EpochMetrics(6, 0, Double.NaN, Double.NaN, 999), null));
    String cause = w.check(new EpochMetrics(7, 0, Double.NaN, Double.NaN, 1e6), null);
    assertTrue(cause != null && cause.contains("gradient norm exploded"), cause);
  }

  @Test
  void theParameterNormMayGrowFromASmallStartButNotExplode() {
    RbmModel model = RbmModel.builder().visible(9).hidden(4).seed(1).build();
    DivergenceGuard.Watch w = watch(model, Double.NaN, Double.NaN);
    double[] p = model.params();
    // From 0.01-scale weights to one per parameter is learning, not divergence.
    java.util.Arrays.fill(p, 1.0);
    assertNull(w.check(new EpochMetrics(1, 0, Double.NaN, Double.NaN, 1), null));
    java.util.Arrays.fill(p, 99.0);
    assertNull(w.check(new EpochMetrics(2, 0, Double.NaN, Double.NaN, 1), null));
    // Now the history's largest is 99 per parameter: 100 times that is explosion.
    java.util.Arrays.fill(p, 99.0 * 101);
    String cause = w.check(new EpochMetrics(3, 0, Double.NaN, Double.NaN, 1), null);
    assertTrue(cause != null && cause.contains("parameter norm exploded"), cause);
  }

  @Test
  void aSteadyTenfoldGrowthOfTheParametersIsAnExplosionToo() {
    RbmModel model = RbmModel.builder().visible(9).hidden(4).seed(1).build();
    DivergenceGuard.Watch w = watch(model, Double.NaN, Double.NaN);
    double[] p = model.params();
    // Each epoch 20 times the last, never 100 times the largest: caught on the third in a row above one per parameter.
    double[] scales = {0.05, 1, 20, 400};
    for (int e = 0; e < scales.length; e++) {
      java.util.Arrays.fill(p, scales[e]);
      assertNull(w.check(new EpochMetrics(e + 1, 0, Double.NaN, Double.NaN, 1), null), "epoch " + (e + 1));
    }
    java.util.Arrays.fill(p, 8000);
    String cause = w.check(new EpochMetrics(5, 0, Double.NaN, Double.NaN, 1), null);
    assertTrue(cause != null && cause.contains("keeps exploding"), cause);
  }
}
