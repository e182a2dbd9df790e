package org.ebm4j.model;

import java.util.List;

/**
 * Parameters that the processor proved to enter log p̃ only through one term: a coupling c · aᵀ W
 * b between two variables, or a bias c · θᵀ a of one variable. Their gradients are the sufficient
 * statistics ∇W log p̃ = c · a bᵀ and ∇θ log p̃ = c · a; methods that reason about exponential-family
 * parameters (centering, for one) read them here instead of probing the model.
 */
public interface ParameterRoles {
  /**
   * log p̃ ⊇ coefficient · leftᵀ W right, W the parameter {@code param} of shape (left, right) and
   * in no other term.
   */
  record Coupling(String param, String left, String right, double coefficient) {}

  /** log p̃ ⊇ coefficient · θᵀ x, θ the parameter {@code param} and in no other term. */
  record Bias(String param, String variable, double coefficient) {}

  /** The couplings, by parameter name. */
  List<Coupling> couplings();

  /** The biases, by parameter name. */
  List<Bias> biases();

  /**
   * Discrete variables x in which E is affine once the couplings c · xᵀWx of x with itself are
   * taken out (a Potts model's s, a fully visible BM written with a matrix): changing one unit of x
   * by δ changes log p̃ by −∂E/∂x · δ + Σ c · δᵀWδ, so every unit's conditional follows from one
   * gradient and the couplings' blocks.
   */
  default List<String> affineApartFromCouplings() {
    return List.of();
  }
}
