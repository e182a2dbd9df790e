package org.ebm4j.examples.sampling;

import org.ebm4j.dsl.Energy;
import org.ebm4j.dsl.EnergyModel;
import org.ebm4j.dsl.Param;
import org.ebm4j.dsl.Real;
import org.ebm4j.dsl.Visible;

/** A bimodal density in one dimension: E(x) = (x² − a)² / 8, wells at ±√a. */
@EnergyModel
public class DoubleWell {
  @Param(init = "constant(9)")
  double a;

  @Energy
  double energy(@Visible @Real double x) {
    double d = x * x - a;
    return d * d / 8;
  }
}
