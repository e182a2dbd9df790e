package org.ebm4j.examples.models;

import static org.ebm4j.dsl.Ops.bilinear;
import static org.ebm4j.dsl.Ops.dot;
import static org.ebm4j.dsl.Ops.sub;
import static org.ebm4j.dsl.Ops.sumSquares;

import org.ebm4j.dsl.Binary;
import org.ebm4j.dsl.Energy;
import org.ebm4j.dsl.EnergyModel;
import org.ebm4j.dsl.Latent;
import org.ebm4j.dsl.Param;
import org.ebm4j.dsl.Real;
import org.ebm4j.dsl.Shape;
import org.ebm4j.dsl.Visible;

/**
 * A Gaussian–Bernoulli RBM with unit variances: E(v, h) = ½|v − b|² − cᵀh − vᵀWh. Given h, v is
 * Gaussian with mean b + Wh; given v, h is Bernoulli.
 */
@EnergyModel
public class GaussianBernoulliRbm {
  @Param(shape = "visible")
  double[] b;

  @Param(shape = "hidden")
  double[] c;

  @Param(shape = {"visible", "hidden"}, init = "normal(0.01)")
  double[][] w;

  @Energy
  double energy(
      @Visible @Real @Shape("visible") double[] v, @Latent @Binary @Shape("hidden") double[] h) {
    return 0.5 * sumSquares(sub(v, b)) - dot(c, h) - bilinear(v, w, h);
  }
}
