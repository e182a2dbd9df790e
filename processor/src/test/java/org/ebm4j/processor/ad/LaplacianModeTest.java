package org.ebm4j.processor.ad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.ebm4j.model.Domain;
import org.ebm4j.processor.ir.Builder;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.Interpreter;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Shape;
import org.ebm4j.processor.ir.Variable;
import org.ebm4j.processor.opt.Passes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The forward Laplacian ({@link LaplacianMode}) and reverse mode over it, run by the interpreter
 * with the passes on and off: the Laplacian against central differences of the score (the
 * first-order program); each score-matching objective against the score and line programs, and
 * its θ-gradient against differences of the objective in θ and against the line and curvature
 * gradients along s, u and each unit direction.
 */
class LaplacianModeTest {
  static final Map<String, Integer> DIMS = Map.of("n", 3, "m", 4);

  /**
   * A neural energy touching every rule: ½|x|²e^{−2s} − aᵀtanh(Wx + c) + 0.1 Σ softplus(Wx + c)/(1 + |x|²)
   * + logSumExp(Wx) + Σ σ(xᵀU) + (x·x)·s + 0.1 Σ (x ⊙ x)/(1 + x).
   */
  static EnergyFunction neural() {
    Builder b = new Builder();
    int w = b.leaf(Op.PARAM, "w", Shape.matrix("m", "n"));
    int u = b.leaf(Op.PARAM, "u", Shape.matrix("n", "m"));
    int c = b.leaf(Op.PARAM, "c", Shape.vector("m"));
    int a = b.leaf(Op.PARAM, "a", Shape.vector("m"));
    int s = b.leaf(Op.PARAM, "s", Shape.SCALAR);
    int x = b.leaf(Op.VAR, "x", Shape.vector("n"));
    int pre = b.add(b.matvec(w, x), c);
    int quadratic = b.mul(b.mul(b.constant(0.5), b.let(Op.SUM_SQUARES, List.of(x))), b.exp(b.mul(b.constant(-2), s)));
    int network = b.dot(a, b.let(Op.TANH, List.of(pre)));
    int soft = b.div(b.mul(b.constant(0.1), b.sum(b.let(Op.SOFTPLUS, List.of(pre)))), b.add(b.constant(1), b.let(Op.SUM_SQUARES, List.of(x))));
    int lse = b.let(Op.LOG_SUM_EXP, List.of(b.matvec(w, x)));
    int right = b.sum(b.sigmoid(b.vecmat(x, u)));
    int selfDot = b.mul(b.dot(x, x), s);
    int squares = b.sum(b.div(b.mul(x, x), b.add(b.constant(1.5), x)));
    int e = b.add(b.add(b.add(b.sub(b.add(quadratic, soft), network), lse), b.add(right, selfDot)), b.mul(b.constant(0.1), squares));
    return new EnergyFunction(b.values(), b.close(), e, List.of(new Variable("x", true, Domain.REAL, List.of("n"))));
  }

  /** Quadratic forms with both sides moving: ½|x|² + 0.3 xᵀQx + 0.2 tanh(x)ᵀQx + Σ softplus(Wx). */
  static EnergyFunction quadratic() {
    Builder b = new Builder();
    int q = b.leaf(Op.PARAM, "q", Shape.matrix("n", "n"));
    int w = b.leaf(Op.PARAM, "w", Shape.matrix("m", "n"));
    int x = b.leaf(Op.VAR, "x", Shape.vector("n"));
    int e = b.mul(b.constant(0.5), b.let(Op.SUM_SQUARES, List.of(x)));
    e = b.add(e, b.mul(b.constant(0.3), b.bilinear(x, q, x)));
    e = b.add(e, b.mul(b.constant(0.2), b.bilinear(b.let(Op.TANH, List.of(x)), q, x)));
    e = b.add(e, b.sum(b.let(Op.SOFTPLUS, List.of(b.matvec(w, x)))));
    return new EnergyFunction(b.values(), b.close(), e, List.of(new Variable("x", true, Domain.REAL, List.of("n"))));
  }

