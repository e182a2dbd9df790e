package org.ebm4j.examples.models;

import static org.ebm4j.dsl.Ops.add;
import static org.ebm4j.dsl.Ops.dot;
import static org.ebm4j.dsl.Ops.matvec;
import static org.ebm4j.dsl.Ops.softplus;
import static org.ebm4j.dsl.Ops.sum;
import static org.ebm4j.dsl.Ops.sumSquares;
import static org.ebm4j.dsl.Ops.tanh;

import org.ebm4j.dsl.Energy;
import org.ebm4j.dsl.EnergyModel;
import org.ebm4j.dsl.Param;
import org.ebm4j.dsl.Real;
import org.ebm4j.dsl.Shape;
import org.ebm4j.dsl.Visible;

/**
 * A neural energy over real vectors: E(x) = ½|x|²/σ² − aᵀ tanh(Wx + c) + softplus terms. The
 * Gaussian term keeps exp(−E) integrable; the network term, bounded by Σ|a| + const·|x|, shapes it.
 */
@EnergyModel
public class TanhEnergy {
  @Param(shape = {"hidden", "dim"}, init = "normal(0.5)")
  double[][] w;

  @Param(shape = "hidden")
  double[] c;

  @Param(shape = "hidden", init = "normal(0.5)")
  double[] a;

  @Param(init = "constant(1)")
  double logSigma;

  @Energy
  double energy(@Visible @Real @Shape("dim") double[] x) {
    double[] pre = add(matvec(w, x), c);
    double quadratic = 0.5 * sumSquares(x) * Math.exp(-2 * logSigma);
    return quadratic - dot(a, tanh(pre)) + 0.1 * sum(softplus(pre)) / (1 + sumSquares(x));
  }
}
