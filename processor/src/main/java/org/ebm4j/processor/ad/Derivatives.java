package org.ebm4j.processor.ad;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Shape;

/**
 * The programs a generated model is made of, all in the IR: the energy, its gradient in θ (seeded
 * with −weight, so that it adds weight · ∇θ log p̃), and its gradients in sets of variables
 * (seeded with scale), one per set some member needs.
 *
 * @param energy E(x; θ)
 * @param paramGradient {@code OUT[param] += −weight · ∂E/∂param}
 * @param stateGradients per set of variable names, {@code OUT[var] += scale · ∂E/∂var}
 * @param batchStateGradients per variable, {@code OUT[var] += ∂E/∂var}, for energies lowered in batches
 * @param precisions per Gaussian block variable, {@code OUT[var] += scale · H·x} restricted to the
 *     block, H its Hessian: forward mode over the block's gradient in the direction of the state
 *     itself. The block is proven quadratic without cross terms, so at block values of one this is
 *     the precision ∂²E/∂x_k² exactly, with no difference of two gradients to cancel.
 * @param scores the second-order programs of score matching, or null where the visible units are
 *     not all real or latents have no free energy
 */
public record Derivatives(EnergyFunction energy, EnergyFunction paramGradient, Map<Set<String>, EnergyFunction> stateGradients,
    Map<String, EnergyFunction> batchStateGradients, Map<String, EnergyFunction> precisions, Scores scores) {

  /** The suffix of a direction's input (u for v is {@code v~}) and of a tangent's output. */
  public static final String TANGENT = "~";

  /**
   * Derivatives of the marginal energy M(v) ({@link Marginal}: the free energy, or E without latents)
   * along the line v + εu, u given per visible variable {@code x} as the input {@code x~}:
   *
   * @param score {@code OUT[x] += −∂M/∂x} for each visible variable: ∇ᵥ log p̃
   * @param line {@code OUT[~] += dM/dε} and {@code OUT[~~] += d²M/dε²} (forward mode twice)
   * @param lineGradient {@code OUT[θ~] += weight · d/dε ∇θ log p̃}: forward over reverse
   * @param curvatureGradient {@code OUT[θ~~] += weight · d²/dε² ∇θ log p̃}: forward twice over reverse
   * @param laplacian M's value and, as its result, Δᵥ M, the trace of its Hessian in one sweep
   *     ({@link LaplacianMode}); null where that transformation has no rule for M (the Laplacian is
   *     then the sum of the curvatures along each unit)
   * @param objectiveGradients per form, {@code OUT[θ] += weight · ∇θ J} for score matching's objective J
   *     at one state ({@link LaplacianMode#objective}: reverse over the one-sweep program; the sliced
   *     and denoising forms read the direction {@code v~}), for each form the transformation has rules for
   */
  public record Scores(EnergyFunction score, EnergyFunction line, EnergyFunction lineGradient, EnergyFunction curvatureGradient,
      EnergyFunction laplacian, Map<LaplacianMode.Form, EnergyFunction> objectiveGradients) {
    Scores map(java.util.function.UnaryOperator<EnergyFunction> pass) {
      Map<LaplacianMode.Form, EnergyFunction> objectives = new java.util.EnumMap<>(LaplacianMode.Form.class);
      objectiveGradients.forEach((form, g) -> objectives.put(form, pass.apply(g)));
      return new Scores(pass.apply(score), pass.apply(line), pass.apply(lineGradient), pass.apply(curvatureGradient),
          laplacian == null ? null : pass.apply(laplacian), objectives);
    }
  }

  /**
   * Differentiates {@code f} for every variable set in {@code sets} (in order), if {@code
   * batched} for each variable alone with seed 1 (the batched members overwrite ∂E/∂x), and twice
   * for each variable of {@code gaussianBlocks}.
   */
  public static Derivatives of(EnergyFunction f, List<Set<String>> sets, boolean batched, List<String> gaussianBlocks) {
    return of(f, sets, batched, gaussianBlocks, false);
  }

  /** The same, with the score-matching programs when {@code scores}. */
  public static Derivatives of(EnergyFunction f, List<Set<String>> sets, boolean batched, List<String> gaussianBlocks, boolean scores) {
    EnergyFunction params = ReverseMode.gradient(f, v -> v.op() == Op.PARAM, b -> b.neg(b.leaf(Op.ARG, "weight", Shape.SCALAR)));
    Map<Set<String>, EnergyFunction> states = new LinkedHashMap<>();
    for (Set<String> vars : sets) {
      Set<String> key = new LinkedHashSet<>(vars);
      states.computeIfAbsent(key, k -> ReverseMode.gradient(f, v -> v.op() == Op.VAR && k.contains(v.name()), b -> b.leaf(Op.ARG, "scale", Shape.SCALAR)));
    }
    Map<String, EnergyFunction> batch = new LinkedHashMap<>();
    if (batched) {
      for (org.ebm4j.processor.ir.Value v : f.values()) {
        if (v.op() == Op.VAR) {
          batch.put(v.name(), ReverseMode.gradient(f, x -> x.op() == Op.VAR && x.name().equals(v.name()), b -> b.constant(1)));
        }
      }
    }
    Map<String, EnergyFunction> precisions = new LinkedHashMap<>();
    for (String block : gaussianBlocks) {
      EnergyFunction g = ReverseMode.gradient(f, v -> v.op() == Op.VAR && v.name().equals(block), b -> b.leaf(Op.ARG, "scale", Shape.SCALAR));
      // Suffix "": the tangent of OUT[block] is written as OUT[block] (the gradient itself is not kept).
      precisions.put(block, ForwardMode.jvp(g, Map.of(block, block), "", false));
    }
    return new Derivatives(f, params, states, batch, precisions, scores ? scores(f) : null);
  }

  /** The score-matching programs of {@code f}, whose visible units are real and latents summable. */
  static Scores scores(EnergyFunction f) {
    EnergyFunction m = Marginal.energy(f);
    Map<String, String> directions = new LinkedHashMap<>();
    f.variables().stream().filter(org.ebm4j.processor.ir.Variable::visible).forEach(v -> directions.put(v.name(), v.name() + TANGENT));
    EnergyFunction score = ReverseMode.gradient(m, v -> v.op() == Op.VAR && directions.containsKey(v.name()), b -> b.constant(-1));
    EnergyFunction line = ForwardMode.jvp(ForwardMode.jvp(m, directions, TANGENT, false), directions, TANGENT, true);
    EnergyFunction params = ReverseMode.gradient(m, v -> v.op() == Op.PARAM, b -> b.neg(b.leaf(Op.ARG, "weight", Shape.SCALAR)));
    EnergyFunction lineGradient = ForwardMode.jvp(params, directions, TANGENT, false);
    EnergyFunction curvatureGradient = ForwardMode.jvp(lineGradient, directions, TANGENT, false);
    EnergyFunction laplacian = LaplacianMode.laplacian(m);
    Map<LaplacianMode.Form, EnergyFunction> objectives = new java.util.EnumMap<>(LaplacianMode.Form.class);
    for (LaplacianMode.Form form : LaplacianMode.Form.values()) {
      EnergyFunction j = LaplacianMode.objective(m, form);
      if (j != null) {
        objectives.put(form, ReverseMode.gradient(j, v -> v.op() == Op.PARAM, b -> b.leaf(Op.ARG, "weight", Shape.SCALAR)));
      }
    }
    return new Scores(score, line, lineGradient, curvatureGradient, laplacian, objectives);
  }

  /** The same programs after {@code pass}. */
  public Derivatives map(java.util.function.UnaryOperator<EnergyFunction> pass) {
    Map<Set<String>, EnergyFunction> states = new LinkedHashMap<>();
    stateGradients.forEach((k, g) -> states.put(k, pass.apply(g)));
    Map<String, EnergyFunction> batch = new LinkedHashMap<>();
    batchStateGradients.forEach((k, g) -> batch.put(k, pass.apply(g)));
    Map<String, EnergyFunction> precision = new LinkedHashMap<>();
    precisions.forEach((k, g) -> precision.put(k, pass.apply(g)));
    return new Derivatives(pass.apply(energy), pass.apply(paramGradient), states, batch, precision, scores == null ? null : scores.map(pass));
  }
}
