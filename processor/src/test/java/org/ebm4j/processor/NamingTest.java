package org.ebm4j.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import java.util.List;
import java.util.Map;
import org.ebm4j.check.ModelChecker;
import org.junit.jupiter.api.Test;

/**
 * Dimension names that the generated code also uses for its own locals and fields (offset, at,
 * rng, stateSize, variables, state, size, dims) compile into a faithful model.
 */
class NamingTest {
  static final String SOURCE = """
      package naming;
      import static org.ebm4j.dsl.Ops.*;
      import org.ebm4j.dsl.*;
      @EnergyModel
      public class Clash {
        @Param(shape = "offset") double[] b;
        @Param(shape = {"offset", "stateSize"}) double[][] w;
        @Param(shape = "variables") double[] c;
        @Param(shape = {"at", "rng"}) double[][] u;
        @Energy
        double energy(@Visible @Binary @Shape("offset") double[] v, @Latent @Binary @Shape("stateSize") double[] h,
            @Visible @Real @Shape("variables") double[] x, @Visible @Real @Shape("at") double[] y, @Latent @Real @Shape("rng") double[] z) {
          return -dot(b, v) - bilinear(v, w, h) + 0.5 * sumSquares(x) - dot(c, x) + 0.5 * sumSquares(y) + 0.5 * sumSquares(z) - bilinear(y, u, z);
        }
      }
      """;

  @Test
  void withMathAndOpsBothImportedAScalarCallIsMathsAndAVectorCallIsOps() throws Exception {
    String source = """
        package naming;
        import static java.lang.Math.*;
        import static org.ebm4j.dsl.Ops.*;
        import org.ebm4j.dsl.*;
        @EnergyModel
        public class Both {
          @Param(shape = "n") double[] b;
          @Param double a;
          @Energy
          double energy(@Visible @Real @Shape("n") double[] x) {
            return 0.5 * sumSquares(x) + exp(a * x[0]) / 10 + log(1 + x[1] * x[1]) - sum(tanh(add(x, b))) + tanh(a);
          }
        }
        """;
    Compilation c = Compile.compile(List.of(), Compile.source("naming.Both", source));
    assertThat(c).succeededWithoutWarnings();
    assertThat(ModelChecker.check(Compile.load(c).loadClass("naming.Both"), Map.of("n", 3), 2)).isGreaterThan(10);
  }

  @Test
  void dimensionsNamedLikeGeneratedIdentifiersCompileFaithfully() throws Exception {
    Compilation c = Compile.compile(List.of(), Compile.source("naming.Clash", SOURCE));
    assertThat(c).succeededWithoutWarnings();
    Class<?> spec = Compile.load(c).loadClass("naming.Clash");
    Map<String, Integer> dims = Map.of("offset", 3, "stateSize", 2, "variables", 2, "at", 2, "rng", 3);
    assertThat(ModelChecker.check(spec, dims, 4)).isGreaterThan(10);
  }
}
