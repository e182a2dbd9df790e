package org.ebm4j.examples.models;

import static org.ebm4j.dsl.Ops.bilinear;
import static org.ebm4j.dsl.Ops.dot;

import org.ebm4j.dsl.Categorical;
import org.ebm4j.dsl.Energy;
import org.ebm4j.dsl.EnergyModel;
import org.ebm4j.dsl.Param;
import org.ebm4j.dsl.Shape;
import org.ebm4j.dsl.Visible;

/**
 * A Potts model, E(s) = −Σᵢ hᵢ(sᵢ) − Σ_{i&lt;j} Jᵢⱼ(sᵢ, sⱼ), with s one-hot: {@code units} = sites ×
 * states entries, h a vector over them and J a matrix whose block (i, j) is Jᵢⱼ. Written as
 * −hᵀs − ½ sᵀJs, the pairs i &lt; j and j &lt; i both counted once through ½; a diagonal block
 * Jᵢᵢ only adds its diagonal to the fields (sᵢₐ sᵢ_b = 0 for a ≠ b in one-hot units).
 */
@EnergyModel
public class Potts {
  @Param(shape = "units")
  double[] h;

  @Param(shape = {"units", "units"})
  double[][] j;

  @Energy
  double energy(@Visible @Categorical(states = "states") @Shape("units") double[] s) {
    return -dot(h, s) - 0.5 * bilinear(s, j, s);
  }
}
