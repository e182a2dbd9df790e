package org.ebm4j.processor;

import static com.google.common.truth.Truth.assertWithMessage;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.ebm4j.check.ModelChecker;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of random valid energies compile without a diagnostic and agree with their spec
 * (energy, gradients against finite differences, every proven capability) under {@link
 * ModelChecker}. Seeded; the default run checks {@code 200} models; a larger run:
 * {@code mvn -pl processor test -Dtest=RandomEnergyPropertyTest -Debm4j.randomEnergies=3000}.
 */
class RandomEnergyPropertyTest {
  private static final int BATCH = 40;

  @Test
  void randomValidEnergiesCompileFaithfully() throws Exception {
    int total = Integer.getInteger("ebm4j.randomEnergies", 200);
    long seed = Long.getLong("ebm4j.randomSeed", 11);
    int checks = 0;
    for (int from = 0; from < total; from += BATCH) {
      List<RandomEnergies.Spec> specs = RandomEnergies.batch("rnd", from, Math.min(BATCH, total - from), seed);
      List<JavaFileObject> sources = new ArrayList<>();
      for (RandomEnergies.Spec s : specs) {
        sources.add(Compile.source("rnd." + s.name(), s.source()));
      }
      Compilation c = Compile.compile(List.of(), sources.toArray(new JavaFileObject[0]));
      assertWithMessage("diagnostics for random energies %s..%s (seed %s):\n%s", from, from + specs.size() - 1, seed, c.diagnostics())
          .that(c.diagnostics().stream().filter(d -> d.getKind() != javax.tools.Diagnostic.Kind.NOTE).toList()).isEmpty();
      ClassLoader loader = Compile.load(c);
      for (RandomEnergies.Spec s : specs) {
        try {
          checks += ModelChecker.check(loader.loadClass("rnd." + s.name()), s.dims(), 5);
        } catch (AssertionError | RuntimeException e) {
          throw new AssertionError(s.name() + " " + s.dims() + " is not compiled faithfully:\n" + s.source() + "\n" + e.getMessage(), e);
        }
      }
    }
    assertWithMessage("comparisons").that(checks).isGreaterThan(total * 10);
  }
}
