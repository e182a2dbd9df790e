package org.ebm4j.examples.sampling;

import static org.ebm4j.dsl.Ops.dot;
import static org.ebm4j.dsl.Ops.matvec;
import static org.ebm4j.dsl.Ops.sub;

import org.ebm4j.dsl.Energy;
import org.ebm4j.dsl.EnergyModel;
import org.ebm4j.dsl.Param;
import org.ebm4j.dsl.Real;
import org.ebm4j.dsl.Shape;
import org.ebm4j.dsl.Visible;

/** A Gaussian with full precision matrix P: E(x) = ½ (x − m)ᵀ P (x − m). */
@EnergyModel
public class GaussianEnergy {
  @Param(shape = {"d", "d"})
  double[][] p;

  @Param(shape = "d")
  double[] m;

  @Energy
  double energy(@Visible @Real @Shape("d") double[] x) {
    double[] centered = sub(x, m);
    return 0.5 * dot(centered, matvec(p, centered));
  }
}
