package org.ebm4j.examples.zoo;

import static org.ebm4j.dsl.Ops.*;

import org.ebm4j.dsl.*;

/** A two-layer network energy over real vectors: outside the one-sweep Laplacian's rules (W₂ f(W₁x)). */
@EnergyModel
public class TwoLayerEnergy {
  @Param(shape = {"hidden", "n"}, init = "normal(0.5)") double[][] w1;
  @Param(shape = {"out", "hidden"}, init = "normal(0.5)") double[][] w2;

  @Energy
  double energy(@Visible @Real @Shape("n") double[] x) {
    return 0.5 * sumSquares(x) - sum(tanh(matvec(w2, tanh(matvec(w1, x)))));
  }
}
