package org.ebm4j.train.optim;

/**
 * Stochastic gradient ascent with optional momentum and L2 weight decay: u ← μ·u + lr·(g − λθ),
 * θ ← θ + u.
 */
public final class Sgd implements Optimizer {
  private final double learningRate;
  private final double momentum;
  private final double weightDecay;
  private double factor = 1;
  private double[] velocity;

  /**
   * @param learningRate lr &gt; 0, scaling the minibatch-mean gradient
   * @param momentum μ in [0, 1)
   * @param weightDecay λ ≥ 0
   */
  public Sgd(double learningRate, double momentum, double weightDecay) {
    if (!(learningRate > 0) || !(momentum >= 0 && momentum < 1) || !(weightDecay >= 0)) {
      throw new IllegalArgumentException(
          "SGD needs lr > 0, momentum in [0, 1) and weight decay >= 0; got lr " + learningRate
              + ", momentum " + momentum + ", decay " + weightDecay);
    }
    this.learningRate = learningRate;
    this.momentum = momentum;
    this.weightDecay = weightDecay;
  }

  @Override
  public Settings settings() {
    return new Settings("sgd", learningRate, momentum, weightDecay, 0, 0, 0);
  }

  /** Plain SGD without momentum or decay. */
  public Sgd(double learningRate) {
    this(learningRate, 0, 0);
  }

  @Override
  public void step(double[] params, double[] ascent) {
    if (velocity == null || velocity.length != params.length) {
      velocity = new double[params.length];
    }
    double lr = learningRate * factor;
    for (int k = 0; k < params.length; k++) {
      double g = ascent[k] - weightDecay * params[k];
      velocity[k] = momentum * velocity[k] + lr * g;
      params[k] += velocity[k];
    }
  }

  /** Plain SGD: θ itself. With momentum or decay: u ← μu − lr·λθ now, u += lr·g by the caller, then θ += u. */
  @Override
  public Direct direct(double[] params) {
    double lr = learningRate * factor;
    if (momentum == 0 && weightDecay == 0) {
      return new Direct(params, lr);
    }
    if (velocity == null || velocity.length != params.length) {
      velocity = new double[params.length];
    }
    double decay = lr * weightDecay;
    for (int k = 0; k < params.length; k++) {
      velocity[k] = momentum * velocity[k] - decay * params[k];
    }
    return new Direct(velocity, lr);
  }

  @Override
  public void completeDirect(double[] params) {
    if (momentum == 0 && weightDecay == 0) {
      return;
    }
    for (int k = 0; k < params.length; k++) {
      params[k] += velocity[k];
    }
  }

  @Override
  public void setLearningRateFactor(double factor) {
    this.factor = factor;
  }

  @Override
  public double[] state() {
    return velocity == null ? new double[0] : velocity.clone();
  }

  @Override
  public void restore(double[] state) {
    velocity = state.length == 0 ? null : state.clone();
  }

  @Override
  public String describe() {
    return "sgd(lr=" + learningRate + ", momentum=" + momentum + ", decay=" + weightDecay + ")";
  }
}
