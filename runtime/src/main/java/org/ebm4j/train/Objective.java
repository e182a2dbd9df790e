package org.ebm4j.train;

import java.util.random.RandomGenerator;
import org.ebm4j.model.EnergyModel;

/**
 * What a minibatch contributes to the ascent direction of training: maximum likelihood's positive
 * minus negative phase today; pseudo-likelihood, score matching or noise-contrastive estimation
 * are further implementations of the same seam. The trainer owns the loop, the optimizer and the
 * checks; an objective only says which direction to go.
 */
public interface Objective {

  /**
   * {@code grad += } this objective's ascent direction for the minibatch, as the minibatch mean
   * (so a learning rate means the same whatever the batch size).
   */
  void accumulate(EnergyModel model, MiniBatch batch, double[] grad, RandomGenerator rng);

  /** A short description, for logs and checkpoints. */
  String describe();

  /** The spec `--objective` and checkpoints use for it; objectives of the user's own have their description. */
  default String spec() {
    return describe();
  }

  /**
   * The objective a spec names among those that need no negative phase ({@code
   * pseudo-likelihood[:sites=K]}, {@code ratio-matching[:sites=K]}, {@code score-matching}, {@code
   * sliced-score-matching[:projections=K]}, {@code denoising-score-matching[:sigma=S]}, {@code
   * nce[:ratio=R]}); empty for any other name, maximum likelihood included (it is built from its
   * phases).
   *
   * @throws IllegalArgumentException for one of these names with options it does not take
   */
  static java.util.Optional<Objective> named(String spec) {
    String s = spec.trim();
    if (s.startsWith(PseudoLikelihood.NAME)) {
      return java.util.Optional.of(PseudoLikelihood.parse(s));
    }
    if (s.startsWith(RatioMatching.NAME)) {
      return java.util.Optional.of(RatioMatching.parse(s));
    }
    if (ScoreMatching.names(s)) {
      return java.util.Optional.of(ScoreMatching.parse(s));
    }
    if (s.startsWith(NoiseContrastive.NAME)) {
      return java.util.Optional.of(NoiseContrastive.parse(s));
    }
    return java.util.Optional.empty();
  }

  /**
   * Parameters the objective learns beside the model's (noise-contrastive estimation's log Z),
   * stepped by an optimizer of the run's settings after each update; empty for most objectives.
   */
  default double[] ownParameters() {
    return new double[0];
  }

  /** The ascent direction of {@link #ownParameters} from the last {@link #accumulate} (minibatch mean). */
  default double[] ownGradient() {
    return new double[0];
  }

  /** Called once before a fresh run's first update with the training data (NCE fits its noise to it). */
  default void prepare(EnergyModel model, org.ebm4j.data.Dataset data) {}

  /**
   * Whether the objective weighs each example by {@link MiniBatch#weight} (weighted data sets, such
   * as reweighted sequence alignments); the trainer refuses weighted data for one that does not.
   */
  default boolean acceptsWeights() {
    return false;
  }

  /** Its state beyond the model's parameters, for checkpoints. */
  default void save(Checkpoint c) {}

  /** Its state from a checkpoint written by {@link #save}. */
  default void restore(Checkpoint c) {}

  /** Maximum likelihood: ∇θ log p̃ at the data minus its expectation under the model, by {@code negative}. */
  static MaximumLikelihood maximumLikelihood(NegativePhase negative) {
    return new MaximumLikelihood(negative, LatentInference.auto());
  }

  /** Pseudo-likelihood over every visible site (discrete visible units; latents summed out by a free energy). */
  static PseudoLikelihood pseudoLikelihood() {
    return new PseudoLikelihood(0);
  }

  /** Pseudo-likelihood over {@code sites} random visible sites per example (0: all), scaled to be unbiased. */
  static PseudoLikelihood pseudoLikelihood(int sites) {
    return new PseudoLikelihood(sites);
  }

  /** Ratio matching over every visible site (binary or spin visible units; latents summed out by a free energy). */
  static RatioMatching ratioMatching() {
    return new RatioMatching(0);
  }

  /** Ratio matching over {@code sites} random visible sites per example (0: all), scaled to be unbiased. */
  static RatioMatching ratioMatching(int sites) {
    return new RatioMatching(sites);
  }

  /** Exact score matching (real visible units; the Laplacian costs one second derivative per unit). */
  static ScoreMatching scoreMatching() {
    return ScoreMatching.exact();
  }

  /** Sliced score matching with {@code projections} random Rademacher directions per example. */
  static ScoreMatching slicedScoreMatching(int projections) {
    return ScoreMatching.sliced(projections);
  }

  /** Denoising score matching with noise scale {@code sigma}. */
  static ScoreMatching denoisingScoreMatching(double sigma) {
    return ScoreMatching.denoising(sigma);
  }

  /** Denoising score matching with sigma a tenth of the data's mean standard deviation per unit. */
  static ScoreMatching denoisingScoreMatching() {
    return ScoreMatching.denoising(Double.NaN);
  }

  /** Noise-contrastive estimation with {@code ratio} noise samples per example and a learned log Z. */
  static NoiseContrastive noiseContrastive(double ratio) {
    return new NoiseContrastive(ratio);
  }

  /** Maximum likelihood with the data term's latents treated by {@code positive}. */
  static MaximumLikelihood maximumLikelihood(NegativePhase negative, LatentInference positive) {
    return new MaximumLikelihood(negative, positive);
  }
}
