package org.ebm4j.processor.ad;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.Interpreter;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Shape;

/** Test helpers: derived programs run by the interpreter, inputs moved along a direction. */
final class Programs {
  private Programs() {}

  /** Runs a program and returns one of its outputs (the others are written to scratch). */
  static double[] out(EnergyFunction program, Map<String, Integer> dims, Map<String, double[]> in, String output, int n) {
    Map<String, double[]> outs = new HashMap<>();
    program.values().stream().filter(v -> v.op() == Op.OUT).forEach(v -> outs.put(v.name(), new double[Math.max(1, size(v.shape(), dims))]));
    outs.put(output, new double[n]);
    new Interpreter(program, dims, in, outs).run();
    return outs.get(output);
  }

  static int size(Shape shape, Map<String, Integer> dims) {
    int n = 1;
    for (int k = 0; k < shape.rank(); k++) {
      n *= dims.get(shape.dim(k));
    }
    return n;
  }

  /** The inputs with {@code leaf} moved by s · dir. */
  static Map<String, double[]> moved(Map<String, double[]> in, String leaf, double[] dir, double s) {
    Map<String, double[]> out = new HashMap<>(in);
    double[] a = in.get(leaf).clone();
    for (int k = 0; k < a.length; k++) {
      a[k] += s * dir[k];
    }
    out.put(leaf, a);
    return out;
  }

  /** n numbers uniform in [−1, 1). */
  static double[] random(SplittableRandom rng, int n) {
    double[] a = new double[n];
    for (int k = 0; k < n; k++) {
      a[k] = rng.nextDouble(-1, 1);
    }
    return a;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      s += a[k] * b[k];
    }
    return s;
  }
}
