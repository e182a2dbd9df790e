package org.ebm4j.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import java.util.List;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.ParameterRoles;
import org.junit.jupiter.api.Test;

/**
 * The parameter roles the processor proves: couplings and biases with their coefficients in
 * log p̃ = −E (E gains +hᵀUv below, so log p̃ has −1 for u), and nothing for a parameter that appears in another term too or inside a
 * nonlinearity. Checked against the gradient: a proven role's gradient is its statistic.
 */
class RolesTest {
  static final String SOURCE = """
      package roles;
      import static org.ebm4j.dsl.Ops.*;
      import org.ebm4j.dsl.*;
      @EnergyModel
      public class Mixed {
        @Param(shape = "n") double[] b;
        @Param(shape = "m") double[] c;
        @Param(shape = "m") double[] d;
        @Param(shape = {"n", "m"}) double[][] w;
        @Param(shape = {"m", "n"}) double[][] u;
        @Param(shape = "n") double[] twice;
        @Energy
        double energy(@Visible @Binary @Shape("n") double[] v, @Latent @Binary @Shape("m") double[] h) {
          return -dot(b, v) + 0.5 * dot(h, c) - 2 * bilinear(v, w, h) - (-bilinear(h, u, v))
              + Math.exp(-dot(d, h)) - dot(twice, v) + sumSquares(twice);
        }
      }
      """;

  @Test
  void couplingsAndBiasesAreProvenWithTheirCoefficients() throws Exception {
    Compilation c = Compile.compile(List.of(), Compile.source("roles.Mixed", SOURCE));
    assertThat(c).succeededWithoutWarnings();
    Class<?> generated = Compile.load(c).loadClass("roles.MixedModel");
    Object builder = generated.getMethod("builder").invoke(null);
    builder.getClass().getMethod("n", int.class).invoke(builder, 3);
    builder.getClass().getMethod("m", int.class).invoke(builder, 2);
    EnergyModel model = (EnergyModel) builder.getClass().getMethod("build").invoke(builder);
    ParameterRoles roles = model.capability(ParameterRoles.class).orElseThrow();
    assertThat(roles.couplings()).containsExactly(
        new ParameterRoles.Coupling("u", "h", "v", -1.0),
        new ParameterRoles.Coupling("w", "v", "h", 2.0));
    // d sits inside exp, twice appears in two terms: neither is a bias.
    assertThat(roles.biases()).containsExactly(
        new ParameterRoles.Bias("b", "v", 1.0),
        new ParameterRoles.Bias("c", "h", -0.5));

    // Each role's gradient is its statistic: ∇w log p̃ = 2 v hᵀ, ∇c log p̃ = −0.5 h.
    double[] x = {1, 0, 1, 0, 1};
    double[] g = new double[model.params().length];
    model.accumulateGradient(x, 1.0, g);
    int w = model.layout().find("w").orElseThrow().offset();
    int cOff = model.layout().find("c").orElseThrow().offset();
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 2; j++) {
        assertThat(g[w + i * 2 + j]).isWithin(1e-12).of(2 * x[i] * x[3 + j]);
      }
    }
    for (int j = 0; j < 2; j++) {
      assertThat(g[cOff + j]).isWithin(1e-12).of(-0.5 * x[3 + j]);
    }
  }

  @Test
  void couplingsWrittenWithMatvecOrVecmatAreProvenToo() throws Exception {
    String source = """
        package roles;
        import static org.ebm4j.dsl.Ops.*;
        import org.ebm4j.dsl.*;
        @EnergyModel
        public class Products {
          @Param(shape = {"m", "n"}) double[][] w;
          @Param(shape = {"n", "m"}) double[][] u;
          @Param(shape = {"n", "m"}) double[][] shared;
          @Energy
          double energy(@Visible @Binary @Shape("n") double[] v, @Latent @Spin @Shape("m") double[] s) {
            return -dot(s, matvec(w, v)) + 3 * dot(vecmat(v, u), s) - dot(matvec(shared, s), v) + sum(matvec(shared, s));
          }
        }
        """;
    Compilation c = Compile.compile(List.of(), Compile.source("roles.Products", source));
    assertThat(c).succeededWithoutWarnings();
    Class<?> generated = Compile.load(c).loadClass("roles.ProductsModel");
    Object builder = generated.getMethod("builder").invoke(null);
    builder.getClass().getMethod("n", int.class).invoke(builder, 3);
    builder.getClass().getMethod("m", int.class).invoke(builder, 2);
    EnergyModel model = (EnergyModel) builder.getClass().getMethod("build").invoke(builder);
    // shared appears in two terms: no role.
    assertThat(model.capability(ParameterRoles.class).orElseThrow().couplings()).containsExactly(
        new ParameterRoles.Coupling("u", "v", "s", -3.0),
        new ParameterRoles.Coupling("w", "s", "v", 1.0));
  }
}
