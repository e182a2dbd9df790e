package org.ebm4j.processor.ad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.ebm4j.model.Domain;
import org.ebm4j.processor.ir.Block;
import org.ebm4j.processor.ir.Builder;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.IntExpr;
import org.ebm4j.processor.ir.Interpreter;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Shape;
import org.ebm4j.processor.ir.Stmt;
import org.ebm4j.processor.ir.Variable;
import org.ebm4j.processor.opt.Passes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The score-matching programs (the free energy as a program, reverse mode over it, forward mode
 * once and twice over that) against brute force and central differences of the first-order
 * programs, run by the interpreter, with the passes on and off.
 */
class ScoreProgramsTest {
  static final Map<String, Integer> DIMS = Map.of("n", 3, "m", 2);
  static final double EPS = 1e-4;

  /**
   * A Gaussian–Bernoulli RBM with a non-quadratic visible term: E = ½|v − b|² + Σ tanh(v_i)·b_i
   * (a loop) − cᵀh − vᵀWh, h binary (or spin) and summed out.
   */
  static EnergyFunction rbm(Domain hidden) {
    Builder b = new Builder();
    int w = b.leaf(Op.PARAM, "w", Shape.matrix("n", "m"));
    int bias = b.leaf(Op.PARAM, "b", Shape.vector("n"));
    int c = b.leaf(Op.PARAM, "c", Shape.vector("m"));
    int v = b.leaf(Op.VAR, "v", Shape.vector("n"));
    int h = b.leaf(Op.VAR, "h", Shape.vector("m"));
    int quad = b.mul(b.constant(0.5), b.let(Op.SUM_SQUARES, List.of(b.sub(v, bias))));
    int slot = b.accumulator(quad);
    b.open();
    IntExpr i = new IntExpr.Index(0, "i");
    b.add(new Stmt.Accumulate(slot, false, b.mul(b.let(Op.TANH, List.of(b.element(v, List.of(i)))), b.element(bias, List.of(i)))));
    Block body = b.close();
    b.add(new Stmt.Loop(0, "i", new IntExpr.Const(0), new IntExpr.Dim("n"), body, List.of(slot), null));
    int e = b.sub(b.sub(slot, b.dot(c, h)), b.bilinear(v, w, h));
    List<Variable> vars = List.of(new Variable("v", true, Domain.REAL, List.of("n")), new Variable("h", false, hidden, List.of("m")));
    return new EnergyFunction(b.values(), b.close(), e, vars);
  }

  @ParameterizedTest(name = "spin {0}, passes {1}")
  @ValueSource(strings = {"BINARY,false", "BINARY,true", "SPIN,false", "SPIN,true"})
  void secondOrderProgramsAgreeWithBruteForceAndDifferences(String spec) {
    Domain hidden = Domain.valueOf(spec.split(",")[0]);
    boolean optimise = Boolean.parseBoolean(spec.split(",")[1]);
    EnergyFunction f = rbm(hidden);
    EnergyFunction m = Marginal.energy(f);
    Derivatives.Scores s = Derivatives.scores(f);
    EnergyFunction thetaGrad = ReverseMode.gradient(m, x -> x.op() == Op.PARAM, b -> b.neg(b.leaf(Op.ARG, "weight", Shape.SCALAR)));
    if (optimise) {
      m = Passes.optimize(m, Set.of());
      s = s.map(p -> Passes.optimize(p, Set.of()));
      thetaGrad = Passes.optimize(thetaGrad, Set.of());
    }
    SplittableRandom rng = new SplittableRandom(11);
    Map<String, double[]> in = new HashMap<>();
    in.put("w", Programs.random(rng, 6));
    in.put("b", Programs.random(rng, 3));
    in.put("c", Programs.random(rng, 2));
    in.put("v", Programs.random(rng, 3));
    in.put("h", new double[2]);
    in.put("v~", Programs.random(rng, 3));
    in.put("weight", new double[] {0.7});

    // The free energy against the sum over the four hidden states.
    double sum = 0;
    for (int bits = 0; bits < 4; bits++) {
      Map<String, double[]> at = new HashMap<>(in);
      at.put("h", new double[] {hidden.value(bits & 1), hidden.value((bits >> 1) & 1)});
      sum += Math.exp(-new Interpreter(f, DIMS, at, Map.of()).run());
    }
    assertEquals(-Math.log(sum), run(m, in), 1e-12, "F(v)");

    // The score against central differences of −F.
    double[] score = Programs.out(s.score(), DIMS, in, "v", 3);
    for (int k = 0; k < 3; k++) {
      double[] unit = new double[3];
      unit[k] = 1;
      assertEquals(-(run(m, Programs.moved(in, "v", unit, EPS)) - run(m, Programs.moved(in, "v", unit, -EPS))) / (2 * EPS), score[k], 1e-7, "score " + k);
    }

    // Along the line v + εu: dF/dε and d²F/dε² against differences of F and of the score.
    double[] u = in.get("v~");
    double[] d1 = new double[1];
    double[] d2 = new double[1];
    new Interpreter(s.line(), DIMS, in, Map.of("~", d1, "~~", d2)).run();
    assertEquals(-Programs.dot(score, u), d1[0], 1e-10, "dF/de");
    double[] sPlus = Programs.out(s.score(), DIMS, Programs.moved(in, "v", u, EPS), "v", 3);
    double[] sMinus = Programs.out(s.score(), DIMS, Programs.moved(in, "v", u, -EPS), "v", 3);
    assertEquals(-(Programs.dot(sPlus, u) - Programs.dot(sMinus, u)) / (2 * EPS), d2[0], 1e-7, "d2F/de2");

    // θ-derivatives along the line against differences of the θ-gradient (itself against F).
    for (String p : List.of("w", "b", "c")) {
      int n = in.get(p).length;
      double[] g0 = Programs.out(thetaGrad, DIMS, in, p, n);
      double[] plus = Programs.out(thetaGrad, DIMS, Programs.moved(in, "v", u, EPS), p, n);
      double[] minus = Programs.out(thetaGrad, DIMS, Programs.moved(in, "v", u, -EPS), p, n);
      double[] line = Programs.out(s.lineGradient(), DIMS, in, p + "~", n);
      double[] curvature = Programs.out(s.curvatureGradient(), DIMS, in, p + "~~", n);
      for (int k = 0; k < n; k++) {
        double[] unit = new double[n];
        unit[k] = 1;
        double fd = -0.7 * (run(m, Programs.moved(in, p, unit, EPS)) - run(m, Programs.moved(in, p, unit, -EPS))) / (2 * EPS);
        assertEquals(fd, g0[k], 1e-7, "d log p~/d" + p + k);
        assertEquals((plus[k] - minus[k]) / (2 * EPS), line[k], 1e-7, "line gradient " + p + k);
        double h = 1e-3;
        double[] p2 = Programs.out(thetaGrad, DIMS, Programs.moved(in, "v", u, h), p, n);
        double[] m2 = Programs.out(thetaGrad, DIMS, Programs.moved(in, "v", u, -h), p, n);
        assertEquals((p2[k] - 2 * g0[k] + m2[k]) / (h * h), curvature[k], 1e-5, "curvature gradient " + p + k);
      }
    }
  }


  private static double run(EnergyFunction f, Map<String, double[]> in) {
    return new Interpreter(f, DIMS, in, Map.of()).run();
  }




}
