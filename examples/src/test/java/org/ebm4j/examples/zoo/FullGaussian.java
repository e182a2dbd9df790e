package org.ebm4j.examples.zoo;

import static org.ebm4j.dsl.Ops.*;

import org.ebm4j.dsl.*;

/** A Gaussian with a full precision I + (A + Aᵀ)/2 and mean (I + (A + Aᵀ)/2)⁻¹ b. */
@EnergyModel
public class FullGaussian {
  @Param(shape = "n") double[] b;
  @Param(shape = {"n", "n"}, init = "normal(0.01)") double[][] a;

  @Energy
  double energy(@Visible @Real @Shape("n") double[] x) {
    return 0.5 * sumSquares(x) + 0.5 * bilinear(x, a, x) - dot(b, x);
  }
}
