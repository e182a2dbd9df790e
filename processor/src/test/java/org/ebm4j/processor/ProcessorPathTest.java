package org.ebm4j.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.JavaFile;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.ebm4j.check.ModelChecker;
import org.ebm4j.model.EnergyModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A newcomer's build: plain javac with the processor found on {@code -processorpath} (through its
 * AutoService registration), only the runtime on the class path, and {@code -Xlint:all -Werror}.
 */
class ProcessorPathTest {

  static final String ISING =
      """
      package com.example.physics;

      import org.ebm4j.dsl.Energy;
      import org.ebm4j.dsl.EnergyModel;
      import org.ebm4j.dsl.Param;
      import org.ebm4j.dsl.Shape;
      import org.ebm4j.dsl.Spin;
      import org.ebm4j.dsl.Visible;

      /** A periodic Ising chain with a field: E(s) = −J Σ s_i s_{i+1} − Σ h_i s_i. */
      @EnergyModel(name = "Chain")
      public class IsingChain {
        @Param(init = "constant(0.5)")
        double coupling;

        @Param(shape = "sites", init = "uniform(-0.1, 0.1)")
        double[] field;

        @Energy
        public double energy(@Visible @Spin @Shape("sites") double[] s) {
          int n = s.length;
          double e = 0;
          for (int i = 0; i < n; i++) {
            e -= coupling * s[i] * s[(i + 1) % n] + field[i] * s[i];
          }
          return e;
        }
      }
      """;

  static Path codeSource(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void plainJavacWithProcessorPath(@TempDir Path dir) throws Exception {
    Path src = dir.resolve("src/com/example/physics/IsingChain.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, ISING, StandardCharsets.UTF_8);
    Path out = dir.resolve("classes");
    Files.createDirectories(out);
    String processorPath = String.join(File.pathSeparator,
        codeSource(EnergyModelProcessor.class).toString(), codeSource(JavaFile.class).toString(), codeSource(EnergyModel.class).toString());
    List<String> args = new ArrayList<>(List.of(
        "-Xlint:all", "-Werror", "-processorpath", processorPath, "-cp", codeSource(EnergyModel.class).toString(),
        "-d", out.toString(), "-s", dir.resolve("generated").toString(), src.toString()));
    Files.createDirectories(dir.resolve("generated"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
    int status = javac.run(null, log, log, args.toArray(String[]::new));
    assertEquals(0, status, "javac failed:\n" + log);
    assertTrue(Files.exists(dir.resolve("generated/com/example/physics/Chain.java")));
    try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()}, getClass().getClassLoader())) {
      Class<?> spec = loader.loadClass("com.example.physics.IsingChain");
      assertTrue(ModelChecker.check(spec, Map.of("sites", 5), 3) > 10);
      EnergyModel chain = (EnergyModel) loader.loadClass("com.example.physics.Chain").getMethod("create", Map.class, long.class).invoke(null, Map.of("sites", 4), 1L);
      // All spins up: E = −4J − Σh; coupling was initialised to 0.5.
      double[] up = {1, 1, 1, 1};
      double fieldSum = 0;
      for (int i = 1; i <= 4; i++) {
        fieldSum += chain.params()[i];
      }
      assertEquals(-4 * 0.5 - fieldSum, chain.energy(up), 1e-12);
    }
  }

  @Test
  void generatedSourceIsDeterministic() throws IOException {
    String first = generated();
    String second = generated();
    assertEquals(first, second);
    assertTrue(first.contains("public final class Chain implements EnergyModel, SiteConditionals"), first.substring(0, 600));
  }

  private static String generated() throws IOException {
    var compilation = Compile.compile(Compile.source("com.example.physics.IsingChain", ISING));
    return compilation.generatedSourceFile("com.example.physics.Chain").orElseThrow().getCharContent(true).toString();
  }
}
