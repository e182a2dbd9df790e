package org.ebm4j.processor.ad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.ebm4j.processor.ir.Block;
import org.ebm4j.processor.ir.Builder;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.IntExpr;
import org.ebm4j.processor.ir.Interpreter;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Shape;
import org.ebm4j.processor.ir.Stmt;
import org.ebm4j.processor.opt.Passes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gradient program can be differentiated again: forward mode over ∇ₓE gives Hessian–vector
 * products H·ẋ and the mixed derivative ∂θ∇ₓE·θ̇, checked against central differences of the
 * gradient program (run by the interpreter), with the optimisation passes on and off.
 */
class SecondOrderTest {
  static final Map<String, Integer> DIMS = Map.of("n", 4, "m", 3);

  /** E = Σ softplus(Wx + c) + ½|x|² + Σᵢ tanh(xᵢ)·xᵢ (the last a loop) + logSumExp(x)·c₀. */
  static EnergyFunction energy() {
    Builder b = new Builder();
    int w = b.leaf(Op.PARAM, "w", Shape.matrix("m", "n"));
    int c = b.leaf(Op.PARAM, "c", Shape.vector("m"));
    int x = b.leaf(Op.VAR, "x", Shape.vector("n"));
    int pre = b.add(b.matvec(w, x), c);
    int e1 = b.sum(b.let(Op.SOFTPLUS, List.of(pre)));
    int e2 = b.mul(b.constant(0.5), b.let(Op.SUM_SQUARES, List.of(x)));
    int start = b.add(e1, e2);
    int slot = b.accumulator(start);
    b.open();
    IntExpr i = new IntExpr.Index(0, "i");
    int xi = b.element(x, List.of(i));
    b.add(new Stmt.Accumulate(slot, false, b.mul(b.let(Op.TANH, List.of(xi)), xi)));
    Block body = b.close();
    b.add(new Stmt.Loop(0, "i", new IntExpr.Const(0), new IntExpr.Dim("n"), body, List.of(slot), null));
    int c0 = b.element(c, List.of(new IntExpr.Const(0)));
    int e = b.add(slot, b.mul(b.let(Op.LOG_SUM_EXP, List.of(x)), c0));
    return new EnergyFunction(b.values(), b.close(), e);
  }

  @ParameterizedTest(name = "passes {0}")
  @ValueSource(booleans = {false, true})
  void forwardOverReverseGivesHessianVectorProductsAndMixedDerivatives(boolean optimise) {
    EnergyFunction f = energy();
    EnergyFunction grad = ReverseMode.gradient(f, v -> v.op() == Op.VAR, b -> b.leaf(Op.ARG, "scale", Shape.SCALAR));
    EnergyFunction hvp = ForwardMode.jvp(grad, Map.of("x", "dx"), "_dot", false);
    EnergyFunction mixed = ForwardMode.jvp(grad, Map.of("w", "dw", "c", "dc"), "_dot", false);
    if (optimise) {
      grad = Passes.optimize(grad, Set.of());
      hvp = Passes.optimize(hvp, Set.of());
      mixed = Passes.optimize(mixed, Set.of());
    }
    SplittableRandom rng = new SplittableRandom(7);
    Map<String, double[]> in = new HashMap<>();
    in.put("w", Programs.random(rng, 12));
    in.put("c", Programs.random(rng, 3));
    in.put("x", Programs.random(rng, 4));
    in.put("dx", Programs.random(rng, 4));
    in.put("dw", Programs.random(rng, 12));
    in.put("dc", Programs.random(rng, 3));
    in.put("scale", new double[] {0.7});

    double[] h = run(hvp, in, "x_dot", 4);
    double[] expected = difference(grad, in, Map.of("x", "dx"));
    for (int k = 0; k < 4; k++) {
      assertEquals(expected[k], h[k], 1e-6, "(H dx)_" + k);
    }
    double[] m = run(mixed, in, "x_dot", 4);
    double[] expectedMixed = difference(grad, in, Map.of("w", "dw", "c", "dc"));
    for (int k = 0; k < 4; k++) {
      assertEquals(expectedMixed[k], m[k], 1e-6, "(d_theta grad_x E . dtheta)_" + k);
    }
  }

  /** Central differences of the gradient program along the given directions. */
  private static double[] difference(EnergyFunction grad, Map<String, double[]> in, Map<String, String> directions) {
    double eps = 1e-5;
    double[] plus = run(grad, moved(in, directions, eps), "x", 4);
    double[] minus = run(grad, moved(in, directions, -eps), "x", 4);
    double[] out = new double[4];
    for (int k = 0; k < 4; k++) {
      out[k] = (plus[k] - minus[k]) / (2 * eps);
    }
    return out;
  }

  private static Map<String, double[]> moved(Map<String, double[]> in, Map<String, String> directions, double s) {
    Map<String, double[]> out = new HashMap<>(in);
    directions.forEach((leaf, dir) -> {
      double[] a = in.get(leaf).clone();
      for (int k = 0; k < a.length; k++) {
        a[k] += s * in.get(dir)[k];
      }
      out.put(leaf, a);
    });
    return out;
  }

  private static double[] run(EnergyFunction program, Map<String, double[]> in, String output, int n) {
    double[] out = new double[n];
    new Interpreter(program, DIMS, in, Map.of(output, out)).run();
    return out;
  }

}
