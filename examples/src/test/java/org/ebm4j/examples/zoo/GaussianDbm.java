package org.ebm4j.examples.zoo;

import static org.ebm4j.dsl.Ops.*;

import org.ebm4j.dsl.*;

/** A DBM with real visible units (unit variance) under two binary layers. */
@EnergyModel
public class GaussianDbm {
  @Param(shape = "n", init = "normal(0.5)") double[] b;
  @Param(shape = "m2", init = "normal(0.5)") double[] c2;
  @Param(shape = {"n", "m1"}, init = "normal(0.5)") double[][] w1;
  @Param(shape = {"m1", "m2"}, init = "normal(0.5)") double[][] w2;

  @Energy
  double energy(@Visible @Real @Shape("n") double[] v, @Latent @Binary @Shape("m1") double[] h1, @Latent @Binary @Shape("m2") double[] h2) {
    return 0.5 * sumSquares(sub(v, b)) - dot(c2, h2) - bilinear(v, w1, h1) - bilinear(h1, w2, h2);
  }
}
