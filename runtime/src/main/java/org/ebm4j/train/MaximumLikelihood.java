package org.ebm4j.train;

import java.util.random.RandomGenerator;
import org.ebm4j.model.Batches;
import org.ebm4j.model.EnergyModel;

/**
 * Maximum likelihood, the positive/negative phase split of the log-likelihood gradient:
 *
 * <pre>  g = (1/B) Σ_{v in batch} ∇θ log p̃(v) − E_{x~model}[∇θ log p̃(x)]</pre>
 *
 * with the data term from {@link PositivePhase} (all rows through one batched marginal gradient
 * when the model proves its latents can be summed out and offers batched gradients, else example
 * by example) and the model term from a {@link NegativePhase}. Which of the two the data term uses
 * is decided once, for the model at hand.
 */
public final class MaximumLikelihood implements Objective {
  private final NegativePhase negative;
  private final LatentInference inference;
  private EnergyModel model;
  private PositivePhase positive;
  private boolean batched;
  private double[] states = new double[0];
  private double[] scratch = new double[0];
  /** Rows of {@code states} whose latents hold the last minibatch's mean-field means; 0 when none do. */
  private int meanRows;

  MaximumLikelihood(NegativePhase negative, LatentInference inference) {
    this.negative = negative;
    this.inference = inference;
  }

  /** How the data term treats latents that cannot be summed out analytically. */
  public LatentInference positivePhase() {
    return inference;
  }

  /** How the model term is estimated. */
  public NegativePhase negativePhase() {
    return negative;
  }

  /** Binds to the model: decides how the data term is computed (and refuses latents it cannot handle). */
  void bind(EnergyModel m) {
    if (model != m) {
      model = m;
      positive = new PositivePhase(m, inference);
      batched = Batches.marginalSupported(m);
    }
  }

  @Override
  public void accumulate(EnergyModel m, MiniBatch batch, double[] grad, RandomGenerator rng) {
    accumulateDataTerm(m, batch, 1.0 / batch.size(), grad, rng);
    negative.accumulate(m, batch, -1.0, grad, rng);
  }

  @Override
  public boolean acceptsWeights() {
    return true;
  }

  /**
   * The data term alone, {@code grad += weight · Σ_{v in batch} w_v ∇θ log p̃(v)}, w_v the examples'
   * weights (1 unweighted). Data-parallel trainers sum it over the parts of a minibatch where the
   * rows live (with {@code weight} one over the whole minibatch's size) and take the negative phase
   * on their own chains; call {@code Batches.paramsChanged(m)} after changing θ, as a trainer does
   * before each update.
   */
  public void accumulateDataTerm(EnergyModel m, MiniBatch batch, double weight, double[] grad, RandomGenerator rng) {
    bind(m);
    meanRows = 0;
    if (batched) {
      loadRows(m, batch);
      if (batch.weights() == null) {
        Batches.accumulateMarginalGradient(m, states, batch.size(), weight, grad, scratch);
      } else {
        Batches.latentMeans(m, states, batch.size(), scratch);
        Batches.accumulateGradientBatch(m, states, batch.size(), rowWeights(batch, weight), grad);
      }
      return;
    }
    var batches = m.capability(org.ebm4j.model.BatchGradients.class);
    if (positive.meanField() != null && batches.isPresent()) {
      // Mean-field for the whole minibatch: every block update is one matrix product.
      loadRows(m, batch);
      positive.meanField().fitBatch(states, batch.size());
      if (batch.weights() == null) {
        batches.get().accumulateGradientBatch(states, batch.size(), weight, grad);
      } else {
        batches.get().accumulateGradientBatch(states, batch.size(), rowWeights(batch, weight), grad);
      }
      meanRows = batch.size();
      return;
    }
    double[] v = new double[batch.width()];
    for (int i = 0; i < batch.size(); i++) {
      batch.row(i, v);
      positive.accumulate(v, weight * batch.weight(i), grad, rng);
    }
  }

  private static double[] rowWeights(MiniBatch batch, double weight) {
    double[] w = new double[batch.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = weight * batch.weight(i);
    }
    return w;
  }

  /** Hands the last minibatch's mean-field states to {@code reparam.measure}; false when there are none. */
  boolean measurePositive(Reparameterisation reparam) {
    if (meanRows == 0) {
      return false;
    }
    reparam.measure(states, meanRows);
    return true;
  }

  /** The minibatch's rows as full states (latents left for the caller) in {@code states}. */
  private void loadRows(EnergyModel m, MiniBatch batch) {
    int width = m.stateSize();
    if (states.length < batch.size() * width) {
      states = new double[batch.size() * width];
      scratch = new double[batch.size() * width];
    }
    for (int i = 0; i < batch.size(); i++) {
      System.arraycopy(batch.values(), i * batch.width(), states, i * width, batch.width());
    }
  }

  @Override
  public String spec() {
    return "maximum-likelihood";
  }

  @Override
  public String describe() {
    return "maximum likelihood, " + (positive == null ? "positive phase " + inference.spec() : "positive phase " + positive.describe()) + ", negative phase " + negative.describe();
  }
}
