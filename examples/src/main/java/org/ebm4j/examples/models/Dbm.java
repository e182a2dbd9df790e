package org.ebm4j.examples.models;

import static org.ebm4j.dsl.Ops.bilinear;
import static org.ebm4j.dsl.Ops.dot;

import org.ebm4j.dsl.Binary;
import org.ebm4j.dsl.Energy;
import org.ebm4j.dsl.EnergyModel;
import org.ebm4j.dsl.Latent;
import org.ebm4j.dsl.Param;
import org.ebm4j.dsl.Shape;
import org.ebm4j.dsl.Visible;

/**
 * A two-layer deep Boltzmann machine: E(v, h1, h2) = −bᵀv − c1ᵀh1 − c2ᵀh2 − vᵀW1h1 − h1ᵀW2h2. The
 * processor proves v and h2 independent given h1 (and h1 given both), so exact sums enumerate one
 * layer with its neighbours summed out.
 */
@EnergyModel
public class Dbm {
  @Param(shape = "visible")
  double[] b;

  @Param(shape = "h1")
  double[] c1;

  @Param(shape = "h2")
  double[] c2;

  @Param(shape = {"visible", "h1"}, init = "normal(0.01)")
  double[][] w1;

  @Param(shape = {"h1", "h2"}, init = "normal(0.01)")
  double[][] w2;

  @Energy
  double energy(@Visible @Binary @Shape("visible") double[] v, @Latent @Binary @Shape("h1") double[] h1,
      @Latent @Binary @Shape("h2") double[] h2) {
    return -dot(b, v) - dot(c1, h1) - dot(c2, h2) - bilinear(v, w1, h1) - bilinear(h1, w2, h2);
  }
}
