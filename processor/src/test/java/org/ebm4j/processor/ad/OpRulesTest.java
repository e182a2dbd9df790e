package org.ebm4j.processor.ad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ebm4j.processor.ir.Builder;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.IntExpr;
import org.ebm4j.processor.ir.Interpreter;
import org.ebm4j.processor.ir.IrVerifier;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Shape;
import org.ebm4j.processor.ir.Stmt;
import org.ebm4j.processor.ir.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each op's derivative rules in isolation, on random inputs (JAX's {@code check_grads} idea): the
 * reverse rule is the transpose of the tangent rule, ⟨t, Jᵀc⟩ = ⟨Jt, c⟩, and the tangent rule
 * agrees with central differences of the op's value. Inputs lie in [0.5, 1.5], inside every op's
 * domain.
 */
class OpRulesTest {
  static final Map<String, Integer> DIMS = Map.of("n", 3, "m", 2);
  static final Shape N = Shape.vector("n");
  static final Shape M = Shape.vector("m");
  static final Shape S = Shape.SCALAR;

  /** An op applied to operands of these shapes (with a constant for POW, subscripts for ELEMENT and ROW). */
  record Case(String name, Op op, List<Shape> shapes, double constant, List<IntExpr> indices) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    for (Op op : Op.values()) {
      if (op.kind() == Op.Kind.ELEMENTWISE && op.arity() == 1) {
        c.add(new Case(op + " vector", op, List.of(N), 0, List.of()));
        c.add(new Case(op + " scalar", op, List.of(S), 0, List.of()));
      } else if (op.kind() == Op.Kind.ELEMENTWISE) {
        c.add(new Case(op + " vectors", op, List.of(N, N), 0, List.of()));
        c.add(new Case(op + " scalar and vector", op, List.of(S, N), 0, List.of()));
        c.add(new Case(op + " vector and scalar", op, List.of(N, S), 0, List.of()));
        c.add(new Case(op + " scalars", op, List.of(S, S), 0, List.of()));
      }
    }
    c.add(new Case("pow 1.5", Op.POW, List.of(N), 1.5, List.of()));
    c.add(new Case("pow 2", Op.POW, List.of(N), 2, List.of()));
    c.add(new Case("pow -0.5", Op.POW, List.of(S), -0.5, List.of()));
    c.add(new Case("dot", Op.DOT, List.of(N, N), 0, List.of()));
    c.add(new Case("sum", Op.SUM, List.of(N), 0, List.of()));
    c.add(new Case("sumSquares", Op.SUM_SQUARES, List.of(N), 0, List.of()));
    c.add(new Case("logSumExp", Op.LOG_SUM_EXP, List.of(N), 0, List.of()));
    c.add(new Case("bilinear", Op.BILINEAR, List.of(N, Shape.matrix("n", "m"), M), 0, List.of()));
    c.add(new Case("matvec", Op.MATVEC, List.of(Shape.matrix("m", "n"), N), 0, List.of()));
    c.add(new Case("vecmat", Op.VECMAT, List.of(N, Shape.matrix("n", "m")), 0, List.of()));
    c.add(new Case("outer", Op.OUTER, List.of(N, M), 0, List.of()));
    c.add(new Case("transpose", Op.TRANSPOSE, List.of(Shape.matrix("n", "m")), 0, List.of()));
    c.add(new Case("rowDots", Op.ROW_DOTS, List.of(Shape.matrix("n", "m"), Shape.matrix("n", "m")), 0, List.of()));
    c.add(new Case("rowScale", Op.ROW_SCALE, List.of(N, Shape.matrix("n", "m")), 0, List.of()));
    c.add(new Case("diagonal", Op.DIAGONAL, List.of(Shape.matrix("n", "n")), 0, List.of()));
    c.add(new Case("diagEmbed", Op.DIAG_EMBED, List.of(N), 0, List.of()));
    c.add(new Case("element of a vector", Op.ELEMENT, List.of(N), 0, List.of(new IntExpr.Const(1))));
    c.add(new Case("element of a matrix", Op.ELEMENT, List.of(Shape.matrix("n", "m")), 0, List.of(new IntExpr.Const(2), new IntExpr.Const(1))));
    c.add(new Case("row", Op.ROW, List.of(Shape.matrix("n", "m")), 0, List.of(new IntExpr.Const(1))));
    return c;
  }

  @Test
  void everyDifferentiableOpHasACase() {
    EnumSet<Op> missing = EnumSet.noneOf(Op.class);
    for (Op op : Op.values()) {
      if (op.kind() != Op.Kind.LEAF && cases().stream().noneMatch(c -> c.op() == op)) {
        missing.add(op);
      }
    }
    assertTrue(missing.isEmpty(), "ops without a rule test: " + missing);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reverseRuleIsTheTransposeOfTheTangentRule(Case c) {
    SplittableRandom rng = new SplittableRandom(c.name().hashCode());
    Builder b = new Builder();
    Map<String, double[]> in = new HashMap<>();
    List<Integer> args = new ArrayList<>();
    List<Integer> tangents = new ArrayList<>();
    for (int i = 0; i < c.shapes().size(); i++) {
      args.add(b.leaf(Op.PARAM, "a" + i, c.shapes().get(i)));
      tangents.add(b.leaf(Op.VAR, "t" + i, c.shapes().get(i)));
      in.put("a" + i, random(rng, size(c.shapes().get(i)), 0.5, 1.5));
      in.put("t" + i, random(rng, size(c.shapes().get(i)), -1, 1));
    }
    int y = apply(b, c, args);
    Shape ys = b.shape(y);
    int cotangent = b.leaf(Op.VAR, "c", ys);
    in.put("c", random(rng, size(ys), -1, 1));
    // Jt through the tangent rule.
    int[] dots = tangents.stream().mapToInt(Integer::intValue).toArray();
    int jt = b.value(y).op().tangent(b, b.value(y), dots);
    b.accumulate(b.leaf(Op.OUT, "jt", ys), jt);
    // Jᵀc through the reverse rule, as ReverseMode applies it.
    for (int i = 0; i < args.size(); i++) {
      int r = b.leaf(Op.OUT, "r" + i, c.shapes().get(i));
      Value v = b.value(y);
      if (c.op() == Op.ELEMENT) {
        b.add(new Stmt.Accumulate(r, false, cotangent, c.indices()));
      } else if (c.op() == Op.ROW) {
        b.accumulate(b.row(r, c.indices()), cotangent);
      } else if (c.op().kind() == Op.Kind.ELEMENTWISE) {
        int term = b.mul(cotangent, c.op().partial(b, v, i));
        b.accumulate(r, c.shapes().get(i).isScalar() && !ys.isScalar() ? b.sum(term) : term);
      } else {
        b.accumulate(r, c.op().contribution(b, v, i, cotangent));
      }
    }
    EnergyFunction program = new EnergyFunction(b.values(), b.close(), -1);
    IrVerifier.verify(program);
    Map<String, double[]> out = new HashMap<>();
    out.put("jt", new double[size(ys)]);
    for (int i = 0; i < args.size(); i++) {
      out.put("r" + i, new double[size(c.shapes().get(i))]);
    }
    new Interpreter(program, DIMS, in, out).run();

    double left = 0;
    for (int i = 0; i < args.size(); i++) {
      left += dot(in.get("t" + i), out.get("r" + i));
    }
    double right = dot(out.get("jt"), in.get("c"));
    assertEquals(right, left, 1e-12 * (1 + Math.abs(right)), c + ": <t, J^T c> against <J t, c>");

    // The tangent rule against central differences of the op itself.
    double h = 1e-6;
    double[] plus = value(c, in, h);
    double[] minus = value(c, in, -h);
    for (int k = 0; k < plus.length; k++) {
      double fd = (plus[k] - minus[k]) / (2 * h);
      assertEquals(fd, out.get("jt")[k], 1e-6 * (1 + Math.abs(fd)), c + ": tangent entry " + k + " against central differences");
    }
  }

  /** The op's value at a + s·t, by the interpreter. */
  private static double[] value(Case c, Map<String, double[]> in, double s) {
    Builder b = new Builder();
    Map<String, double[]> moved = new HashMap<>();
    List<Integer> args = new ArrayList<>();
    for (int i = 0; i < c.shapes().size(); i++) {
      args.add(b.leaf(Op.PARAM, "a" + i, c.shapes().get(i)));
      double[] a = in.get("a" + i).clone();
      for (int k = 0; k < a.length; k++) {
        a[k] += s * in.get("t" + i)[k];
      }
      moved.put("a" + i, a);
    }
    int y = apply(b, c, args);
    b.accumulate(b.leaf(Op.OUT, "y", b.shape(y)), y);
    double[] out = new double[size(b.shape(y))];
    new Interpreter(new EnergyFunction(b.values(), b.close(), -1), DIMS, moved, Map.of("y", out)).run();
    return out;
  }

  private static int apply(Builder b, Case c, List<Integer> args) {
    if (c.op() == Op.ELEMENT || c.op() == Op.ROW) {
      return b.indexed(c.op(), args.get(0), c.indices());
    }
    return b.let(c.op(), args, c.constant());
  }

  private static int size(Shape s) {
    int n = 1;
    for (String d : s.dims()) {
      n *= DIMS.get(d);
    }
    return n;
  }

  private static double[] random(SplittableRandom rng, int n, double lo, double hi) {
    double[] a = new double[n];
    for (int k = 0; k < n; k++) {
      a[k] = rng.nextDouble(lo, hi);
    }
    return a;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      s += a[k] * b[k];
    }
    return s;
  }
}
