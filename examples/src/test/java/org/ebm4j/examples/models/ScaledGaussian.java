package org.ebm4j.examples.models;

import static org.ebm4j.dsl.Ops.*;

import org.ebm4j.dsl.Binary;
import org.ebm4j.dsl.Energy;
import org.ebm4j.dsl.EnergyModel;
import org.ebm4j.dsl.Latent;
import org.ebm4j.dsl.Param;
import org.ebm4j.dsl.Real;
import org.ebm4j.dsl.Shape;
import org.ebm4j.dsl.Visible;

/** A Gaussian–Bernoulli energy whose visible precision s is a parameter (normalisable for s > 0 only). */
@EnergyModel
public class ScaledGaussian {
  @Param(init = "constant(1)")
  double s;

  @Param(shape = {"visible", "hidden"})
  double[][] w;

  @Energy
  double energy(@Visible @Real @Shape("visible") double[] v, @Latent @Binary @Shape("hidden") double[] h) {
    return 0.5 * s * sumSquares(v) - bilinear(v, w, h);
  }
}
