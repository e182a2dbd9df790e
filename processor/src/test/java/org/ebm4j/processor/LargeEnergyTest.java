package org.ebm4j.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ebm4j.check.ModelChecker;
import org.junit.jupiter.api.Test;

/**
 * An energy of thousands of scalar terms (javac refused its generated methods over 64 KB from about
 * 700 terms, and HotSpot never JIT-compiles a method over 8 KB) compiles into methods split into
 * parts that agree with the spec.
 */
class LargeEnergyTest {
  @Test
  void thousandsOfScalarTermsAreSplitIntoPartsThatAgreeWithTheSpec() throws Exception {
    SplittableRandom r = new SplittableRandom(3);
    StringBuilder body = new StringBuilder("    double e = 0;\n");
    for (int k = 0; k < 1500; k++) {
      int i = r.nextInt(12);
      int j = r.nextInt(12);
      int q = r.nextInt(3);
      body.append(switch (k % 3) {
        case 0 -> "    e += softplus(b[" + i + "] * v[" + j + "] + v[" + i + "] * v[" + j + "] * 0.01);\n";
        case 1 -> "    e -= w[" + i + "][" + j + "] * v[" + i + "] * x[" + q + "];\n";
        default -> "    e += Math.tanh(b[" + j + "] + x[" + q + "] * " + (0.1 + r.nextDouble()) + ");\n";
      });
    }
    // A loop at the top level too: its accumulator lives across the parts.
    body.append("    double s = 0;\n    for (int i = 0; i < v.length; i++) {\n      s += b[i] * v[i];\n    }\n");
    String source = """
        package big;
        import static org.ebm4j.dsl.Ops.*;
        import org.ebm4j.dsl.*;
        @EnergyModel
        public class Big {
          @Param(shape = "n", init = "normal(0.5)") double[] b;
          @Param(shape = {"n", "n"}, init = "normal(0.5)") double[][] w;
          @Energy
          double energy(@Visible @Binary @Shape("n") double[] v, @Visible @Real @Shape("k") double[] x) {
        """ + body + """
            return e - s + 0.5 * sumSquares(x);
          }
        }
        """;
    Compilation c = Compile.compile(List.of(), Compile.source("big.Big", source));
    assertThat(c).succeededWithoutWarnings();
    String generated = c.generatedSourceFile("big.BigModel").orElseThrow().getCharContent(true).toString();
    assertThat(generated).contains("private void energy_part2(");
    assertThat(generated).contains("private void accumulateGradient_part2(");
    assertThat(ModelChecker.check(Compile.load(c).loadClass("big.Big"), Map.of("n", 12, "k", 3), 1)).isGreaterThan(100);
  }
}
