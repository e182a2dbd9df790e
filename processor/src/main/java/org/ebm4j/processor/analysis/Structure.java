package org.ebm4j.processor.analysis;

import java.util.List;
import java.util.Map;

/**
 * The structure proven for one energy, which decides the capabilities of the generated model.
 *
 * @param degrees per variable, the degree of E in it (0, 1, 2, or {@link
 *     StructureAnalysis#NONPOLYNOMIAL})
 * @param latentDegree degree of E in all latent variables jointly
 * @param freeEnergy whether the latents can be summed out analytically
 * @param blocks variables with a product conditional, by name, in state order
 * @param sites binary and spin variables
 * @param roles parameters proven to enter the energy only as a coupling or a bias
 * @param neighbours per variable, the variables it shares a term of the energy with ({@link
 *     InteractionAnalysis}); blocks that are not neighbours are independent given the rest
 * @param affineApartFromCouplings discrete variables x in which E is affine once its couplings
 *     c·xᵀWx of x with itself (roles) are taken out: a unit's conditional then follows from ∂E/∂x
 *     and the couplings' blocks, for all units at once
 */
public record Structure(
    Map<String, Integer> degrees,
    int latentDegree,
    boolean freeEnergy,
    Map<String, BlockKind> blocks,
    List<String> sites,
    Roles roles,
    Map<String, List<String>> neighbours,
    List<String> affineApartFromCouplings) {

  /** Pairs of interacting variables, each once, as "a–b", in state order. */
  public List<String> interactions() {
    List<String> out = new java.util.ArrayList<>();
    List<String> order = List.copyOf(neighbours.keySet());
    neighbours.forEach((a, ns) -> ns.stream().filter(b -> order.indexOf(b) > order.indexOf(a)).forEach(b -> out.add(a + "–" + b)));
    return out;
  }


  /** The conditional distribution of a block's units. */
  public enum BlockKind {
    /** Binary units, energy affine in them: independent Bernoullis. */
    BINARY,
    /** Spin units, energy affine in them: independent ±1 units. */
    SPIN,
    /** Real units, energy quadratic without cross terms: independent Gaussians. */
    GAUSSIAN,
    /** Categorical units (one-hot groups), energy affine in them: independent softmaxes of −field. */
    CATEGORICAL
  }
}