  /** A Gaussian–Bernoulli RBM with a non-quadratic visible term, its latents summed out: E = ½|v − b|² + bᵀtanh(v) − cᵀh − vᵀWh. */
  static EnergyFunction rbm(Domain hidden) {
    Builder b = new Builder();
    int w = b.leaf(Op.PARAM, "w", Shape.matrix("n", "m"));
    int bias = b.leaf(Op.PARAM, "b", Shape.vector("n"));
    int c = b.leaf(Op.PARAM, "c", Shape.vector("m"));
    int v = b.leaf(Op.VAR, "v", Shape.vector("n"));
    int h = b.leaf(Op.VAR, "h", Shape.vector("m"));
    int quad = b.mul(b.constant(0.5), b.let(Op.SUM_SQUARES, List.of(b.sub(v, bias))));
    int e = b.sub(b.sub(b.add(quad, b.dot(bias, b.let(Op.TANH, List.of(v)))), b.dot(c, h)), b.bilinear(v, w, h));
    List<Variable> vars = List.of(new Variable("v", true, Domain.REAL, List.of("n")), new Variable("h", false, hidden, List.of("m")));
    return new EnergyFunction(b.values(), b.close(), e, vars);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"neural,false", "neural,true", "quadratic,false", "quadratic,true", "BINARY,false", "BINARY,true", "SPIN,false", "SPIN,true"})
  void laplacianAndItsGradientAgreeWithDifferencesAndCurvatures(String spec) {
    String model = spec.split(",")[0];
    boolean optimise = Boolean.parseBoolean(spec.split(",")[1]);
    EnergyFunction f = model.equals("neural") ? neural() : model.equals("quadratic") ? quadratic() : rbm(Domain.valueOf(model));
    String x = model.equals("neural") || model.equals("quadratic") ? "x" : "v";
    Derivatives.Scores s = Derivatives.scores(f);
    assertNotNull(s.laplacian(), "a Laplacian program for " + model);
    if (optimise) {
      s = s.map(p -> Passes.optimize(p, Set.of()));
    }
    SplittableRandom rng = new SplittableRandom(5);
    Map<String, double[]> in = new HashMap<>();
    for (org.ebm4j.processor.ir.Value v : f.values()) {
      if (v.op() == Op.PARAM || (v.op() == Op.VAR && v.name().equals(x))) {
        in.put(v.name(), Programs.random(rng, Programs.size(v.shape(), DIMS)));
      }
    }
    in.put("h", new double[4]);
    in.put("weight", new double[] {0.7});
    int n = 3;

    // Δ log p̃ = Σ_k ∂s_k/∂x_k against central differences of the score program.
    double eps = 1e-5;
    double fd = 0;
    for (int k = 0; k < n; k++) {
      double[] unit = new double[n];
      unit[k] = 1;
      fd += (Programs.out(s.score(), DIMS, Programs.moved(in, x, unit, eps), x, n)[k] - Programs.out(s.score(), DIMS, Programs.moved(in, x, unit, -eps), x, n)[k]) / (2 * eps);
    }
    double laplacian = new Interpreter(s.laplacian(), DIMS, in, Map.of()).run();
    assertEquals(fd, -laplacian, 1e-7 * (1 + Math.abs(fd)), "the Laplacian against differences of the score");

    // Each objective J: its value against the score and line programs, its θ-gradient against
    // differences of J in θ and against the line and curvature gradients it is composed of.
    in.put(x + Derivatives.TANGENT, Programs.random(rng, n));
    double[] u = in.get(x + Derivatives.TANGENT);
    double[] score = Programs.out(s.score(), DIMS, in, x, n);
    double[] line = new double[1];
    double[] curve = new double[1];
    new Interpreter(s.line(), DIMS, in, Map.of("~", line, "~~", curve)).run();
    Map<String, double[]> alongScore = new HashMap<>(in);
    alongScore.put(x + Derivatives.TANGENT, score);
    double[] sPlusU = new double[n];
    for (int k = 0; k < n; k++) {
      sPlusU[k] = score[k] + u[k];
    }
    Map<String, double[]> alongResidual = new HashMap<>(in);
    alongResidual.put(x + Derivatives.TANGENT, sPlusU);
    EnergyFunction m = Marginal.energy(f);
    for (LaplacianMode.Form form : LaplacianMode.Form.values()) {
      EnergyFunction objective = LaplacianMode.objective(m, form);
      EnergyFunction gradient = s.objectiveGradients().get(form);
      assertNotNull(objective, form + " objective of " + model);
      assertNotNull(gradient, form + " objective gradient of " + model);
      double expected = switch (form) {
        case EXACT -> 0.5 * Programs.dot(score, score) - laplacian;
        case SLICED -> 0.5 * Programs.dot(score, score) - curve[0];
        case DENOISING -> 0.5 * Programs.dot(sPlusU, sPlusU);
      };
      assertEquals(expected, new Interpreter(objective, DIMS, in, Map.of()).run(), 1e-10 * (1 + Math.abs(expected)), form + " J");
      for (String p : List.of(f.values().stream().filter(v -> v.op() == Op.PARAM).map(v -> v.name()).toArray(String[]::new))) {
        int size = in.get(p).length;
        double[] grad = Programs.out(gradient, DIMS, in, p, size);
        double[] composed = Programs.out(s.lineGradient(), DIMS, form == LaplacianMode.Form.DENOISING ? alongResidual : alongScore, p + "~", size);
        if (form == LaplacianMode.Form.SLICED) {
          add(composed, Programs.out(s.curvatureGradient(), DIMS, in, p + "~~", size));
        }
        for (int k = 0; form == LaplacianMode.Form.EXACT && k < n; k++) {
          double[] unit = new double[n];
          unit[k] = 1;
          Map<String, double[]> along = new HashMap<>(in);
          along.put(x + Derivatives.TANGENT, unit);
          add(composed, Programs.out(s.curvatureGradient(), DIMS, along, p + "~~", size));
        }
        for (int i = 0; i < size; i++) {
          double[] unit = new double[size];
          unit[i] = 1;
          double plus = new Interpreter(objective, DIMS, Programs.moved(in, p, unit, eps), Map.of()).run();
          double minus = new Interpreter(objective, DIMS, Programs.moved(in, p, unit, -eps), Map.of()).run();
          double fdJ = 0.7 * (plus - minus) / (2 * eps);
          String what = form + " dJ/d" + p + i;
          assertEquals(fdJ, grad[i], 1e-6 * (1 + Math.abs(fdJ)), what + " against differences");
          // The line and curvature programs add weight · ∂θ of log p̃'s derivatives: J's θ-gradient with weight 0.7.
          assertEquals(composed[i], grad[i], 1e-10 * (1 + Math.abs(composed[i])), what + " against the line and curvature gradients");
        }
      }
    }
  }

  private static void add(double[] into, double[] a) {
    for (int k = 0; k < a.length; k++) {
      into[k] += a[k];
    }
  }


  @Test
  void aLoopHasNoLaplacianProgramAndTheCurvaturesServe() {
    Derivatives.Scores s = Derivatives.scores(ScoreProgramsTest.rbm(Domain.BINARY));
    assertNull(s.laplacian());
    assertTrue(s.objectiveGradients().isEmpty());
    assertNotNull(s.curvatureGradient());
  }

  @Test
  void aSecondLayerHasNoRuleHere() {
    // W(x ⊙ x): the Jacobian W diag(2x) is not diag(s) times a matrix of parameters.
    Builder b = new Builder();
    int w = b.leaf(Op.PARAM, "w", Shape.matrix("m", "n"));
    int x = b.leaf(Op.VAR, "x", Shape.vector("n"));
    int e = b.sum(b.let(Op.TANH, List.of(b.matvec(w, b.mul(x, x)))));
    EnergyFunction f = new EnergyFunction(b.values(), b.close(), e, List.of(new Variable("x", true, Domain.REAL, List.of("n"))));
    assertNull(LaplacianMode.laplacian(f));
  }

  @Test
  void twoAffineMapsMultipliedHaveNoRuleHere() {
    // dot(Wx, Ux): the Jacobians diag(1)W and diag(1)U have different factors.
    Builder b = new Builder();
    int w = b.leaf(Op.PARAM, "w", Shape.matrix("m", "n"));
    int u = b.leaf(Op.PARAM, "u", Shape.matrix("m", "n"));
    int x = b.leaf(Op.VAR, "x", Shape.vector("n"));
    int e = b.add(b.let(Op.SUM_SQUARES, List.of(x)), b.dot(b.matvec(w, x), b.matvec(u, x)));
    EnergyFunction f = new EnergyFunction(b.values(), b.close(), e, List.of(new Variable("x", true, Domain.REAL, List.of("n"))));
    assertNull(LaplacianMode.laplacian(f));
  }




}
