package org.ebm4j.processor;

import static com.google.common.truth.Truth.assertWithMessage;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Malformed specs never crash the processor: valid models mutated at random (lines dropped,
 * tokens swapped) either compile or fail with ordinary errors, never with an internal one.
 */
class MalformedSpecTest {
  private static final String[] TOKENS = {
    "v", "h", "w", "b", "a", "x", "i", "j", "0", "1.5", "+", "-", "*", "/", "(", ")", "[", "]",
    "dot", "matvec", "tanh", "Math.exp", "for", "if", "return", "double", "int", "=", "+=", ";", ",",
    ".length", "null", "new", "this", "e", "@Param", "@Shape(\"n\")", "double[]"
  };

  @Test
  void mutatedModelsNeverCauseInternalErrors() {
    List<String> seeds = new ArrayList<>();
    seeds.add(FrontendAndStructureTest.SMALL);
    seeds.add(ProcessorPathTest.ISING);
    for (GradientTableTest.Case c : GradientTableTest.cases().subList(0, 36)) {
      seeds.add(GradientTableTest.source(c).replace("class " + c.name(), "class Small").replace("package gradients;", "package t;"));
    }
    SplittableRandom rng = new SplittableRandom(2024);
    int compiled = 0;
    for (int trial = 0; trial < 120; trial++) {
      String source = mutate(seeds.get(rng.nextInt(seeds.size())), rng);
      String name = source.contains("class IsingChain") ? "com.example.physics.IsingChain" : "t.Small";
      Compilation c = Compile.compile(Compile.source(name, source));
      for (var d : c.diagnostics()) {
        assertWithMessage("internal error for source:\n%s", source).that(d.getMessage(null)).doesNotContain("[EBM100]");
      }
      compiled += c.status() == Compilation.Status.SUCCESS ? 1 : 0;
    }
    // Some mutations are harmless; most are not. Both kinds must occur for the test to mean anything.
    assertWithMessage("successful compilations").that(compiled).isGreaterThan(0);
    assertWithMessage("successful compilations").that(compiled).isLessThan(120);
  }

  private static String mutate(String source, SplittableRandom rng) {
    List<String> lines = new ArrayList<>(source.lines().toList());
    int edits = 1 + rng.nextInt(3);
    for (int e = 0; e < edits; e++) {
      int at = 4 + rng.nextInt(Math.max(1, lines.size() - 5));
      String line = lines.get(at);
      switch (rng.nextInt(3)) {
        case 0 -> lines.remove(at);
        case 1 -> {
          String[] words = line.split(" ", -1);
          words[rng.nextInt(words.length)] = TOKENS[rng.nextInt(TOKENS.length)];
          lines.set(at, String.join(" ", words));
        }
        default -> {
          int cut = line.isEmpty() ? 0 : rng.nextInt(line.length());
          lines.set(at, line.substring(0, cut) + " " + TOKENS[rng.nextInt(TOKENS.length)] + " " + line.substring(cut));
        }
      }
    }
    return String.join("\n", lines) + "\n";
  }
}
