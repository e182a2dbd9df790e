package org.ebm4j.examples.zoo;

import static org.ebm4j.dsl.Ops.*;

import org.ebm4j.dsl.*;

/** A DBM with ±1 units in every layer. */
@EnergyModel
public class SpinDbm {
  @Param(shape = "n", init = "normal(0.5)") double[] b;
  @Param(shape = {"n", "m1"}, init = "normal(0.5)") double[][] w1;
  @Param(shape = {"m1", "m2"}, init = "normal(0.5)") double[][] w2;

  @Energy
  double energy(@Visible @Spin @Shape("n") double[] v, @Latent @Spin @Shape("m1") double[] h1, @Latent @Spin @Shape("m2") double[] h2) {
    return -dot(b, v) - bilinear(v, w1, h1) - bilinear(h1, w2, h2);
  }
}
