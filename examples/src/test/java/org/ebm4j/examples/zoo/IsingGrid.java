package org.ebm4j.examples.zoo;

import org.ebm4j.dsl.*;

/** A periodic L×L Ising model with one coupling and one field, indices computed with / and %. */
@EnergyModel
public class IsingGrid {
  static final int L = 3;
  @Param(init = "constant(0.3)") double coupling;
  @Param double field;

  @Energy
  double energy(@Visible @Spin @Shape("sites") double[] s) {
    double e = 0;
    for (int k = 0; k < s.length; k++) {
      int row = k / L;
      int col = k % L;
      e -= coupling * s[k] * (s[row * L + (col + 1) % L] + s[((row + 1) % L) * L + col]);
      e -= field * s[k];
    }
    return e;
  }
}
