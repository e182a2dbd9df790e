package org.ebm4j.examples.train;

import org.ebm4j.dsl.Energy;
import org.ebm4j.dsl.EnergyModel;
import org.ebm4j.dsl.Param;
import org.ebm4j.dsl.Real;
import org.ebm4j.dsl.Shape;
import org.ebm4j.dsl.Visible;

/** Independent Gaussians with learned means m and log-precisions s: E(x) = Σ e^{s_i} (x_i − m_i)² / 2. */
@EnergyModel
public class DiagonalGaussian {
  @Param(shape = "d")
  double[] m;

  @Param(shape = "d")
  double[] s;

  @Energy
  double energy(@Visible @Real @Shape("d") double[] x) {
    double e = 0;
    for (int i = 0; i < x.length; i++) {
      double d = x[i] - m[i];
      e += Math.exp(s[i]) * d * d / 2;
    }
    return e;
  }
}
