package org.ebm4j.processor;

import static com.google.common.truth.Truth.assertWithMessage;

import com.google.testing.compile.Compilation;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.tools.Diagnostic;
import org.ebm4j.check.ModelChecker;
import org.junit.jupiter.api.Test;

/**
 * Declarations mutated at random — names that clash between parameters, variables, dimensions and
 * generated identifiers; modifiers of classes and fields; nesting; annotation values mistyped,
 * unresolved, non-finite or out of range — are either rejected with errors at a line (never an
 * internal one, EBM100) or compiled into a model that agrees with its spec under {@link
 * ModelChecker}. Seeded; {@code -Debm4j.declarationTrials=2000} runs more.
 */
class DeclarationFuzzTest {
  private static final String[] NAMES = {"b", "v", "w", "n", "m", "x", "e", "offset", "stateSize", "seed", "rng", "params", "state", "energy",
      "size_n", "builder", "layout", "variables", "dstate", "at", "k"};
  private static final String[] FIELD_MODIFIERS = {"", "", "", "final ", "static ", "private ", "public ", "protected ", "transient ", "volatile "};
  private static final String[] INITS = {"zeros", "constant(1)", "constant(NaN)", "constant(Infinity)", "normal(0.1)", "normal(-1)", "uniform(1,0)",
      "uniform(0,1)", "gaussian(1)", "normal(1e400)", "constant(1e308)", "uniform(-1, 1)", " normal( 0.5 ) ", "constant()", ""};
  private static final String[] MODEL_NAMES = {null, null, "\"Bad Name\"", "\"Other\"", "\"Spec\"", "\"class\"", "NAME", "\"A\" + \"B\"", "\"\"", "\"9x\""};
  private static final String[] CLASS_MODIFIERS = {"", "", "final ", "abstract "};

  @Test
  void mutatedDeclarationsAreRejectedAtALineOrCompiledFaithfully() throws Exception {
    int trials = Integer.getInteger("ebm4j.declarationTrials", 80);
    SplittableRandom rng = new SplittableRandom(Long.getLong("ebm4j.declarationSeed", 7));
    int compiled = 0;
    int rejected = 0;
    for (int trial = 0; trial < trials; trial++) {
      String param = pick(rng, NAMES);
      String variable = pick(rng, NAMES);
      String dim = pick(rng, NAMES);
      String shape = rng.nextInt(4) == 0 ? pick(rng, "DIM", "UNDEFINED", "3", "\"\"", "\"1n\"", "{\"" + dim + "\", \"" + dim + "\"}") : "\"" + dim + "\"";
      String modifier = pick(rng, FIELD_MODIFIERS);
      String initializer = modifier.equals("final ") && rng.nextBoolean() ? " = null" : "";
      String modelName = pick(rng, MODEL_NAMES);
      int nesting = rng.nextInt(6);
      String body = "return -dot(this." + param + ", " + variable + ") + 0.5 * sumSquares(" + variable + ");";
      String spec = "@EnergyModel" + (modelName == null ? "" : "(name = " + modelName + ")") + "\n"
          + (nesting == 1 ? "static " : "") + (nesting == 0 ? "public " : "") + pick(rng, CLASS_MODIFIERS) + "class Spec {\n"
          + "  static final String DIM = \"" + dim + "\";\n"
          + "  @Param(shape = " + shape + ", init = \"" + pick(rng, INITS) + "\") " + modifier + "double[] " + param + initializer + ";\n"
          + "  @Energy double energy(@Visible @Real @Shape(\"" + dim + "\") double[] " + variable + ") {\n    " + body + "\n  }\n}\n";
      String source = "package fz;\nimport static org.ebm4j.dsl.Ops.*;\nimport org.ebm4j.dsl.*;\n"
          + switch (nesting) {
            case 1 -> "public class Outer {\n" + spec + "}\n";
            case 2 -> "public class Outer {\n" + spec + "}\n";
            case 3 -> "public class Outer {\n void method() {\n" + spec.replace("static final String DIM", "final String DIM") + " }\n}\n";
            default -> spec;
          };
      boolean nested = nesting >= 1 && nesting <= 3;
      String file = nested ? "fz.Outer" : "fz.Spec";
      Compilation c = Compile.compile(Compile.source(file, source));
      for (Diagnostic<?> d : c.diagnostics()) {
        assertWithMessage("internal error for:\n%s", source).that(d.getMessage(null)).doesNotContain("[EBM100]");
        if (d.getKind() == Diagnostic.Kind.ERROR) {
          assertWithMessage("error without a line for:\n%s\n%s", source, d.getMessage(null)).that(d.getLineNumber()).isGreaterThan(0L);
        }
      }
      if (c.status() == Compilation.Status.SUCCESS) {
        boolean generated = c.generatedSourceFiles().stream().anyMatch(f -> f.getName().contains("fz/"));
        assertWithMessage("compiled without a model or an error:\n%s", source).that(generated).isTrue();
        String binary = nested ? "fz.Outer$Spec" : "fz.Spec";
        try {
          ModelChecker.check(Compile.load(c).loadClass(binary), Map.of(dim, 3), trial);
        } catch (AssertionError | RuntimeException | ClassNotFoundException e) {
          throw new AssertionError("compiled unfaithfully:\n" + source + "\n" + e, e);
        }
        compiled++;
      } else {
        rejected++;
      }
    }
    // Both outcomes must occur for the test to mean anything.
    assertWithMessage("compiled").that(compiled).isGreaterThan(trials / 20);
    assertWithMessage("rejected").that(rejected).isGreaterThan(trials / 4);
  }

  private static String pick(SplittableRandom rng, String... options) {
    return options[rng.nextInt(options.length)];
  }
}
