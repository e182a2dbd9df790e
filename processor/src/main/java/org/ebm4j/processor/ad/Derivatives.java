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
 */
public record Derivatives(EnergyFunction energy, EnergyFunction paramGradient, Map<Set<String>, EnergyFunction> stateGradients) {

  /** Differentiates {@code f} for every variable set in {@code sets} (in order). */
  public static Derivatives of(EnergyFunction f, List<Set<String>> sets) {
    EnergyFunction params = ReverseMode.gradient(f, v -> v.op() == Op.PARAM, b -> b.neg(b.leaf(Op.ARG, "weight", Shape.SCALAR)));
    Map<Set<String>, EnergyFunction> states = new LinkedHashMap<>();
    for (Set<String> vars : sets) {
      Set<String> key = new LinkedHashSet<>(vars);
      states.computeIfAbsent(key, k -> ReverseMode.gradient(f, v -> v.op() == Op.VAR && k.contains(v.name()), b -> b.leaf(Op.ARG, "scale", Shape.SCALAR)));
    }
    return new Derivatives(f, params, states);
  }

  /** The same programs after {@code pass}. */
  public Derivatives map(java.util.function.UnaryOperator<EnergyFunction> pass) {
    Map<Set<String>, EnergyFunction> states = new LinkedHashMap<>();
    stateGradients.forEach((k, g) -> states.put(k, pass.apply(g)));
    return new Derivatives(pass.apply(energy), pass.apply(paramGradient), states);
  }
}
