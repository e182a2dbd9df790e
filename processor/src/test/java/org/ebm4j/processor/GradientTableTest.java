package org.ebm4j.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaFileObject;
import org.ebm4j.check.ModelChecker;
import org.ebm4j.processor.ir.Op;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The AD table: one small model per primitive (and per construct of the body subset), compiled by
 * the real processor and checked against its own spec class: energy to 1e-9, gradients against
 * central differences, capabilities against brute force. Every {@link Op} must appear, in an
 * energy or in a derived program (the gradient dumps).
 */
class GradientTableTest {

  /** name, variables, body; parameters a (scalar), b, c (vectors over n), w (n×m), u (m×n), q (n×n). */
  record Case(String name, String variables, String body, Map<String, Integer> dims) {}

  static final String REAL_X = "@Visible @Real @Shape(\"n\") double[] x";
  static final String REAL_XY = REAL_X + ", @Latent @Real @Shape(\"m\") double[] y";
  static final Map<String, Integer> DIMS = Map.of("n", 3, "m", 2);

  static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    c.add(new Case("Neg", REAL_X, "return -dot(b, x) - (-a * x[0]);", DIMS));
    c.add(new Case("ExpScalar", REAL_X, "return Math.exp(a * x[0]) + x[1] * x[1];", DIMS));
    c.add(new Case("ExpVector", REAL_X, "return sum(exp(scale(a, x)));", DIMS));
    c.add(new Case("LogScalar", REAL_X, "return Math.log(1 + x[0] * x[0] + a * a);", DIMS));
    c.add(new Case("LogVector", REAL_X, "return sum(log(add(square(x), exp(b))));", DIMS));
    c.add(new Case("Log1p", REAL_X, "return Math.log1p(square(a * x[0])) + b[1] * x[2];", DIMS));
    c.add(new Case("Sqrt", REAL_X, "return Math.sqrt(1 + sumSquares(x) * a * a);", DIMS));
    c.add(new Case("TanhScalar", REAL_X, "return Math.tanh(dot(b, x) + a);", DIMS));
    c.add(new Case("TanhVector", REAL_X, "return dot(c, tanh(add(x, b)));", DIMS));
    c.add(new Case("Pow", REAL_X, "return Math.pow(1 + x[0] * x[0], 1.5) * a + Math.pow(x[1] * b[1], 2) + Math.pow(x[2] + a, 3) + Math.pow(1 + square(x[2]), -0.5);", DIMS));
    c.add(new Case("SoftplusScalar", REAL_X, "return softplus(dot(b, x)) - softplus(-a);", DIMS));
    c.add(new Case("SoftplusVector", REAL_X, "return sum(softplus(sub(x, b)));", DIMS));
    c.add(new Case("SigmoidScalar", REAL_X, "return sigmoid(a * x[0] + b[0]) * x[1];", DIMS));
    c.add(new Case("SigmoidVector", REAL_X, "return dot(sigmoid(x), c);", DIMS));
    c.add(new Case("SquareScalar", REAL_X, "return square(x[0] - a) + square(b[1]) * x[1];", DIMS));
    c.add(new Case("SquareVector", REAL_X, "return dot(b, square(x));", DIMS));
    c.add(new Case("LogSigmoid", REAL_X, "return -sum(logSigmoid(add(x, b))) - logSigmoid(a * x[0] - 40) + 0.5 * sumSquares(x);", DIMS));
    c.add(new Case("LogCosh", REAL_X, "return sum(logCosh(sub(x, b))) + logCosh(a * x[0] + 30) + 0.1 * sumSquares(x);", DIMS));
    c.add(new Case("LocalsNamedLikeGeneratedCode", REAL_X, "double grad = sum(x);\n double k0 = grad * a;\n double[] energy_t5 = tanh(x);\n double weight = dot(energy_t5, b);\n double scale = k0 + weight;\n double t3 = scale * scale;\n return t3 + sumSquares(x);", DIMS));
    c.add(new Case("Arithmetic", REAL_X, "double e = a * x[0] - b[1] / (2 + c[0] * c[0]) + x[1] * x[2] / (1 + a * a);\n e *= 0.5; e /= 1.5; e -= x[0]; e += 1; e++;\n return e;", DIMS));
    c.add(new Case("VectorAddSubScale", REAL_X, "double[] z = sub(add(x, b), scale(c, a));\n z = add(z, scale(0.5, x));\n return sumSquares(z);", DIMS));
    c.add(new Case("Dot", REAL_X, "return dot(x, x) * a + dot(b, c);", DIMS));
    c.add(new Case("Sum", REAL_X, "return sum(x) * a + sum(b);", DIMS));
    c.add(new Case("SumSquares", REAL_X, "return sumSquares(sub(x, b)) * 0.5;", DIMS));
    c.add(new Case("LogSumExp", REAL_X, "return logSumExp(add(x, b)) + 0.1 * sumSquares(x);", DIMS));
    c.add(new Case("Bilinear", REAL_XY, "return 0.5 * sumSquares(x) + 0.5 * sumSquares(y) - bilinear(x, w, y) - bilinear(tanh(x), w, y);", DIMS));
    c.add(new Case("Matvec", REAL_XY, "return 0.5 * sumSquares(y) - dot(y, matvec(u, x)) + sum(softplus(matvec(w, y)));", DIMS));
    c.add(new Case("Vecmat", REAL_XY, "return 0.5 * sumSquares(x) - dot(vecmat(x, w), y) + sum(tanh(vecmat(tanh(x), w)));", DIMS));
    c.add(new Case("AffineLayers", REAL_X, "return 0.5 * sumSquares(x) - sum(tanh(vecmat(x, w))) + 0.2 * sum(softplus(vecmat(x, w))) / (1 + sumSquares(x)) + 0.3 * sum(softplus(matvec(u, x))) + logSumExp(matvec(u, x));", DIMS));
    c.add(new Case("QuadraticForm", REAL_X, "return 0.5 * sumSquares(x) + 0.2 * bilinear(x, q, x) + 0.1 * bilinear(tanh(scale(a, x)), q, x) + sum(softplus(add(x, b)));", DIMS));
    c.add(new Case("ElementVectorMatrix", REAL_XY, "double e = 0;\n for (int i = 0; i < x.length; i++) {\n for (int j = 0; j < y.length; j++) {\n e -= w[i][j] * x[i] * y[j];\n }\n e += 0.5 * x[i] * x[i];\n }\n for (int j = 0; j < y.length; j++) { e += 0.5 * y[j] * y[j]; }\n return e;", DIMS));
    c.add(new Case("Row", REAL_XY, "double e = 0.5 * sumSquares(y);\n for (int j = 0; j < u.length; j++) {\n e -= y[j] * Math.tanh(dot(u[j], x));\n }\n return e;", DIMS));
    c.add(new Case("IntAsDouble", REAL_X, "double e = 0;\n for (int i = 0; i < x.length; i++) { e += (i + 1) * x[i] * x[i] + (double) i * b[i]; }\n return e + x.length * a;", DIMS));
    c.add(new Case("IfOnIndices", REAL_X, "double e = 0;\n for (int i = 0; i < x.length; i++) {\n if (i % 2 == 0 && i != 1) { e += x[i] * b[i]; } else if (i > 0) { e -= square(x[i]); } else { e += a; }\n }\n return e;", DIMS));
    c.add(new Case("NestedPartialSums", REAL_X + ", @Latent @Binary @Shape(\"m\") double[] h", "double e = 0.5 * sumSquares(x);\n for (int j = 0; j < h.length; j++) {\n double s = 0;\n for (int i = 0; i < x.length; i++) { s += w[i][j] * x[i]; }\n e -= h[j] * s + c[j % x.length] * h[j];\n }\n return e;", DIMS));
    c.add(new Case("AccumulateByAssignment", REAL_X, "double e = 0;\n for (int i = 0; i < x.length; i++) { e = e + x[i] * b[i]; e = e - 0.5 * x[i] * x[i]; e = a * x[i] + e; }\n return -e;", DIMS));
    c.add(new Case("TriangularLoops", "@Visible @Spin @Shape(\"n\") double[] s", "double e = 0;\n int n = s.length;\n for (int i = 0; i < n; i++) {\n for (int j = i + 1; j <= n - 1; j++) { e -= w[i][j % 2] * s[i] * s[j]; }\n }\n return e - dot(b, s);", DIMS));
    c.add(new Case("ScalarVariables", "@Visible @Real double x0, @Visible @Binary double v, @Latent @Spin double s", "return 0.5 * x0 * x0 - a * x0 * s - b[0] * v * s - c[1] * v;", DIMS));
    c.add(new Case("QualifiedOpsAndConstants", REAL_X, "return org.ebm4j.dsl.Ops.sumSquares(x) * HALF + Math.PI * this.a + SHIFT * x[0];", DIMS));
    c.add(new Case("LogDensityMethod", REAL_X, "return -0.5 * sumSquares(sub(x, b));", DIMS));
    c.add(new Case("VarLocals", REAL_X, "var z = tanh(x);\n var k = x.length;\n var e = dot(z, b) * k;\n return e + 0.5 * sumSquares(x);", DIMS));
    return c;
  }

  static String source(Case c) {
    boolean logDensity = c.name().equals("LogDensityMethod");
    return """
        package gradients;
        import static org.ebm4j.dsl.Ops.*;
        import org.ebm4j.dsl.*;
        @EnergyModel
        public class %s {
          static final double HALF = 0.5;
          static final int SHIFT = 2;
          @Param(init = "constant(0.7)") double a;
          @Param(shape = "n", init = "normal(1)") double[] b;
          @Param(shape = "n", init = "uniform(-1, 1)") double[] c;
          @Param(shape = {"n", "m"}, init = "normal(0.5)") double[][] w;
          @Param(shape = {"m", "n"}, init = "normal(0.5)") double[][] u;
          @Param(shape = {"n", "n"}, init = "normal(0.3)") double[][] q;
          @%s
          double energy(%s) {
            %s
          }
        }
        """.formatted(c.name(), logDensity ? "LogDensity" : "Energy", c.variables(), c.body());
  }

  private static Compilation compilation;
  private static ClassLoader loader;
  /** The same models compiled with every optimisation pass off. */
  private static ClassLoader unoptimised;

  @BeforeAll
  static void compileAll() {
    JavaFileObject[] sources = cases().stream().map(c -> Compile.source("gradients." + c.name(), source(c))).toArray(JavaFileObject[]::new);
    compilation = Compile.compile(List.of("-Aebm4j.dump=ir,grad"), sources);
    assertThat(compilation).succeededWithoutWarnings();
    loader = Compile.load(compilation);
    Compilation plain = Compile.compile(List.of("-Aebm4j.passes=none"), sources);
    assertThat(plain).succeededWithoutWarnings();
    unoptimised = Compile.load(plain);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void generatedGradientMatchesFiniteDifferences(Case c) throws ClassNotFoundException {
    Class<?> spec = loader.loadClass("gradients." + c.name());
    for (long seed = 1; seed <= 2; seed++) {
      assertThat(ModelChecker.check(spec, c.dims(), seed)).isGreaterThan(10);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientWithoutOptimisationPassesMatchesToo(Case c) throws ClassNotFoundException {
    assertThat(ModelChecker.check(unoptimised.loadClass("gradients." + c.name()), c.dims(), 3)).isGreaterThan(10);
  }

  @Test
  void everyOpIsCovered() {
    EnumSet<Op> seen = EnumSet.noneOf(Op.class);
    Pattern op = Pattern.compile("= ([a-zA-Z0-9]+)\\(");
    for (var note : compilation.notes()) {
      Matcher m = op.matcher(note.getMessage(null));
      while (m.find()) {
        for (Op o : Op.values()) {
          if (o.spelling().equals(m.group(1))) {
            seen.add(o);
          }
        }
      }
    }
    EnumSet<Op> missing = EnumSet.allOf(Op.class);
    missing.removeAll(seen);
    // signum appears only in the partials of share-exp's ops, which run after all differentiation.
    missing.remove(Op.SIGNUM);
    assertThat(missing).isEmpty();
  }
}
