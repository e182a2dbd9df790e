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
 */
public record Structure(
    Map<String, Integer> degrees,
    int latentDegree,
    boolean freeEnergy,
    Map<String, BlockKind> blocks,
    List<String> sites,
    Roles roles) {

  /** The conditional distribution of a block's units. */
  public enum BlockKind {
    /** Binary units, energy affine in them: independent Bernoullis. */
    BINARY,
    /** Spin units, energy affine in them: independent ±1 units. */
    SPIN,
    /** Real units, energy quadratic without cross terms: independent Gaussians. */
    GAUSSIAN
  }
}
