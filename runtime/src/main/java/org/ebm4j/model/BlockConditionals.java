package org.ebm4j.model;

import java.util.random.RandomGenerator;

/**
 * Variables whose units are conditionally independent given the rest of the state, keyed by the
 * variable's name: the basis of block Gibbs sampling and of exact sums over one block.
 *
 * <p>The processor offers a block for a binary, spin or categorical variable in which the energy is
 * affine, and for a real variable in which it is quadratic with no cross terms between units (a Gaussian).
 */
public interface BlockConditionals {

  /** Names of the variables that are blocks, in state order. */
  java.util.List<String> blocks();

  /**
   * The block's conditional parameters. {@code x} (a full state) is only read; {@code out} (the
   * block's length) is overwritten with, per unit: binary, logit p(unit = 1 | rest); spin, logit
   * p(unit = +1 | rest); real, the conditional mean; categorical, per indicator the unnormalised log
   * probability −∂E/∂x_a of its state (a softmax over each unit's group gives the probabilities).
   */
  void conditionalFields(String block, double[] x, double[] out);

  /** Overwrites the block's units in {@code x} with a draw from p(block | rest). */
  void sample(String block, double[] x, RandomGenerator rng);

  /**
   * log Σ over the block's values of exp(−E(x)), the rest of {@code x} fixed (an integral for a real
   * block). {@code x} is only read; the block's current values do not matter.
   */
  double logSumOverBlock(String block, double[] x);
}
