package org.ebm4j.examples.models;

import org.ebm4j.dsl.Binary;
import org.ebm4j.dsl.Energy;
import org.ebm4j.dsl.EnergyModel;
import org.ebm4j.dsl.Param;
import org.ebm4j.dsl.Shape;
import org.ebm4j.dsl.Visible;

/** A fully visible Boltzmann machine written with loops: E(x) = −Σ_i b_i x_i − Σ_{i&lt;j} W_ij x_i x_j. */
@EnergyModel
public class FullyVisibleBm {
  @Param(shape = "units")
  double[] b;

  @Param(shape = {"units", "units"}, init = "normal(0.01)")
  double[][] w;

  @Energy
  double energy(@Visible @Binary @Shape("units") double[] x) {
    double e = 0;
    for (int i = 0; i < x.length; i++) {
      e -= b[i] * x[i];
      for (int j = i + 1; j < x.length; j++) {
        e -= w[i][j] * x[i] * x[j];
      }
    }
    return e;
  }
}
