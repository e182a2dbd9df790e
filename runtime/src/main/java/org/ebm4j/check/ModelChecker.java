package org.ebm4j.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.BlockConditionals;
import org.ebm4j.model.Domain;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.FreeEnergy;
import org.ebm4j.model.Models;
import org.ebm4j.model.SiteConditionals;
import org.ebm4j.model.Variables;

/**
 * Checks a generated model against its spec class, which runs as plain Java: the energy, the
 * parameter and input gradients (central finite differences of the spec's energy), and every
 * capability the processor claimed (brute-force sums and conditionals). Meant for small sizes.
 *
 * <p>Tolerances: energy 1e-9 relative; gradients 1e-5 relative (to max(1, |value|)); sums 1e-9.
 */
public final class ModelChecker {
  /** Largest block or latent count that is enumerated (2^n states). */
  private static final int MAX_ENUMERATED = 14;

  private final EnergyModel model;
  private final SpecOracle oracle;
  private final SplittableRandom rng;
  private final List<String> failures = new ArrayList<>();
  private int checks;

  private ModelChecker(Class<?> spec, EnergyModel model, long seed) {
    this.model = model;
    this.oracle = new SpecOracle(spec, model);
    this.rng = new SplittableRandom(seed);
  }

  /**
   * Runs every check on the model generated from {@code spec} with these dimensions, for a few
   * random parameter vectors and states drawn from {@code seed}.
   *
   * @throws AssertionError listing every failed check
   * @return the number of comparisons made
   */
  public static int check(Class<?> spec, Map<String, Integer> dims, long seed) {
    EnergyModel model = Models.create(spec, dims, seed);
    Class<?> specClass = Models.specClass(model.getClass());
    ModelChecker c = new ModelChecker(specClass, model, seed);
    c.run();
    if (!c.failures.isEmpty()) {
      throw new AssertionError(
          specClass.getSimpleName() + " " + dims + ": " + c.failures.size() + " of " + c.checks + " checks failed:\n  "
              + String.join("\n  ", c.failures.subList(0, Math.min(20, c.failures.size()))));
    }
    return c.checks;
  }

  private void run() {
    for (int trial = 0; trial < 3; trial++) {
      SpecOracle.randomize(model, rng, trial == 0 ? 0.3 : 1.0);
      double[] x = SpecOracle.randomState(model, rng);
      checkEnergy(x);
      checkGradient(x);
      checkInputGradient(x);
      model.capability(FreeEnergy.class).ifPresent(fe -> checkFreeEnergy(fe, x));
      model.capability(BlockConditionals.class).ifPresent(bc -> checkBlocks(bc, x));
      model.capability(SiteConditionals.class).ifPresent(sc -> checkSites(sc, x));
      model.capability(org.ebm4j.model.Scores.class).ifPresent(sc -> checkScores(sc, x));
    }
    model.capability(org.ebm4j.model.BatchGradients.class).ifPresent(this::checkBatch);
    model.capability(org.ebm4j.model.FloatBatchGradients.class).ifPresent(this::checkFloatBatch);
  }

