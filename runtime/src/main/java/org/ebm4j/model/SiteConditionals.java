package org.ebm4j.model;

/** Single-unit conditionals of binary and spin units, for site-wise Gibbs sampling. */
public interface SiteConditionals {

  /**
   * log p(x_site = 1 | rest) / p(x_site = 0 | rest), or +1 over −1 for a spin unit. {@code x} is only
   * read (it may be modified during the call and is restored before it returns).
   *
   * @throws IllegalArgumentException if {@code site} is not a binary or spin unit
   */
  double conditionalLogit(double[] x, int site);
}
