package org.ebm4j.model;

/** Single-unit conditionals of binary, spin and categorical units, for site-wise Gibbs sampling. */
public interface SiteConditionals {

  /**
   * log p(x_site = 1 | rest) / p(x_site = 0 | rest), or +1 over −1 for a spin unit. {@code x} is only
   * read (it may be modified during the call and is restored before it returns).
   *
   * @throws IllegalArgumentException if {@code site} is not a binary or spin unit
   */
  double conditionalLogit(double[] x, int site);

  /**
   * For the categorical unit that holds state entry {@code site}: {@code out[a]} = log p̃ of x with
   * that unit in state a, the rest fixed, for a &lt; K (so p(a | rest) is their softmax). {@code x} is
   * only read (it may be modified during the call and is restored before it returns).
   *
   * @throws IllegalArgumentException if {@code site} is not an entry of a categorical unit
   */
  default void categoricalLogWeights(double[] x, int site, double[] out) {
    throw new IllegalArgumentException("state index " + site + " is not an entry of a categorical unit");
  }
}
