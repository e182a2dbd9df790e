package org.ebm4j.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The frontend's IR for a few lines of Java, and the structure analysis's verdicts. */
class FrontendAndStructureTest {

  static final String SMALL =
      """
      package t;
      import static org.ebm4j.dsl.Ops.*;
      import org.ebm4j.dsl.*;
      @EnergyModel
      public class Small {
        @Param(shape = "n") double[] b;
        @Param(shape = {"n", "m"}) double[][] w;
        @Energy
        double energy(@Visible @Binary @Shape("n") double[] v, @Latent @Binary @Shape("m") double[] h) {
          double e = -dot(b, v);
          for (int j = 0; j < h.length; j++) {
            if (j != 0) {
              e -= h[j] * softplus(w[0][j]);
            }
          }
          return e - bilinear(v, w, h);
        }
      }
      """;

  @Test
  void irOfLoopsIfsAndAccumulators() {
    Compilation c = Compile.compile(List.of("-Aebm4j.dump=ir"), Compile.source("t.Small", SMALL));
    assertThat(c).succeeded();
    String note = c.notes().stream().map(n -> n.getMessage(null)).filter(m -> m.startsWith("ebm4j IR")).findFirst().orElseThrow();
    // javac indents the continuation lines of a diagnostic: compare line by line, trimmed.
    assertThat(note.lines().map(String::strip).toList()).isEqualTo(
        """
        ebm4j IR of t.Small:
        %0 = param(b) : [n]
        %1 = param(w) : [n, m]
        %2 = var(v) : [n]
        %3 = var(h) : [m]
        %4 = dot(%0, %2) : scalar
        %5 = neg(%4) : scalar  // e
        %10 = acc(%5) : scalar  // e
        for j#0 in [0, |m|) {
          if j#0 != 0 {
            %6 = element(%3[j#0]) : scalar
            %7 = element(%1[0, j#0]) : scalar
            %8 = softplus(%7) : scalar
            %9 = mul(%6, %8) : scalar
            %10 -= %9
          }
        }
        %11 = bilinear(%2, %1, %3) : scalar
        %12 = sub(%10, %11) : scalar
        return %12
        """.lines().map(String::strip).toList());
  }

  /** Energy body, then the expected structure text (degrees, free energy, blocks). */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // An RBM: both sides affine, latents summed out.
        "return -dot(b, v) - bilinear(v, w, h) - dot(c, h); | degrees={v=1, x=0, h=1}, latentDegree=1, freeEnergy=true, blocks={v=BINARY, h=BINARY}",
        // Latent inside a nonlinearity: no free energy, h not a block.
        "return -dot(b, v) - sum(softplus(matvec(u, h))); | degrees={v=1, x=0, h=3}, latentDegree=3, freeEnergy=false, blocks={v=BINARY}",
        // Pairwise visible terms: v is no block, h still is.
        "double e = 0; for (int i = 0; i < v.length; i++) { for (int j = i + 1; j < v.length; j++) { e -= b[i] * v[i] * v[j]; } } return e - dot(c, h); | degrees={v=2, x=0, h=1}, latentDegree=1, freeEnergy=true, blocks={h=BINARY}",
        // Diagonal quadratic in a real variable: a Gaussian block, also when written with a loop.
        "double e = 0.5 * sumSquares(sub(x, b)); for (int i = 0; i < x.length; i++) { e += b[i] * x[i] * x[i]; } return e - dot(c, h); | degrees={v=0, x=2, h=1}, latentDegree=1, freeEnergy=true, blocks={v=BINARY, x=GAUSSIAN, h=BINARY}",
        // x_i x_j cross terms: no Gaussian block.
        "return 0.5 * sumSquares(x) + x[0] * x[1] - dot(c, h); | degrees={v=0, x=2, h=1}, latentDegree=1, freeEnergy=true, blocks={v=BINARY, h=BINARY}",
        // xᵀWx through bilinear: cross terms.
        "return 0.5 * sumSquares(x) + bilinear(x, q, x) - dot(c, h); | degrees={v=0, x=2, h=1}, latentDegree=1, freeEnergy=true, blocks={v=BINARY, h=BINARY}",
        // Latent-latent terms: not affine jointly.
        "return -dot(b, v) - h[0] * h[1]; | degrees={v=1, x=0, h=2}, latentDegree=2, freeEnergy=false, blocks={v=BINARY}",
      })
  void structureFollowsTheAlgebra(String body, String expected) {
    String source =
        """
        package t;
        import static org.ebm4j.dsl.Ops.*;
        import org.ebm4j.dsl.*;
        @EnergyModel
        public class S {
          @Param(shape = "n") double[] b;
          @Param(shape = "m") double[] c;
          @Param(shape = {"n", "m"}) double[][] w;
          @Param(shape = {"m", "m"}) double[][] u;
          @Param(shape = {"n", "n"}) double[][] q;
          @Energy
          double energy(@Visible @Binary @Shape("n") double[] v, @Visible @Real @Shape("n") double[] x,
                        @Latent @Binary @Shape("m") double[] h) {
            %s
          }
        }
        """.formatted(body);
    Compilation c = Compile.compile(List.of("-Aebm4j.dump=structure"), Compile.source("t.S", source));
    assertThat(c).succeeded();
    String note = c.notes().stream().map(n -> n.getMessage(null)).filter(m -> m.startsWith("ebm4j structure")).findFirst().orElseThrow();
    assertThat(note).contains(expected);
  }
}
