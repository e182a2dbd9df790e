package org.ebm4j.examples.models;

import static org.ebm4j.dsl.Ops.bilinear;
import static org.ebm4j.dsl.Ops.dot;

import org.ebm4j.dsl.Binary;
import org.ebm4j.dsl.Categorical;
import org.ebm4j.dsl.Energy;
import org.ebm4j.dsl.EnergyModel;
import org.ebm4j.dsl.Latent;
import org.ebm4j.dsl.Param;
import org.ebm4j.dsl.Shape;
import org.ebm4j.dsl.Visible;

/**
 * An RBM with softmax visible units (Salakhutdinov, Mnih and Hinton 2007): E(v, h) = −bᵀv − cᵀh −
 * vᵀWh, each visible unit one of {@code states} values written one-hot, so {@code visible} =
 * units × states. The same energy as {@link Rbm}; only the visible domain differs.
 */
@EnergyModel
public class SoftmaxRbm {
  @Param(shape = "visible")
  double[] b;

  @Param(shape = "hidden")
  double[] c;

  @Param(shape = {"visible", "hidden"}, init = "normal(0.01)")
  double[][] w;

  @Energy
  double energy(
      @Visible @Categorical(states = "states") @Shape("visible") double[] v,
      @Latent @Binary @Shape("hidden") double[] h) {
    return -dot(b, v) - dot(c, h) - bilinear(v, w, h);
  }
}
