package org.ebm4j.examples.zoo;

import static org.ebm4j.dsl.Ops.*;

import org.ebm4j.dsl.*;

/** Binary and real visibles with binary latents, written with a mix of Ops and loops. */
@EnergyModel
public class MixedModel {
  @Param(shape = "nb") double[] a;
  @Param(shape = "nr") double[] mu;
  @Param(shape = {"nb", "nh"}, init = "normal(0.1)") double[][] wb;
  @Param(shape = {"nr", "nh"}, init = "normal(0.1)") double[][] wr;
  @Param(shape = "nh") double[] c;

  @Energy
  double energy(@Visible @Binary @Shape("nb") double[] v, @Visible @Real @Shape("nr") double[] x,
                @Latent @Binary @Shape("nh") double[] h) {
    double e = 0.5 * sumSquares(sub(x, mu)) - dot(a, v) - dot(c, h);
    for (int j = 0; j < h.length; j++) {
      double field = 0;
      for (int i = 0; i < v.length; i++) {
        field += wb[i][j] * v[i];
      }
      for (int i = 0; i < x.length; i++) {
        field += wr[i][j] * x[i];
      }
      e -= h[j] * field;
    }
    return e;
  }
}
