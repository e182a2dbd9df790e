package org.ebm4j.processor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random valid energies: visible and latent variables of random domains, parameters of every
 * shape, and bodies mixing whole-vector operations, scalar functions and loops, drawn from a
 * seeded generator. Real variables get a confining 0.5·Σx² so most are normalisable.
 */
final class RandomEnergies {
  private static final String[] DOMAINS = {"Binary", "Spin", "Real"};

  record Spec(String name, String source, Map<String, Integer> dims) {}

  private final SplittableRandom r;
  private boolean latent;
  private int locals;

  private RandomEnergies(SplittableRandom r) {
    this.r = r;
  }

  static Spec generate(String pkg, String name, SplittableRandom r) {
    return new RandomEnergies(r).spec(pkg, name);
  }

  private Spec spec(String pkg, String name) {
    latent = r.nextInt(3) > 0;
    String vd = DOMAINS[r.nextInt(3)];
    String hd = DOMAINS[r.nextInt(3)];
    StringBuilder s = new StringBuilder();
    s.append("package ").append(pkg).append(";\n")
        .append("import static org.ebm4j.dsl.Ops.*;\n")
        .append("import org.ebm4j.dsl.*;\n")
        .append("@EnergyModel\npublic class ").append(name).append(" {\n")
        .append("  @Param(shape = \"n\", init = \"normal(0.5)\") double[] b;\n")
        .append("  @Param(shape = \"n\", init = \"uniform(-1,1)\") double[] u;\n")
        .append("  @Param(init = \"constant(0.3)\") double a;\n");
    if (latent) {
      s.append("  @Param(shape = \"m\", init = \"normal(0.5)\") double[] c;\n")
          .append("  @Param(shape = {\"n\", \"m\"}, init = \"normal(0.5)\") double[][] w;\n");
    }
    s.append("  @Energy\n  double energy(@Visible @").append(vd).append(" @Shape(\"n\") double[] v");
    if (latent) {
      s.append(", @Latent @").append(hd).append(" @Shape(\"m\") double[] h");
    }
    s.append(") {\n    double e = 0;\n");
    int terms = 1 + r.nextInt(4);
    for (int t = 0; t < terms; t++) {
      s.append(term());
    }
    if (vd.equals("Real")) {
      s.append("    e += 0.5 * sumSquares(v);\n");
    }
    if (latent && hd.equals("Real")) {
      s.append("    e += 0.5 * sumSquares(h);\n");
    }
    s.append("    return e;\n  }\n}\n");
    Map<String, Integer> dims = latent ? Map.of("n", 2 + r.nextInt(3), "m", 1 + r.nextInt(3)) : Map.of("n", 2 + r.nextInt(4));
    return new Spec(name, s.toString(), dims);
  }

  private String term() {
    switch (r.nextInt(latent ? 6 : 4)) {
      case 0:
        return "    e -= dot(b, v);\n";
      case 1:
        return "    e += " + scalar(3) + ";\n";
      case 2:
        return "    for (int i = 0; i < v.length; i++) {\n      e += " + pick("b[i] * v[i]", "softplus(b[i] + a * v[i])", "u[i] * u[i] * v[i] * v[i]",
            "Math.tanh(u[i] * v[i])", "logCosh(a + v[i]) * b[i]", "square(v[i] - u[i]) * 0.25") + ";\n    }\n";
      case 3:
        locals++;
        return "    double s" + locals + " = " + scalar(2) + ";\n    e += s" + locals + " * " + scalar(1) + ";\n";
      case 4:
        return "    e -= bilinear(v, w, h);\n";
      default:
        return "    for (int i = 0; i < v.length; i++) {\n      for (int j = 0; j < h.length; j++) {\n        e "
            + pick("-= v[i] * w[i][j] * h[j]", "+= softplus(w[i][j] * v[i] + c[j] * h[j])", "-= logSigmoid(w[i][j] * v[i] * h[j] + a)")
            + ";\n      }\n    }\n";
    }
  }

  private String scalar(int depth) {
    int choice = depth <= 0 ? r.nextInt(5) : r.nextInt(14);
    return switch (choice) {
      case 0 -> "a";
      case 1 -> "sum(" + vector(depth - 1) + ")";
      case 2 -> "dot(" + vector(depth - 1) + ", " + vector(depth - 1) + ")";
      case 3 -> "sumSquares(" + vector(depth - 1) + ")";
      case 4 -> latent ? "bilinear(v, w, h)" : "logSumExp(" + vector(depth - 1) + ")";
      case 5 -> "softplus(" + scalar(depth - 1) + ")";
      case 6 -> "logSigmoid(" + scalar(depth - 1) + ")";
      case 7 -> "logCosh(" + scalar(depth - 1) + ")";
      case 8 -> "square(" + scalar(depth - 1) + ")";
      case 9 -> "Math.tanh(" + scalar(depth - 1) + ")";
      case 10 -> "sigmoid(" + scalar(depth - 1) + ")";
      case 11 -> "(" + scalar(depth - 1) + " + " + scalar(depth - 1) + ")";
      case 12 -> "(" + scalar(depth - 1) + " * " + scalar(depth - 1) + ")";
      default -> "0.5 * " + scalar(depth - 1);
    };
  }

  /** An expression of length n. */
  private String vector(int depth) {
    int choice = depth <= 0 ? r.nextInt(3) : r.nextInt(latent ? 14 : 13);
    return switch (choice) {
      case 0 -> "v";
      case 1 -> "b";
      case 2 -> "u";
      case 3 -> "add(" + vector(depth - 1) + ", " + vector(depth - 1) + ")";
      case 4 -> "sub(" + vector(depth - 1) + ", " + vector(depth - 1) + ")";
      case 5 -> "scale(a, " + vector(depth - 1) + ")";
      case 6 -> "scale(" + vector(depth - 1) + ", 0.3)";
      case 7 -> "tanh(" + vector(depth - 1) + ")";
      case 8 -> "sigmoid(" + vector(depth - 1) + ")";
      case 9 -> "softplus(" + vector(depth - 1) + ")";
      case 10 -> "logCosh(" + vector(depth - 1) + ")";
      case 11 -> "square(" + vector(depth - 1) + ")";
      case 12 -> "logSigmoid(" + vector(depth - 1) + ")";
      default -> "matvec(w, " + hidden(depth - 1) + ")";
    };
  }

  /** An expression of length m. */
  private String hidden(int depth) {
    int choice = depth <= 0 ? r.nextInt(2) : r.nextInt(6);
    return switch (choice) {
      case 0 -> "h";
      case 1 -> "c";
      case 2 -> "vecmat(" + vector(depth - 1) + ", w)";
      case 3 -> "tanh(" + hidden(depth - 1) + ")";
      case 4 -> "add(" + hidden(depth - 1) + ", " + hidden(depth - 1) + ")";
      default -> "softplus(" + hidden(depth - 1) + ")";
    };
  }

  private String pick(String... options) {
    return options[r.nextInt(options.length)];
  }

  static List<Spec> batch(String pkg, int from, int count, long seed) {
    List<Spec> specs = new ArrayList<>();
    for (int k = from; k < from + count; k++) {
      specs.add(generate(pkg, "R" + k, new SplittableRandom(seed * 1_000_003L + k)));
    }
    return specs;
  }
}
