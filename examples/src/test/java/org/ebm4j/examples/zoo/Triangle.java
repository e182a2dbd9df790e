package org.ebm4j.examples.zoo;

import static org.ebm4j.dsl.Ops.*;

import org.ebm4j.dsl.*;

/** Every pair of groups interacts: v–h1, v–h2 and h1–h2; only one group at a time can be summed out. */
@EnergyModel
public class Triangle {
  @Param(shape = "n", init = "normal(0.5)") double[] b;
  @Param(shape = {"n", "m1"}, init = "normal(0.5)") double[][] w1;
  @Param(shape = {"n", "m2"}, init = "normal(0.5)") double[][] u;
  @Param(shape = {"m1", "m2"}, init = "normal(0.5)") double[][] w2;

  @Energy
  double energy(@Visible @Binary @Shape("n") double[] v, @Latent @Binary @Shape("m1") double[] h1, @Latent @Binary @Shape("m2") double[] h2) {
    return -dot(b, v) - bilinear(v, w1, h1) - bilinear(v, u, h2) - bilinear(h1, w2, h2);
  }
}
