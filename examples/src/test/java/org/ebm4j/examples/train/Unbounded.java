package org.ebm4j.examples.train;

import org.ebm4j.dsl.Energy;
import org.ebm4j.dsl.EnergyModel;
import org.ebm4j.dsl.Param;
import org.ebm4j.dsl.Real;
import org.ebm4j.dsl.Shape;
import org.ebm4j.dsl.Visible;

/** E(x) = Σ (m_i − x_i): exp(−E) grows without bound in x, so no distribution exists. */
@EnergyModel
public class Unbounded {
  @Param(shape = "d")
  double[] m;

  @Energy
  double energy(@Visible @Real @Shape("d") double[] x) {
    double e = 0;
    for (int i = 0; i < x.length; i++) {
      e += m[i] - x[i];
    }
    return e;
  }
}
