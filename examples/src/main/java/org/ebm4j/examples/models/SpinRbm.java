package org.ebm4j.examples.models;

import static org.ebm4j.dsl.Ops.dot;
import static org.ebm4j.dsl.Ops.matvec;

import org.ebm4j.dsl.Binary;
import org.ebm4j.dsl.Energy;
import org.ebm4j.dsl.EnergyModel;
import org.ebm4j.dsl.Latent;
import org.ebm4j.dsl.Param;
import org.ebm4j.dsl.Shape;
import org.ebm4j.dsl.Spin;
import org.ebm4j.dsl.Visible;

/** An RBM with ±1 hidden units: E(v, s) = −bᵀv − cᵀs − sᵀWv, so F(v) = −bᵀv − Σ log 2cosh(c + Wv). */
@EnergyModel
public class SpinRbm {
  @Param(shape = "visible")
  double[] b;

  @Param(shape = "hidden")
  double[] c;

  @Param(shape = {"hidden", "visible"}, init = "normal(0.01)")
  double[][] w;

  @Energy
  double energy(
      @Visible @Binary @Shape("visible") double[] v, @Latent @Spin @Shape("hidden") double[] s) {
    return -dot(b, v) - dot(c, s) - dot(s, matvec(w, v));
  }
}