  /** Batched gradients equal the per-state ones, row by row and summed. */
  private void checkBatch(org.ebm4j.model.BatchGradients batch) {
    int rows = 5;
    double[] xs = new double[rows * model.stateSize()];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(SpecOracle.randomState(model, rng), 0, xs, r * model.stateSize(), model.stateSize());
    }
    double[] expected = new double[model.params().length];
    double[] x = new double[model.stateSize()];
    double[] gx = new double[model.stateSize()];
    double[] expectedGx = new double[xs.length];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(xs, r * x.length, x, 0, x.length);
      model.accumulateGradient(x, 0.3, expected);
      model.inputGradient(x, gx);
      for (int k = 0; k < x.length; k++) {
        expectedGx[r * x.length + k] = -gx[k];
      }
    }
    double[] actual = new double[expected.length];
    batch.accumulateGradientBatch(xs, rows, 0.3, actual);
    for (int k = 0; k < expected.length; k++) {
      expect("accumulateGradientBatch[" + k + "]", actual[k], expected[k], 1e-9);
    }
    // One weight per row, of both signs, as a positive and a negative phase in one pass.
    double[] weights = new double[rows];
    double[] expectedWeighted = new double[expected.length];
    for (int r = 0; r < rows; r++) {
      weights[r] = r % 2 == 0 ? 0.25 * (r + 1) : -0.5 * r;
      System.arraycopy(xs, r * x.length, x, 0, x.length);
      model.accumulateGradient(x, weights[r], expectedWeighted);
    }
    double[] weighted = new double[expected.length];
    batch.accumulateGradientBatch(xs, rows, weights, weighted);
    for (int k = 0; k < expected.length; k++) {
      expect("accumulateGradientBatch(weights)[" + k + "]", weighted[k], expectedWeighted[k], 1e-9);
    }
    for (Variables.Variable v : model.variables().all()) {
      double[] gxs = new double[xs.length];
      java.util.Arrays.fill(gxs, 7.0);
      batch.energyGradientBatch(v.name(), xs, rows, gxs);
      for (int r = 0; r < rows; r++) {
        for (int k = 0; k < x.length; k++) {
          boolean inside = k >= v.offset() && k < v.offset() + v.size();
          expect("energyGradientBatch(" + v.name() + ")[" + r + "," + k + "]", gxs[r * x.length + k], inside ? expectedGx[r * x.length + k] : 7.0, 1e-9);
        }
      }
    }
  }

  /**
   * The float32 members against the double ones, to float precision (1e-4 relative to
   * max(1, |value|): a few thousand float roundings in a sum).
   */
  private void checkFloatBatch(org.ebm4j.model.FloatBatchGradients f) {
    org.ebm4j.model.BatchGradients batch = model.capability(org.ebm4j.model.BatchGradients.class).orElseThrow();
    int rows = 5;
    int width = model.stateSize();
    double[] xs = new double[rows * width];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(SpecOracle.randomState(model, rng), 0, xs, r * width, width);
    }
    float[] fxs = new float[xs.length];
    for (int k = 0; k < xs.length; k++) {
      fxs[k] = (float) xs[k];
      xs[k] = fxs[k];
    }
    double[] weights = {0.25, -0.5, 0.75, -1.0, 1.25};
    float[] fweights = {0.25f, -0.5f, 0.75f, -1.0f, 1.25f};
    double[] expected = new double[model.params().length];
    batch.accumulateGradientBatch(xs, rows, weights, expected);
    f.loadFloatParams();
    float[] got = new float[expected.length];
    f.accumulateGradientBatch(fxs, rows, fweights, got);
    for (int k = 0; k < expected.length; k++) {
      expect("float accumulateGradientBatch[" + k + "]", got[k], expected[k], 1e-4);
    }
    for (Variables.Variable v : model.variables().all()) {
      double[] gxs = new double[xs.length];
      batch.energyGradientBatch(v.name(), xs, rows, gxs);
      float[] fgxs = new float[xs.length];
      f.energyGradientBatch(v.name(), fxs, rows, fgxs);
      for (int r = 0; r < rows; r++) {
        for (int k = v.offset(); k < v.offset() + v.size(); k++) {
          expect("float energyGradientBatch(" + v.name() + ")[" + r + "," + k + "]", fgxs[r * width + k], gxs[r * width + k], 1e-4);
        }
      }
    }
  }

  private double specEnergy(double[] x) {
    return oracle.energy(model.params(), x);
  }

  private void expect(String what, double actual, double expected, double tolerance) {
    checks++;
    double scale = Math.max(1, Math.abs(expected));
    if (!(Math.abs(actual - expected) <= tolerance * scale)) {
      failures.add(what + ": got " + actual + ", expected " + expected);
    }
  }

  private void checkEnergy(double[] x) {
    double[] copy = x.clone();
    expect("energy", model.energy(x), specEnergy(x), 1e-9);
    expect("logPTilde", model.logPTilde(x), -specEnergy(x), 1e-9);
    checks++;
    if (!java.util.Arrays.equals(copy, x)) {
      failures.add("energy modified its input x");
    }
  }

  private void checkGradient(double[] x) {
    double[] params = model.params();
    double[] grad = new double[params.length];
    for (int k = 0; k < grad.length; k++) {
      grad[k] = 0.25 * k;
    }
    double weight = 0.7;
    model.accumulateGradient(x, weight, grad);
    for (int k = 0; k < params.length; k++) {
      double saved = params[k];
      double h = 1e-5 * Math.max(1, Math.abs(saved));
      params[k] = saved + h;
      double up = specEnergy(x);
      params[k] = saved - h;
      double down = specEnergy(x);
      params[k] = saved;
      double expected = -weight * (up - down) / (2 * h);
      expect("accumulateGradient[" + model.layout().entryAt(k).name() + " @" + k + "]", grad[k] - 0.25 * k, expected, 1e-5);
    }
  }

  private void checkInputGradient(double[] x) {
    double[] out = new double[x.length];
    java.util.Arrays.fill(out, Double.NaN);
    model.inputGradient(x, out);
    for (int k = 0; k < x.length; k++) {
      double saved = x[k];
      double h = 1e-5 * Math.max(1, Math.abs(saved));
      x[k] = saved + h;
      double up = specEnergy(x);
      x[k] = saved - h;
      double down = specEnergy(x);
      x[k] = saved;
      expect("inputGradient[" + k + "]", out[k], -(up - down) / (2 * h), 1e-5);
    }
  }

  /** F(v) by enumerating every latent configuration with the spec's energy. */
  private double bruteFreeEnergy(double[] v) {
    int n = model.latentSize();
    double[] x = new double[model.stateSize()];
    System.arraycopy(v, 0, x, 0, v.length);
    double logSum = Double.NEGATIVE_INFINITY;
    org.ebm4j.model.StateSpace latents = org.ebm4j.model.StateSpace.of(model.variables().all().stream().filter(h -> !h.visible()).toList());
    for (long i = 0; i < latents.count(); i++) {
      latents.load(i, x);
      logSum = Kernels.logAddExp(logSum, -specEnergy(x));
    }
    return -logSum;
  }

  private void checkFreeEnergy(FreeEnergy fe, double[] x) {
    if (model.latentSize() > MAX_ENUMERATED) {
      return;
    }
    double[] v = java.util.Arrays.copyOf(x, model.visibleSize());
    expect("freeEnergy", fe.freeEnergy(v), bruteFreeEnergy(v), 1e-9);
    double[] params = model.params();
    double[] grad = new double[params.length];
    double weight = 1.3;
    fe.accumulateMarginalGradient(v, weight, grad);
    for (int k = 0; k < params.length; k++) {
      double saved = params[k];
      double h = 1e-5 * Math.max(1, Math.abs(saved));
      params[k] = saved + h;
      double up = bruteFreeEnergy(v);
      params[k] = saved - h;
      double down = bruteFreeEnergy(v);
      params[k] = saved;
      expect("accumulateMarginalGradient[" + k + "]", grad[k], -weight * (up - down) / (2 * h), 1e-5);
    }
  }

  /** log p̃(v) by the first-order code: −F(v) with latents, else −E. */
  private double marginalLogP(double[] v) {
    if (model.latentSize() == 0) {
      return model.logPTilde(v);
    }
    return -model.capability(FreeEnergy.class).orElseThrow().freeEnergy(v);
  }

  /** ∇θ log p̃(v) by the first-order code. */
  private double[] marginalGradient(double[] v) {
    double[] g = new double[model.params().length];
    if (model.latentSize() == 0) {
      model.accumulateGradient(v, 1, g);
    } else {
      model.capability(FreeEnergy.class).orElseThrow().accumulateMarginalGradient(v, 1, g);
    }
    return g;
  }

  private static double[] along(double[] v, double[] u, double t) {
    double[] out = v.clone();
    for (int k = 0; k < out.length; k++) {
      out[k] += t * u[k];
    }
    return out;
  }

  /**
   * Score matching's second-order members against central differences of the first-order code:
   * the score against log p̃, the line's curvature against the score, the θ-derivatives along the
   * line against the θ-gradient (first and second differences).
   */
  private void checkScores(org.ebm4j.model.Scores sc, double[] x) {
    double[] v = java.util.Arrays.copyOf(x, model.visibleSize());
    double[] u = new double[v.length];
    for (int k = 0; k < u.length; k++) {
      u[k] = rng.nextDouble(-1, 1);
    }
    double[] score = new double[v.length];
    sc.score(v, score);
    double slope = 0;
    for (int k = 0; k < v.length; k++) {
      double h = 1e-5 * Math.max(1, Math.abs(v[k]));
      double[] unit = new double[v.length];
      unit[k] = 1;
      expect("score[" + k + "]", score[k], (marginalLogP(along(v, unit, h)) - marginalLogP(along(v, unit, -h))) / (2 * h), 1e-5);
      slope += u[k] * score[k];
    }
    double[] line = new double[2];
    sc.lineDerivatives(v, u, line);
    expect("lineDerivatives[0] = u.score", line[0], slope, 1e-9);
    double h = 1e-5;
    double[] up = new double[v.length];
    double[] down = new double[v.length];
    sc.score(along(v, u, h), up);
    sc.score(along(v, u, -h), down);
    double curvature = 0;
    for (int k = 0; k < v.length; k++) {
      curvature += u[k] * (up[k] - down[k]) / (2 * h);
    }
    expect("lineDerivatives[1] = u.H.u", line[1], curvature, 1e-5);
    int n = model.params().length;
    double[] lineGrad = new double[n];
    double[] curvatureGrad = new double[n];
    sc.accumulateLineGradient(v, u, 0.7, lineGrad);
    sc.accumulateCurvatureGradient(v, u, 0.7, curvatureGrad);
    double[] g0 = marginalGradient(v);
    double[] gUp = marginalGradient(along(v, u, h));
    double[] gDown = marginalGradient(along(v, u, -h));
    double h2 = 1e-3;
    double[] gUp2 = marginalGradient(along(v, u, h2));
    double[] gDown2 = marginalGradient(along(v, u, -h2));
    checkScoreBatches(sc, v, u);
    checkLaplacian(sc, v);
    for (int k = 0; k < n; k++) {
      String name = model.layout().entryAt(k).name() + " @" + k;
      expect("accumulateLineGradient[" + name + "]", lineGrad[k], 0.7 * (gUp[k] - gDown[k]) / (2 * h), 1e-5);
      expect("accumulateCurvatureGradient[" + name + "]", curvatureGrad[k], 0.7 * (gUp2[k] - 2 * g0[k] + gDown2[k]) / (h2 * h2), 1e-4);
    }
  }

  /**
   * The Laplacian against central differences of the score, and the batched gradients of score
   * matching's three objectives (with one weight and a weight per row) against their composition
   * from the line and curvature members: ½|s|² by the line gradient along s, the exact form's
   * trace by one curvature gradient per unit direction, the sliced form's by one along u, the
   * denoising form ½|s + u|² by the line gradient along s + u.
   */
  private void checkLaplacian(org.ebm4j.model.Scores sc, double[] v) {
    int d = v.length;
    double fd = 0;
    double[] up = new double[d];
    double[] down = new double[d];
    for (int k = 0; k < d; k++) {
      double h = 1e-5 * Math.max(1, Math.abs(v[k]));
      double[] unit = new double[d];
      unit[k] = 1;
      sc.score(along(v, unit, h), up);
      sc.score(along(v, unit, -h), down);
      fd += (up[k] - down[k]) / (2 * h);
    }
    expect("laplacian", sc.laplacian(v), fd, 1e-5);
    int rows = 2;
    double[] vs = new double[rows * d];
    double[] us = new double[rows * d];
    for (int k = 0; k < vs.length; k++) {
      vs[k] = k < d ? v[k] : v[k % d] + 0.3 * rng.nextDouble(-1, 1);
      us[k] = rng.nextDouble(-1, 1);
    }
    double[] ss = new double[rows * d];
    sc.scoreBatch(vs, rows, ss);
    double[] sPlusU = new double[rows * d];
    for (int k = 0; k < ss.length; k++) {
      sPlusU[k] = ss[k] + us[k];
    }
    int n = model.params().length;
    for (double[] weights : new double[][] {null, {0.5, -1.5}}) {
      double weight = 0.7;
      String tag = weights == null ? "" : "(weights)";
      double[] exact = new double[n];
      double[] sliced = new double[n];
      double[] denoising = new double[n];
      sc.accumulateExactObjectiveGradientBatch(vs, rows, weight, weights, exact);
      sc.accumulateSlicedObjectiveGradientBatch(vs, us, rows, weight, weights, sliced);
      sc.accumulateDenoisingObjectiveGradientBatch(vs, us, rows, weight, weights, denoising);
      double[] half = new double[n];
      sc.accumulateLineGradientBatch(vs, ss, rows, weight, weights, half);
      double[] expectExact = half.clone();
      double[] units = new double[rows * d];
      for (int k = 0; k < d; k++) {
        java.util.Arrays.fill(units, 0);
        for (int r = 0; r < rows; r++) {
          units[r * d + k] = 1;
        }
        sc.accumulateCurvatureGradientBatch(vs, units, rows, weight, weights, expectExact);
      }
      double[] expectSliced = half.clone();
      sc.accumulateCurvatureGradientBatch(vs, us, rows, weight, weights, expectSliced);
      double[] expectDenoising = new double[n];
      sc.accumulateLineGradientBatch(vs, sPlusU, rows, weight, weights, expectDenoising);
      for (int k = 0; k < n; k++) {
        expect("accumulateExactObjectiveGradientBatch" + tag + "[" + k + "]", exact[k], expectExact[k], 1e-9);
        expect("accumulateSlicedObjectiveGradientBatch" + tag + "[" + k + "]", sliced[k], expectSliced[k], 1e-9);
        expect("accumulateDenoisingObjectiveGradientBatch" + tag + "[" + k + "]", denoising[k], expectDenoising[k], 1e-9);
      }
    }
  }

  /** The batched Scores members equal the per-row ones, with one weight and with a weight per row. */
  private void checkScoreBatches(org.ebm4j.model.Scores sc, double[] v, double[] u) {
    int rows = 3;
    int d = v.length;
    double[] vs = new double[rows * d];
    double[] us = new double[rows * d];
    for (int k = 0; k < vs.length; k++) {
      vs[k] = k < d ? v[k] : v[k % d] + 0.3 * rng.nextDouble(-1, 1);
      us[k] = k < d ? u[k] : rng.nextDouble(-1, 1);
    }
    double[] weights = {0.5, -1.5, 2.0};
    double[] scores = new double[rows * d];
    sc.scoreBatch(vs, rows, scores);
    int n = model.params().length;
    double[] line = new double[n];
    double[] curvature = new double[n];
    double[] lineWeighted = new double[n];
    sc.accumulateLineGradientBatch(vs, us, rows, 0.7, null, line);
    sc.accumulateCurvatureGradientBatch(vs, us, rows, 0.7, null, curvature);
    sc.accumulateLineGradientBatch(vs, us, rows, 0, weights, lineWeighted);
    double[] expectLine = new double[n];
    double[] expectCurvature = new double[n];
    double[] expectWeighted = new double[n];
    double[] s = new double[d];
    for (int r = 0; r < rows; r++) {
      double[] vr = java.util.Arrays.copyOfRange(vs, r * d, r * d + d);
      double[] ur = java.util.Arrays.copyOfRange(us, r * d, r * d + d);
      sc.score(vr, s);
      for (int k = 0; k < d; k++) {
        expect("scoreBatch[" + r + "," + k + "]", scores[r * d + k], s[k], 1e-9);
      }
      sc.accumulateLineGradient(vr, ur, 0.7, expectLine);
      sc.accumulateCurvatureGradient(vr, ur, 0.7, expectCurvature);
      sc.accumulateLineGradient(vr, ur, weights[r], expectWeighted);
    }
    for (int k = 0; k < n; k++) {
      expect("accumulateLineGradientBatch[" + k + "]", line[k], expectLine[k], 1e-9);
      expect("accumulateCurvatureGradientBatch[" + k + "]", curvature[k], expectCurvature[k], 1e-9);
      expect("accumulateLineGradientBatch(weights)[" + k + "]", lineWeighted[k], expectWeighted[k], 1e-9);
    }
  }

  private void checkBlocks(BlockConditionals bc, double[] x) {
    for (String block : bc.blocks()) {
      Variables.Variable var = model.variables().get(block);
      double[] out = new double[var.size()];
      double[] before = x.clone();
      if (!var.domain().isDiscrete() && !normalizable(var, x)) {
        // A real block whose precision is not positive at these parameters must say so.
        checks++;
        try {
          bc.conditionalFields(block, x, out);
          failures.add("conditionalFields(" + block + ") accepted a non-normalizable conditional");
        } catch (ArithmeticException expected) {
          // as it should
        }
        continue;
      }
      bc.conditionalFields(block, x, out);
      checks++;
      if (!java.util.Arrays.equals(before, x)) {
        failures.add("conditionalFields(" + block + ") modified x");
      }
      if (var.domain().isDiscrete()) {
        checkDiscreteBlock(bc, var, x, out);
      } else {
        checkGaussianBlock(bc, var, x, out);
      }
    }
  }

  /** A categorical block: log weights against energies, the sum over the block, draws against softmaxes. */
  private void checkCategoricalBlock(BlockConditionals bc, Variables.Variable var, double[] x, double[] logWeights) {
    int k = var.group();
    double[] y = x.clone();
    for (int u = 0; u < var.units(); u++) {
      var.setState(y, u, 0);
      double e0 = specEnergy(y);
      for (int a = 1; a < k; a++) {
        var.setState(y, u, a);
        expect("conditionalFields(" + var.name() + ") unit " + u + " state " + a + " minus state 0",
            logWeights[u * k + a] - logWeights[u * k], e0 - specEnergy(y), 1e-9);
      }
      System.arraycopy(x, var.offset() + u * k, y, var.offset() + u * k, k);
    }
    org.ebm4j.model.StateSpace block = org.ebm4j.model.StateSpace.of(List.of(var));
    if (!block.exceeds(MAX_ENUMERATED)) {
      double logSum = Double.NEGATIVE_INFINITY;
      for (long i = 0; i < block.count(); i++) {
        block.load(i, y);
        logSum = Kernels.logAddExp(logSum, -specEnergy(y));
      }
      expect("logSumOverBlock(" + var.name() + ")", bc.logSumOverBlock(var.name(), x), logSum, 1e-9);
    }
    int draws = 2000;
    double[] counts = new double[var.size()];
    java.util.random.RandomGenerator gen = new SplittableRandom(rng.nextLong());
    double[] z = x.clone();
    for (int d = 0; d < draws; d++) {
      bc.sample(var.name(), z, gen);
      for (int u = 0; u < var.units(); u++) {
        counts[u * k + var.stateOf(z, u)]++;
      }
    }
    checkOutsideUnchanged(x, z, var, "sample");
    double[] p = new double[var.size()];
    var.meansOfConditionals(logWeights, 0, p, 0);
    for (int i = 0; i < var.size(); i++) {
      double se = Math.sqrt(p[i] * (1 - p[i]) / draws) + 1e-3;
      expect("sample(" + var.name() + ")[" + i + "] frequency", counts[i] / draws, p[i], 5 * se);
    }
  }

  private void checkDiscreteBlock(BlockConditionals bc, Variables.Variable var, double[] x, double[] fields) {
    if (var.isCategorical()) {
      checkCategoricalBlock(bc, var, x, fields);
      return;
    }
    Domain domain = var.domain();
    double[] y = x.clone();
    for (int k = 0; k < var.size(); k++) {
      int site = var.offset() + k;
      y[site] = domain.high();
      double high = specEnergy(y);
      y[site] = domain.low();
      double low = specEnergy(y);
      y[site] = x[site];
      expect("conditionalFields(" + var.name() + ")[" + k + "]", fields[k], low - high, 1e-9);
    }
    if (var.size() <= MAX_ENUMERATED) {
      double logSum = Double.NEGATIVE_INFINITY;
      for (long mask = 0; mask < (1L << var.size()); mask++) {
        for (int k = 0; k < var.size(); k++) {
          y[var.offset() + k] = domain.value((int) ((mask >> k) & 1));
        }
        logSum = Kernels.logAddExp(logSum, -specEnergy(y));
      }
      expect("logSumOverBlock(" + var.name() + ")", bc.logSumOverBlock(var.name(), x), logSum, 1e-9);
    }
    // sample: unit frequencies against sigmoid(field), 2000 draws, 5 standard errors.
    int draws = 2000;
    double[] ones = new double[var.size()];
    java.util.random.RandomGenerator gen = new SplittableRandom(rng.nextLong());
    double[] z = x.clone();
    for (int d = 0; d < draws; d++) {
      bc.sample(var.name(), z, gen);
      for (int k = 0; k < var.size(); k++) {
        ones[k] += domain.index(z[var.offset() + k]);
      }
    }
    checkOutsideUnchanged(x, z, var, "sample");
    for (int k = 0; k < var.size(); k++) {
      double p = Kernels.sigmoid(fields[k]);
      double se = Math.sqrt(p * (1 - p) / draws) + 1e-3;
      expect("sample(" + var.name() + ")[" + k + "] frequency", ones[k] / draws, p, 5 * se);
    }
  }

  private void checkOutsideUnchanged(double[] x, double[] z, Variables.Variable var, String what) {
    checks++;
    for (int i = 0; i < x.length; i++) {
      boolean inside = i >= var.offset() && i < var.offset() + var.size();
      if (!inside && x[i] != z[i]) {
        failures.add(what + "(" + var.name() + ") changed unit " + i + " outside its block");
        return;
      }
      if (inside && !var.domain().contains(z[i])) {
        failures.add(what + "(" + var.name() + ") wrote " + z[i] + ", outside the domain");
        return;
      }
    }
  }

  /** Whether E is strictly convex in every unit of a real block (finite conditional). */
  private boolean normalizable(Variables.Variable var, double[] x) {
    for (int k = 0; k < var.size(); k++) {
      if (!(quadratic(x, var.offset() + k)[0] > 1e-9)) {
        return false;
      }
    }
    return true;
  }

  /** {a, b} of E as a function of x[site] alone, a·u² + b·u + c, from the spec at u = 0, ±1. */
  private double[] quadratic(double[] x, int site) {
    double[] y = x.clone();
    y[site] = 0;
    double e0 = specEnergy(y);
    y[site] = 1;
    double e1 = specEnergy(y);
    y[site] = -1;
    double em = specEnergy(y);
    return new double[] {(e1 + em - 2 * e0) / 2, (e1 - em) / 2};
  }

  private void checkGaussianBlock(BlockConditionals bc, Variables.Variable var, double[] x, double[] means) {
    // E as a function of unit k alone is a_k x² + b_k x + c.
    double[] a = new double[var.size()];
    double[] b = new double[var.size()];
    for (int k = 0; k < var.size(); k++) {
      double[] ab = quadratic(x, var.offset() + k);
      a[k] = ab[0];
      b[k] = ab[1];
      expect("conditionalFields(" + var.name() + ")[" + k + "] (mean)", means[k], -b[k] / (2 * a[k]), 1e-7);
    }
    if (var.size() <= 2) {
      expect("logSumOverBlock(" + var.name() + ")", bc.logSumOverBlock(var.name(), x), integrate(var, x, means, a), 1e-6);
    }
    int draws = 4000;
    double[] sum = new double[var.size()];
    double[] sumSq = new double[var.size()];
    java.util.random.RandomGenerator gen = new SplittableRandom(rng.nextLong());
    double[] z = x.clone();
    for (int d = 0; d < draws; d++) {
      bc.sample(var.name(), z, gen);
      for (int k = 0; k < var.size(); k++) {
        double u = z[var.offset() + k];
        sum[k] += u;
        sumSq[k] += u * u;
      }
    }
    checkOutsideUnchanged(x, z, var, "sample");
    for (int k = 0; k < var.size(); k++) {
      double variance = 1 / (2 * a[k]);
      double mean = sum[k] / draws;
      expect("sample(" + var.name() + ")[" + k + "] mean", mean, means[k], 5 * Math.sqrt(variance / draws));
      expect("sample(" + var.name() + ")[" + k + "] variance", sumSq[k] / draws - mean * mean, variance, 0.1 * variance);
    }
  }

  /** log ∫ exp(−E) over a block of one or two real units, by the trapezoid rule on ±10 sd. */
  private double integrate(Variables.Variable var, double[] x, double[] means, double[] a) {
    int n = var.size();
    int points = n == 1 ? 4001 : 401;
    double[] lo = new double[n];
    double[] step = new double[n];
    for (int k = 0; k < n; k++) {
      double sd = Math.sqrt(1 / (2 * a[k]));
      lo[k] = means[k] - 10 * sd;
      step[k] = 20 * sd / (points - 1);
    }
    double[] y = x.clone();
    double logSum = Double.NEGATIVE_INFINITY;
    int total = n == 1 ? points : points * points;
    for (int idx = 0; idx < total; idx++) {
      double logWeight = 0;
      int rest = idx;
      for (int k = 0; k < n; k++) {
        int i = rest % points;
        rest /= points;
        y[var.offset() + k] = lo[k] + i * step[k];
        logWeight += Math.log(step[k] * (i == 0 || i == points - 1 ? 0.5 : 1));
      }
      logSum = Kernels.logAddExp(logSum, logWeight - specEnergy(y));
    }
    return logSum;
  }

  /** Each categorical unit's log weights against −E at each of its states; y is x and is left so. */
  private void checkCategoricalSites(SiteConditionals sc, Variables.Variable var, double[] x, double[] y) {
    double[] w = new double[var.group()];
    for (int u = 0; u < var.units(); u++) {
      // Any entry of the unit names it.
      sc.categoricalLogWeights(x, var.offset() + u * var.group() + (u % var.group()), w);
      for (int a = 0; a < var.group(); a++) {
        var.setState(y, u, a);
        expect("categoricalLogWeights(unit " + u + " of " + var.name() + ")[" + a + "]", w[a], -specEnergy(y), 1e-9);
      }
      System.arraycopy(x, var.offset() + u * var.group(), y, var.offset() + u * var.group(), var.group());
    }
    checks++;
    if (!java.util.Arrays.equals(x, y)) {
      failures.add("categoricalLogWeights did not restore x");
    }
  }

  private void checkSites(SiteConditionals sc, double[] x) {
    double[] y = x.clone();
    for (Variables.Variable var : model.variables().all()) {
      if (var.isCategorical()) {
        checkCategoricalSites(sc, var, x, y);
        continue;
      }
      if (!var.domain().isDiscrete()) {
        continue;
      }
      double[] values = var.domain().unitValues();
      for (int k = 0; k < var.size(); k++) {
        int site = var.offset() + k;
        y[site] = values[1];
        double high = specEnergy(y);
        y[site] = values[0];
        double low = specEnergy(y);
        y[site] = x[site];
        expect("conditionalLogit(" + site + ")", sc.conditionalLogit(x, site), low - high, 1e-9);
      }
    }
    checks++;
    if (!java.util.Arrays.equals(x, y)) {
      failures.add("conditionalLogit did not restore x");
    }
    for (Variables.Variable var : model.variables().all()) {
      if (var.domain() == Domain.REAL) {
        checks++;
        try {
          sc.conditionalLogit(x, var.offset());
          failures.add("conditionalLogit accepted a real unit");
        } catch (IllegalArgumentException expected) {
          // as it should
        }
      }
    }
  }
}
