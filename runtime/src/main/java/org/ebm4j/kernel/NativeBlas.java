package org.ebm4j.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Points netlib's JNI BLAS at the OpenBLAS that ships in {@code org.bytedeco:openblas}'s platform jar,
 * so that a machine with nothing but Java and Maven runs native BLAS rather than netlib's plain-Java
 * fallback (about 7× slower on a 1000² dgemm here). Must run before netlib's first {@code getInstance}.
 *
 * <p>The choice is the system property {@code ebm4j.blas}: {@code auto} (default: the bundled
 * library where this platform has one, else netlib's own search for the system's
 * {@code libblas.so.3}), {@code bundled}, {@code system}, or {@code java} (no native code). netlib's
 * own {@code dev.ludovic.netlib.blas.nativeLib}/{@code nativeLibPath}, when set, win over all of
 * these: whoever set them chose a library on purpose.
 */
final class NativeBlas {
  static final String PROPERTY = "ebm4j.blas";
  private static final String NETLIB_LIB = "dev.ludovic.netlib.blas.nativeLib";
  private static final String NETLIB_PATH = "dev.ludovic.netlib.blas.nativeLibPath";
  private static final String BYTEDECO = "org/bytedeco/openblas/";
  /** libopenblas and what it links (its RUNPATH is $ORIGIN, so they only need to sit beside it). */
  private static final List<String> LIBRARIES =
      List.of("libopenblas.so.0", "libgfortran.so.5", "libquadmath.so.0", "libgcc_s.so.1");

  private NativeBlas() {}

  /** Sets netlib's properties for the chosen library and says, for people, what was chosen. */
  static String configure() {
    if (System.getProperty(NETLIB_LIB) != null || System.getProperty(NETLIB_PATH) != null) {
      return "the library named by -D" + (System.getProperty(NETLIB_PATH) != null
          ? NETLIB_PATH + "=" + System.getProperty(NETLIB_PATH) : NETLIB_LIB + "=" + System.getProperty(NETLIB_LIB));
    }
    String choice = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
    switch (choice) {
      case "java":
        // netlib has no switch for this; a path that cannot load sends it to its Java backends.
        System.setProperty(NETLIB_PATH, "/ebm4j.blas=java/no-native-library");
        return "plain Java, as -D" + PROPERTY + "=java asks";
      case "system":
        return "the system's libblas.so.3, as -D" + PROPERTY + "=system asks";
      case "auto":
      case "bundled":
        String bundled = bundled();
        if (bundled.startsWith("/")) {
          System.setProperty(NETLIB_PATH, bundled);
          return "OpenBLAS " + version() + " from org.bytedeco:openblas (" + bundled + ")";
        }
        return (choice.equals("bundled") ? "no bundled OpenBLAS (" : "the system's libblas.so.3; no bundled OpenBLAS (")
            + bundled + ")";
      default:
        throw new IllegalArgumentException("-D" + PROPERTY + "=" + choice
            + " is not a BLAS choice; use auto, bundled, system or java");
    }
  }

  /** The extracted library's absolute path, or why there is none. */
  private static String bundled() {
    String platform = platform();
    if (platform == null) {
      return "netlib has native BLAS only on Linux x86-64 and arm64, this is "
          + System.getProperty("os.name") + " " + System.getProperty("os.arch");
    }
    String prefix = BYTEDECO + platform + "/";
    ClassLoader loader = NativeBlas.class.getClassLoader();
    if (loader.getResource(prefix + LIBRARIES.get(0)) == null) {
      return "org.bytedeco:openblas:" + platform + " is not on the class path";
    }
    try {
      Path dir = extractInto(cacheDir(platform), prefix, loader);
      return dir.resolve(LIBRARIES.get(0)).toAbsolutePath().toString();
    } catch (IOException e) {
      return "could not extract it: " + e.getMessage();
    }
  }

  /**
   * Unpacks once per user and version (about 40 MB): later runs find the files in place. Each file
   * is written under a temporary name and moved, so two JVMs starting together never load half a file.
   */
  private static Path extractInto(Path dir, String prefix, ClassLoader loader) throws IOException {
    Files.createDirectories(dir);
    for (String name : LIBRARIES) {
      URL url = loader.getResource(prefix + name);
      if (url == null) {
        continue; // a platform whose build links fewer runtime libraries
      }
      Path target = dir.resolve(name);
      long size = url.openConnection().getContentLengthLong();
      if (Files.isRegularFile(target) && size >= 0 && Files.size(target) == size) {
        continue;
      }
      Path partial = Files.createTempFile(dir, name, ".part");
      try (InputStream in = url.openStream()) {
        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(partial);
      }
    }
    return dir;
  }

  /** ~/.cache/ebm4j/openblas-VERSION-PLATFORM, or a fresh temporary folder when home is not writable. */
  private static Path cacheDir(String platform) throws IOException {
    String leaf = "openblas-" + version() + "-" + platform;
    Path home = Path.of(System.getProperty("user.home", "."));
    Path cache = home.resolve(".cache").resolve("ebm4j").resolve(leaf);
    try {
      Files.createDirectories(cache);
      if (Files.isWritable(cache)) {
        return cache;
      }
    } catch (IOException | SecurityException e) {
      // fall through to a private temporary folder
    }
    return Files.createTempDirectory("ebm4j-" + leaf);
  }

  /** bytedeco's platform names, for the platforms netlib has a JNI library for. */
  private static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!os.contains("linux")) {
      return null;
    }
    if (arch.equals("amd64") || arch.equals("x86_64")) {
      return "linux-x86_64";
    }
    return arch.equals("aarch64") || arch.equals("arm64") ? "linux-arm64" : null;
  }

  private static String version() {
    try (InputStream in = NativeBlas.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.bytedeco/openblas/pom.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      }
    } catch (IOException e) {
      // the version only names the cache folder
    }
    return "unknown";
  }
}
