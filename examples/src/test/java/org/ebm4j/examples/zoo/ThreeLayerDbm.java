package org.ebm4j.examples.zoo;

import static org.ebm4j.dsl.Ops.*;

import org.ebm4j.dsl.*;

/** A three-layer DBM, its couplings written as loops. */
@EnergyModel
public class ThreeLayerDbm {
  @Param(shape = "n", init = "normal(0.5)") double[] b;
  @Param(shape = {"n", "m1"}, init = "normal(0.5)") double[][] w1;
  @Param(shape = {"m1", "m2"}, init = "normal(0.5)") double[][] w2;
  @Param(shape = {"m2", "m3"}, init = "normal(0.5)") double[][] w3;

  @Energy
  double energy(@Visible @Binary @Shape("n") double[] v, @Latent @Binary @Shape("m1") double[] h1,
      @Latent @Binary @Shape("m2") double[] h2, @Latent @Binary @Shape("m3") double[] h3) {
    double e = -dot(b, v) - bilinear(v, w1, h1);
    for (int j = 0; j < h1.length; j++) {
      for (int k = 0; k < h2.length; k++) {
        e -= h1[j] * w2[j][k] * h2[k];
      }
    }
    return e - bilinear(h2, w3, h3);
  }
}
