package org.ebm4j.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The shape of lowered element-wise code, which the gradient tests cannot see: an operand spelled
 * twice by its user (a square) is computed once, and consecutive element-wise statements of one
 * length share a loop, while a statement calling a kernel keeps a loop of its own. (Correctness of
 * the same code is GradientTableTest's and RandomEnergyPropertyTest's.)
 */
class LoweringShapeTest {
  private static final String SPEC = """
      package shapes;
      import static org.ebm4j.dsl.Ops.*;
      import org.ebm4j.dsl.*;
      @EnergyModel
      public class Layer {
        @Param(shape = "m", init = "normal(1)") double[] a;
        @Param(shape = "m", init = "normal(1)") double[] c;
        @Param(shape = {"m", "n"}, init = "normal(0.5)") double[][] w;
        @Energy
        double energy(@Visible @Real @Shape("n") double[] x) {
          return 0.5 * sumSquares(x) - dot(a, tanh(add(matvec(w, x), c)));
        }
      }
      """;

  private static String generated() throws IOException {
    Compilation c = Compile.compile(List.of(), Compile.source("shapes.Layer", SPEC));
    assertThat(c).succeededWithoutWarnings();
    for (JavaFileObject f : c.generatedSourceFiles()) {
      if (f.getName().endsWith("LayerModel.java")) {
        return f.getCharContent(true).toString();
      }
    }
    throw new AssertionError("no LayerModel generated");
  }

  @Test
  void aSquaredTanhCallsTanhOncePerEntry() throws IOException {
    // The score needs tanh' = 1 − tanh²: each statement names Kernels.tanh at most once.
    for (String statement : generated().split(";")) {
      Matcher m = Pattern.compile("Kernels\\.tanh\\(").matcher(statement);
      int calls = 0;
      while (m.find()) {
        calls++;
      }
      assertThat(calls).isAtMost(1);
    }
  }

  @Test
  void consecutiveElementwiseStatementsShareALoopButKernelCallsKeepTheirOwn() throws IOException {
    String source = generated();
    // A loop over k whose body holds two or more assignments: statements were fused.
    Matcher fused = Pattern.compile("for \\(int (k\\d+) = 0; \\1 < dim_m; \\1\\+\\+\\) \\{\\n([^}]*;\\n){2,}\\s*}").matcher(source);
    assertThat(fused.find()).isTrue();
    // No loop body both calls a kernel and holds a second statement.
    Matcher loop = Pattern.compile("for \\(int (k\\d+) = 0; \\1 < dim_m; \\1\\+\\+\\) \\{\\n([^}]*)}").matcher(source);
    while (loop.find()) {
      String body = loop.group(2);
      if (body.contains("Kernels.tanh(")) {
        assertThat(body.split(";\\n").length - 1).isAtMost(1);
      }
    }
  }
}
