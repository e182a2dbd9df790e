package org.ebm4j.examples.zoo;

import static org.ebm4j.dsl.Ops.*;

import org.ebm4j.dsl.*;

/** A latent inside a nonlinearity: no free energy, so training samples or enumerates latents. */
@EnergyModel(name = "NonlinearLatentEnergy")
public class NonlinearLatent {
  @Param(shape = "n") double[] b;
  @Param(shape = {"m", "n"}, init = "normal(0.3)") double[][] w;

  @LogDensity
  double logDensity(@Visible @Binary @Shape("n") double[] v, @Latent @Spin @Shape("m") double[] s) {
    return dot(b, v) + sum(tanh(add(matvec(w, v), s))) + 0.3 * s[0] * s[s.length - 1];
  }
}
