package org.ebm4j.train.optim;

/**
 * Adam (Kingma &amp; Ba 2015) for ascent, with bias-corrected moments and optional L2 weight decay
 * added to the gradient.
 */
public final class Adam implements Optimizer {
  private final double learningRate;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private double factor = 1;
  private double[] m;
  private double[] v;
  private long t;

  /** Adam with the usual moment decay rates β1, β2, the ε in the denominator, and L2 weight decay λ ≥ 0. */
  public Adam(double learningRate, double beta1, double beta2, double epsilon, double weightDecay) {
    if (!(learningRate > 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0) || !(weightDecay >= 0)) {
      throw new IllegalArgumentException("Adam needs lr > 0, betas in [0, 1), epsilon > 0, decay >= 0");
    }
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
  }

  @Override
  public Settings settings() {
    return new Settings("adam", learningRate, 0, weightDecay, beta1, beta2, epsilon);
  }

  /** Adam with the usual β1 = 0.9, β2 = 0.999, ε = 1e-8 and no decay. */
  public Adam(double learningRate) {
    this(learningRate, 0.9, 0.999, 1e-8, 0);
  }

  @Override
  public void step(double[] params, double[] ascent) {
    if (m == null || m.length != params.length) {
      m = new double[params.length];
      v = new double[params.length];
      t = 0;
    }
    t++;
    double lrOverC1 = learningRate * factor / (1 - Math.pow(beta1, t));
    double overC2 = 1 / (1 - Math.pow(beta2, t));
    double[] mm = m;
    double[] vv = v;
    // Element-wise and independent per parameter: split over the cores (a 784×500 RBM's step, a
    // sqrt and a division per parameter, is a sixth of its update on one core).
    org.ebm4j.kernel.Parallel.rows(params.length, 8, (from, to) -> {
      for (int k = from; k < to; k++) {
        double g = ascent[k] - weightDecay * params[k];
        mm[k] = beta1 * mm[k] + (1 - beta1) * g;
        vv[k] = beta2 * vv[k] + (1 - beta2) * g * g;
        params[k] += lrOverC1 * mm[k] / (Math.sqrt(vv[k] * overC2) + epsilon);
      }
    });
  }

  @Override
  public void setLearningRateFactor(double factor) {
    this.factor = factor;
  }

  /** [t, m..., v...]. */
  @Override
  public double[] state() {
    if (m == null) {
      return new double[0];
    }
    double[] s = new double[1 + 2 * m.length];
    s[0] = t;
    System.arraycopy(m, 0, s, 1, m.length);
    System.arraycopy(v, 0, s, 1 + m.length, v.length);
    return s;
  }

  @Override
  public void restore(double[] state) {
    if (state.length == 0) {
      m = null;
      v = null;
      t = 0;
      return;
    }
    int n = (state.length - 1) / 2;
    t = (long) state[0];
    m = java.util.Arrays.copyOfRange(state, 1, 1 + n);
    v = java.util.Arrays.copyOfRange(state, 1 + n, 1 + 2 * n);
  }

  @Override
  public String describe() {
    return "adam(lr=" + learningRate + ", beta1=" + beta1 + ", beta2=" + beta2 + ", decay=" + weightDecay + ")";
  }
}
