package org.ebm4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled OpenBLAS is what runs on a machine with nothing but Java and Maven (by default it is
 * chosen whether or not the machine has a libblas.so.3, so the system's cannot be what loads). Each
 * case starts a JVM of its own, because netlib picks its backend once per JVM, with an empty home
 * of its own, so the extraction starts from nothing.
 */
@EnabledOnOs(value = OS.LINUX, architectures = "amd64")
class NativeBlasTest {
  @TempDir Path home;

  /** Prints Blas.description() and the largest error of a native dgemm against the loops. */
  public static void main(String[] args) {
    int m = 70;
    int n = 90;
    int k = 110;
    var rng = new java.util.SplittableRandom(3);
    double[] a = new double[m * k];
    double[] b = new double[k * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = rng.nextDouble() - 0.5;
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = rng.nextDouble() - 0.5;
    }
    double[] c = new double[m * n];
    Blas.gemm(false, false, m, n, k, 1.0, a, 0, k, b, 0, n, 0.0, c, 0, n);
    double worst = 0;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int t = 0; t < k; t++) {
          s += a[i * k + t] * b[t * n + j];
        }
        worst = Math.max(worst, Math.abs(s - c[i * n + j]));
      }
    }
    System.out.println(Blas.backend() + "|" + worst + "|" + Blas.description());
  }

  @Test
  void withoutAnySystemBlasTheBundledOpenBlasRunsNativeAndCorrect() throws Exception {
    String[] out = run().split("\\|");
    assertEquals("JNIBLAS", out[0], String.join("|", out));
    assertTrue(Double.parseDouble(out[1]) < 1e-12, "native dgemm differs from the loops by " + out[1]);
    assertTrue(out[2].contains("org.bytedeco:openblas") && out[2].contains(home.toString()), out[2]);
    assertTrue(Files.isRegularFile(home.resolve(".cache/ebm4j").toFile().listFiles()[0].toPath().resolve("libopenblas.so.0")));
    // A second start finds the extracted files in place.
    assertEquals("JNIBLAS", run().split("\\|")[0]);
  }

  @Test
  void aNamedLibraryThatDoesNotLoadFallsBackToJavaAndSaysSo() throws Exception {
    String[] out = run("-Ddev.ludovic.netlib.blas.nativeLib=libebm4j-no-such-blas.so.3").split("\\|");
    assertTrue(out[0].contains("Java"), String.join("|", out));
    assertTrue(Double.parseDouble(out[1]) < 1e-12);
    assertTrue(out[2].contains("plain Java") && out[2].contains("libebm4j-no-such-blas.so.3"), out[2]);
  }

  @Test
  void javaChoiceRunsJava() throws Exception {
    String[] out = run("-Debm4j.blas=java").split("\\|");
    assertTrue(out[0].contains("Java"), String.join("|", out));
    assertTrue(out[2].contains("-Debm4j.blas=java"), out[2]);
  }

  private String run(String... properties) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Duser.home=" + home);
    cmd.addAll(List.of(properties));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(NativeBlasTest.class.getName());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, p.waitFor(), text);
    String[] lines = text.split("\n");
    return lines[lines.length - 1];
  }
}
