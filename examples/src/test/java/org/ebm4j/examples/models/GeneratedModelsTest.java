package org.ebm4j.examples.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.stream.Stream;
import org.ebm4j.check.ModelChecker;
import org.ebm4j.model.BlockConditionals;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.FreeEnergy;
import org.ebm4j.model.Models;
import org.ebm4j.model.SiteConditionals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example's generated model against its spec class run as plain Java. */
class GeneratedModelsTest {

  static Stream<Arguments> examples() {
    return Stream.of(
        Arguments.of(Rbm.class, Map.of("visible", 5, "hidden", 4)),
        Arguments.of(SpinRbm.class, Map.of("visible", 4, "hidden", 5)),
        Arguments.of(FullyVisibleBm.class, Map.of("units", 5)),
        Arguments.of(GaussianBernoulliRbm.class, Map.of("visible", 2, "hidden", 3)),
        Arguments.of(TanhEnergy.class, Map.of("dim", 3, "hidden", 4)));
  }

  @ParameterizedTest
  @MethodSource("examples")
  void generatedModelAgreesWithSpec(Class<?> spec, Map<String, Integer> dims) {
    for (long seed = 1; seed <= 3; seed++) {
      assertTrue(ModelChecker.check(spec, dims, seed) > 10);
    }
  }

  @Test
  void structureIsFoundWhereTheAlgebraAllowsIt() {
    EnergyModel rbm = Models.create(Rbm.class, Map.of("visible", 3, "hidden", 2), 1);
    assertTrue(rbm.capability(FreeEnergy.class).isPresent());
    assertEquals(java.util.List.of("v", "h"), rbm.capability(BlockConditionals.class).orElseThrow().blocks());
    assertTrue(rbm.capability(SiteConditionals.class).isPresent());

    EnergyModel gb = Models.create(GaussianBernoulliRbm.class, Map.of("visible", 3, "hidden", 2), 1);
    assertEquals(java.util.List.of("v", "h"), gb.capability(BlockConditionals.class).orElseThrow().blocks());
    assertTrue(gb.capability(FreeEnergy.class).isPresent());
    assertTrue(gb.capability(org.ebm4j.model.Scores.class).isPresent(), "real visibles, latents summed out: score matching applies");
    assertFalse(rbm.capability(org.ebm4j.model.Scores.class).isPresent(), "binary visibles have no score");

    EnergyModel fvbm = Models.create(FullyVisibleBm.class, Map.of("units", 3), 1);
    assertFalse(fvbm.capability(FreeEnergy.class).isPresent());
    assertFalse(fvbm.capability(BlockConditionals.class).isPresent(), "x_i x_j terms couple the units");
    assertTrue(fvbm.capability(SiteConditionals.class).isPresent());

    EnergyModel tanh = Models.create(TanhEnergy.class, Map.of("dim", 2, "hidden", 2), 1);
    assertFalse(tanh.capability(BlockConditionals.class).isPresent());
    assertFalse(tanh.capability(SiteConditionals.class).isPresent());
    assertTrue(tanh.capability(org.ebm4j.model.Scores.class).isPresent());
    // Element-wise functions of affine maps of v and quadratic forms get the Laplacian in one
    // sweep; a second layer does not.
    assertTrue(tanh.capability(org.ebm4j.model.Scores.class).orElseThrow().laplacianInOneSweep());
    assertTrue(gb.capability(org.ebm4j.model.Scores.class).orElseThrow().laplacianInOneSweep());
    EnergyModel full = org.ebm4j.examples.zoo.FullGaussianModel.builder().n(3).seed(1).build();
    assertTrue(full.capability(org.ebm4j.model.Scores.class).orElseThrow().laplacianInOneSweep());
    EnergyModel twoLayers = Models.create(org.ebm4j.examples.zoo.TwoLayerEnergy.class, Map.of("n", 3, "hidden", 4, "out", 2), 1);
    assertFalse(twoLayers.capability(org.ebm4j.model.Scores.class).orElseThrow().laplacianInOneSweep());
    assertTrue(ModelChecker.check(org.ebm4j.examples.zoo.TwoLayerEnergy.class, Map.of("n", 3, "hidden", 4, "out", 2), 2) > 10);
  }

  @Test
  void sameSeedSameParameters() {
    double[] a = RbmModel.builder().visible(6).hidden(3).seed(7).build().params();
    double[] b = RbmModel.builder().visible(6).hidden(3).seed(7).build().params();
    double[] c = RbmModel.builder().visible(6).hidden(3).seed(8).build().params();
    assertTrue(java.util.Arrays.equals(a, b));
    assertFalse(java.util.Arrays.equals(a, c));
  }

  @Test
  void aGaussianBlockKeepsItsPrecisionUnderLargeFields() {
    // Fields of 1e17 used to cancel the precision (1 + 1e17) - 1e17 = 0 and the block was called
    // not normalizable; the precision now comes from the second derivative itself.
    GaussianBernoulliRbmModel m = GaussianBernoulliRbmModel.builder().visible(2).hidden(1).build();
    double[] p = m.params();
    p[0] = 1e17;
    p[1] = -3e16;
    double[] x = {0, 0, 1};
    double[] mean = new double[2];
    m.conditionalFields("v", x, mean);
    assertEquals(1e17, mean[0], 1e17 * 1e-12);
    assertEquals(-3e16, mean[1], 3e16 * 1e-12);
    m.sample("v", x, new org.ebm4j.random.Rng(1));
    assertTrue(Math.abs(x[0] - 1e17) < 1e17 * 1e-9, "drawn " + x[0]);
    // A coefficient of v² that is not positive is refused, naming the term to add.
    ScaledGaussianModel scaled = ScaledGaussianModel.builder().visible(2).hidden(1).build();
    scaled.params()[0] = -0.5;
    ArithmeticException e = org.junit.jupiter.api.Assertions.assertThrows(ArithmeticException.class, () -> scaled.conditionalFields("v", new double[3], new double[2]));
    assertTrue(e.getMessage().contains("unit 0 has precision -0.5") && e.getMessage().contains("add a term such as 0.5 * sumSquares(v)"), e.getMessage());
    System.arraycopy(new double[] {2, 3, -1}, 0, scaled.params(), 0, 3);
    scaled.conditionalFields("v", new double[] {0, 0, 1}, mean);
    assertEquals(1.5, mean[0], 1e-15);
    assertEquals(-0.5, mean[1], 1e-15);
  }
}
