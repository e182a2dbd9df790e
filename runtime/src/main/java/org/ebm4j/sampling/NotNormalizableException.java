package org.ebm4j.sampling;

/**
 * Thrown when a chain over real units runs off to huge values: the sign that exp(−E) is not
 * integrable in x, so the model has no distribution to sample (and maximum likelihood no
 * meaning). Make the energy grow at least like |x| in every direction, e.g. with a ½|x|² term.
 */
public final class NotNormalizableException extends ArithmeticException {
  private static final long serialVersionUID = 1L;

  /** An exception whose message says which chain drifted and what to change. */
  public NotNormalizableException(String message) {
    super(message);
  }
}
