package org.ebm4j.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.ebm4j.processor.diag.Problem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One compile per diagnostic: a tiny model with the mistake, compiled next to a valid model. The
 * error must carry its code and text at the offending line (marked {@code // <-}), and the valid
 * model must still be generated.
 */
class DiagnosticsTest {
  static final String GOOD =
      """
      package test;
      import static org.ebm4j.dsl.Ops.*;
      import org.ebm4j.dsl.*;
      @EnergyModel
      public class Good {
        @Param(shape = "n") double[] b;
        @Energy
        double energy(@Visible @Binary @Shape("n") double[] v) {
          return -dot(b, v);
        }
      }
      """;

  /** A model whose energy body is {@code body}. */
  static String body(String body) {
    return """
        package test;
        import static org.ebm4j.dsl.Ops.*;
        import org.ebm4j.dsl.*;
        @EnergyModel
        public class Bad {
          @Param(shape = "n") double[] b;
          @Param(shape = {"n", "m"}) double[][] w;
          @Param double a;
          double notAParam = 2;
          double helper(double x) { return x; }
          @Energy
          double energy(@Visible @Binary @Shape("n") double[] v, @Latent @Binary @Shape("m") double[] h) {
        """
        + body
        + "\n  }\n}\n";
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // Declarations.
        Arguments.of(Problem.NOT_A_CLASS, "@EnergyModel public interface Bad { } // <-", "not on interface Bad"),
        Arguments.of(Problem.NO_ENERGY_METHOD, "@EnergyModel public class Bad { // <-\n @Param double a; }", "has no @Energy method"),
        Arguments.of(Problem.TWO_ENERGY_METHODS, "@EnergyModel public class Bad {\n @Energy double e1(@Visible @Binary double v) { return v; }\n @Energy double e2(@Visible @Binary double v) { return v; } // <-\n}", "more than one @Energy"),
        Arguments.of(Problem.ENERGY_RETURN_TYPE, "@EnergyModel public class Bad {\n @Energy float e(@Visible @Binary double v) { return 1f; } // <-\n}", "it must return double"),
        Arguments.of(Problem.VARIABLE_ROLE, "@EnergyModel public class Bad {\n @Energy double e(\n @Binary double v) { return v; } // <-\n}", "exactly one of @Visible or @Latent"),
        Arguments.of(Problem.VARIABLE_DOMAIN, "@EnergyModel public class Bad {\n @Energy double e(\n @Visible double v) { return v; } // <-\n}", "exactly one of @Binary, @Spin, @Real or @Categorical"),
        Arguments.of(Problem.VARIABLE_SHAPE, "@EnergyModel public class Bad {\n @Energy double e(\n @Visible @Binary double[] v) { return v[0]; } // <-\n}", "needs @Shape(\"dim\")"),
        Arguments.of(Problem.PARAM_TYPE, "@EnergyModel public class Bad {\n @Param int n; // <-\n @Energy double e(@Visible @Binary double v) { return v; }\n}", "must be double, double[] or double[][]"),
        Arguments.of(Problem.PARAM_SHAPE, "@EnergyModel public class Bad {\n @Param(shape = \"n\") double[][] w; // <-\n @Energy double e(@Visible @Binary double v) { return v; }\n}", "needs shape with 2 dimension name(s)"),
        Arguments.of(Problem.PARAM_INIT, "@EnergyModel public class Bad {\n @Param(init = \"gaussian(1)\") double a; // <-\n @Energy double e(@Visible @Binary double v) { return a * v; }\n}", "write zeros, constant(a), normal(std) or uniform(lo,hi)"),
        Arguments.of(Problem.NO_VISIBLE, "@EnergyModel public class Bad {\n @Energy double e(@Latent @Binary double h) { return h; } // <-\n}", "has no @Visible variable"),
        Arguments.of(Problem.BAD_MODEL_NAME, "@EnergyModel(name = \"Bad Name\") public class Bad { // <-\n @Energy double e(@Visible @Binary double v) { return v; }\n}", "is not a Java class name; write a Java class name other than the spec's, such as \"BadModel\""),
        Arguments.of(Problem.ABSTRACT_SPEC, "@EnergyModel public abstract class Bad { // <-\n @Energy double e(@Visible @Binary double v) { return v; }\n}", "is abstract; the spec is also the reference implementation"),
        Arguments.of(Problem.PARAM_MODIFIER, "@EnergyModel public class Bad {\n @Param final double a = 0.5; // <-\n @Energy double e(@Visible @Binary double v) { return a * v; }\n}", "is final; the generated model sets its parameters itself, so drop 'final'"),
        Arguments.of(Problem.NAME_CLASH, "@EnergyModel public class Bad {\n @Param double v; // <-\n @Energy double e(@Visible @Binary double v) { return this.v * v; }\n}", "has the name of the energy's variable 'v'"),
        Arguments.of(Problem.PARAM_INIT, "@EnergyModel public class Bad {\n @Param(init = \"constant(NaN)\") double a; // <-\n @Energy double e(@Visible @Binary double v) { return a * v; }\n}", "has init \"constant(NaN)\""),
        Arguments.of(Problem.BAD_DIMENSION, "@EnergyModel public class Bad {\n @Param(shape = \"seed\") double[] b; // <-\n @Energy double e(@Visible @Binary double v) { return v; }\n}", "reserved by the generated builder"),
        Arguments.of(Problem.BAD_ANNOTATION_VALUE, "@EnergyModel public class Bad {\n @Param(shape = SIZE) double[] b; // <-\n @Energy double e(@Visible @Binary double v) { return v; }\n}", "the value of 'shape' in @Param on field 'b' is not a constant"),
        Arguments.of(Problem.LOCAL_SPEC, "@EnergyModel public class Bad {\n @Energy double e(@Visible @Binary double v) { return v; }\n void helper() {\n  @EnergyModel\n  class Local { // <-\n   @Energy double e(@Visible @Binary double v) { return v; }\n  }\n }\n}", "class Local is declared inside method helper()"),
        Arguments.of(Problem.PARAM_INITIALIZER, "@EnergyModel public class Bad {\n @Param double a = 0.5; // <-\n @Energy double e(@Visible @Binary double v) { return a * v; }\n}", "has an initializer (= 0.5), which the generated model never runs: it sets θ from init; drop the initializer and write @Param(init = \"constant(0.5)\")"),
        // Bodies.
        Arguments.of(Problem.UNSUPPORTED_STATEMENT, "double e = 0; int i = 0;\n while (i < v.length) { e += v[i]; } // <-\n return e;", "a while loop is not supported in an energy body; use a for loop over a declared dimension"),
        Arguments.of(Problem.UNSUPPORTED_EXPRESSION, "return v[0] > 0 ? a : 0; // <-", "conditional expression"),
        Arguments.of(Problem.ALLOCATION, "double[] z = new double[3]; // <-\n return z[0];", "allocates"),
        Arguments.of(Problem.UNKNOWN_CALL, "return helper(a); // <-", "calls a method the processor does not know"),
        Arguments.of(Problem.BAD_CALL, "return Math.abs(a); // <-", "Math.abs is not supported"),
        Arguments.of(Problem.NON_INTEGER_CONDITION, "double e = 0;\n if (v[0] > 0.5) { e += a; } // <-\n return e;", "branches on a double value"),
        Arguments.of(Problem.FIELD_WRITE, "a = 1; // <-\n return a;", "writes to a field"),
        Arguments.of(Problem.ARRAY_WRITE, "b[0] = 1; // <-\n return b[0];", "writes to an array element"),
        Arguments.of(Problem.LOOP_FORM, "double e = 0;\n for (int i = 0; i < v.length; i += 2) { e += v[i]; } // <-\n return e;", "the update must be 'i++'"),
        Arguments.of(Problem.LOOP_CARRIED, "double e = 1;\n for (int i = 0; i < v.length; i++) {\n e += e * v[i]; // <-\n }\n return e;", "reads 'e' inside a for body that also adds to it"),
        Arguments.of(Problem.SHAPE_MISMATCH, "return dot(b, vecmat(v, w)) + dot(b, h); // <-", "dimension 'n' does not match dimension 'm'"),
        Arguments.of(Problem.RETURN_PLACEMENT, "double e = 0;\n if (v.length > 2) { return a; } // <-\n return e;", "returns early"),
        Arguments.of(Problem.UNKNOWN_NAME, "return a * q; // <-", "'q' is not a local variable"),
        Arguments.of(Problem.LOCAL_TYPE, "float f = 1; // <-\n return a;", "type 'float' is not supported"),
        Arguments.of(Problem.POW_EXPONENT, "return Math.pow(v[0], a); // <-", "Math.pow needs a constant exponent"),
        Arguments.of(Problem.INT_REASSIGNED, "int n = v.length;\n n = 3; // <-\n return a * n;", "changes the int 'n'"),
        Arguments.of(Problem.NOT_A_PARAM, "return a * notAParam; // <-", "reads field 'notAParam', which is not a @Param"),
        Arguments.of(Problem.VECTOR_AS_SCALAR, "return a + softplus(v); // <-", "where a scalar is needed"),
        Arguments.of(Problem.BAD_INDEX, "return b[0][1]; // <-", "takes at most 1 subscript(s)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reportsAtTheOffendingLine(Problem problem, String snippet, String text) {
    String source = snippet.startsWith("@EnergyModel")
        ? "package test;\nimport org.ebm4j.dsl.*;\n" + snippet + "\n"
        : body(snippet);
    long line = lineOf(source, "// <-");
    JavaFileObject bad = Compile.source("test.Bad", source);
    Compilation compilation = Compile.compile(List.of("-Aebm4j.dump=structure"), bad, Compile.source("test.Good", GOOD));
    assertThat(compilation).failed();
    List<String> ours = compilation.errors().stream().map(d -> d.getMessage(null)).filter(m -> m.contains("[EBM")).toList();
    assertThat(ours).isNotEmpty();
    assertThat(compilation).hadErrorContaining("[" + problem.code() + "]");
    assertThat(compilation).hadErrorContaining(text);
    Diagnostic<? extends JavaFileObject> error =
        compilation.errors().stream().filter(d -> d.getMessage(null).contains("[" + problem.code() + "]")).findFirst().orElseThrow();
    assertThat(error.getLineNumber()).isEqualTo(line);
    // The valid model in the same compilation went through the whole pipeline.
    assertThat(compilation).hadNoteContaining("ebm4j structure of test.Good:");
  }

  @org.junit.jupiter.api.Test
  void everyCodeHasACase() {
    EnumSet<Problem> missing = EnumSet.allOf(Problem.class);
    // EBM100 (internal error) and EBM139 (wrapped environment) are tested in EnvironmentTest.
    missing.removeAll(List.of(Problem.INTERNAL_ERROR, Problem.BUILD_TOOL));
    cases().forEach(c -> missing.remove((Problem) c.get()[0]));
    assertThat(missing).isEmpty();
  }

  private static long lineOf(String text, String marker) {
    String[] lines = text.split("\n", -1);
    return Arrays.stream(lines).takeWhile(l -> !l.contains(marker)).count() + 1;
  }
}
