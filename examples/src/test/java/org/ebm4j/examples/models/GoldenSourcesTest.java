package org.ebm4j.examples.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated sources of the example models against committed golden copies, so that every
 * change to generated code shows up in review as a diff of {@code src/test/resources/golden}.
 * After an intended change, refresh the copies with {@code mvn -pl examples test
 * -Debm4j.updateGolden=true -Dtest=GoldenSourcesTest} and review the diff.
 */
class GoldenSourcesTest {
  private static final Path GENERATED = Path.of("target/generated-sources/annotations/org/ebm4j/examples/models");
  private static final Path GOLDEN = Path.of("src/test/resources/golden");

  static List<String> models() {
    return List.of("RbmModel", "SpinRbmModel", "GaussianBernoulliRbmModel", "FullyVisibleBmModel", "TanhEnergyModel");
  }

  @ParameterizedTest
  @MethodSource("models")
  void generatedSourceEqualsGoldenCopy(String model) throws IOException {
    Path generated = GENERATED.resolve(model + ".java");
    assertTrue(Files.exists(generated), "the processor did not generate " + generated);
    String actual = Files.readString(generated, StandardCharsets.UTF_8);
    Path golden = GOLDEN.resolve(model + ".java.txt");
    if (Boolean.getBoolean("ebm4j.updateGolden")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
    }
    assertTrue(Files.exists(golden), "no golden copy " + golden + "; run with -Debm4j.updateGolden=true");
    assertEquals(
        Files.readString(golden, StandardCharsets.UTF_8),
        actual,
        model + " differs from its golden copy; if the change is intended, run with -Debm4j.updateGolden=true and review the diff");
  }
}
