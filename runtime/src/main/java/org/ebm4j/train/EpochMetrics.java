package org.ebm4j.train;

/**
 * What one epoch of training measured.
 *
 * @param epoch 1-based epoch number
 * @param seconds wall time of the epoch's updates
 * @param logLikelihood exact average log-likelihood of the training data in nats after the epoch,
 *     or NaN when the model is too large to enumerate
 * @param pseudoLogLikelihood estimated pseudo-log-likelihood per example in nats, a cheap live
 *     metric (NaN where it does not apply)
 * @param gradientNorm Euclidean norm of the last minibatch's gradient
 */
public record EpochMetrics(int epoch, double seconds, double logLikelihood, double pseudoLogLikelihood, double gradientNorm) {

  /** One line of JSON. */
  public String toJson() {
    return "{\"epoch\":" + epoch + ",\"seconds\":" + seconds + ",\"logLikelihood\":" + number(logLikelihood)
        + ",\"pseudoLogLikelihood\":" + number(pseudoLogLikelihood) + ",\"gradientNorm\":" + number(gradientNorm) + "}";
  }

  private static String number(double d) {
    return Double.isFinite(d) ? Double.toString(d) : "null";
  }
}
