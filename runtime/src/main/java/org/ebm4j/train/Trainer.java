package org.ebm4j.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.ebm4j.data.Dataset;
import org.ebm4j.estimate.Enumeration;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.train.optim.Optimizer;
import org.ebm4j.train.optim.Sgd;

/**
 * Maximum-likelihood training of any generated model: each minibatch step ascends
 *
 * <pre>  g = (1/B) Σ_{v in batch} ∇θ log p̃(v) − E_{x~model}[∇θ log p̃(x)]</pre>
 *
 * with the data term from {@link PositivePhase} and the model term from a {@link NegativePhase}.
 * Every random choice comes from one generator seeded by {@link Builder#seed}.
 */
public final class Trainer {
  private final EnergyModel model;
  private final NegativePhase negative;
  private final Optimizer optimizer;
  private final int batchSize;
  private final long seed;
  private final List<Consumer<EpochMetrics>> listeners;
  private final PositivePhase positive;
  private final SplittableRandom rng;
  private final double[] grad;
  private Enumeration evaluation;
  private boolean evaluationPlanned;
  private int epoch;

  private Trainer(Builder b) {
    this.model = b.model;
    this.negative = b.negative;
    this.optimizer = b.optimizer;
    this.batchSize = b.batchSize;
    this.seed = b.seed;
    this.listeners = List.copyOf(b.listeners);
    this.positive = new PositivePhase(model);
    this.rng = new SplittableRandom(seed);
    this.grad = new double[model.params().length];
  }

  public static Builder builder(EnergyModel model) {
    return new Builder(model);
  }

  /** Settings of a {@link Trainer}; defaults: exact negative phase, SGD lr 0.1, batch 10, seed 0. */
  public static final class Builder {
    private final EnergyModel model;
    private NegativePhase negative = NegativePhase.exact();
    private Optimizer optimizer = new Sgd(0.1);
    private int batchSize = 10;
    private long seed;
    private final List<Consumer<EpochMetrics>> listeners = new ArrayList<>();

    private Builder(EnergyModel model) {
      this.model = model;
    }

    public Builder negativePhase(NegativePhase negative) {
      this.negative = negative;
      return this;
    }

    public Builder optimizer(Optimizer optimizer) {
      this.optimizer = optimizer;
      return this;
    }

    /** Examples per minibatch; the data set's size gives full-batch gradient ascent. */
    public Builder batchSize(int batchSize) {
      if (batchSize <= 0) {
        throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Called after every epoch with its metrics. */
    public Builder listener(Consumer<EpochMetrics> listener) {
      this.listeners.add(listener);
      return this;
    }

    public Trainer build() {
      return new Trainer(this);
    }
  }

  /**
   * Trains for {@code epochs} more epochs on {@code data}, after validating it against the model's
   * visible variables.
   *
   * @return the metrics of each epoch
   */
  public List<EpochMetrics> fit(Dataset data, int epochs) {
    data.validate(model.variables());
    List<EpochMetrics> history = new ArrayList<>();
    for (int e = 0; e < epochs; e++) {
      long start = System.nanoTime();
      int[] order = data.shuffledOrder(rng);
      double norm = 0;
      for (int from = 0; from < order.length; from += batchSize) {
        norm = step(data, order, from, Math.min(order.length, from + batchSize));
      }
      epoch++;
      double seconds = (System.nanoTime() - start) / 1e9;
      EpochMetrics m = new EpochMetrics(epoch, seconds, exactLogLikelihood(data), norm);
      history.add(m);
      listeners.forEach(l -> l.accept(m));
    }
    return history;
  }

  /** One minibatch update; returns the gradient's norm. */
  private double step(Dataset data, int[] order, int from, int to) {
    java.util.Arrays.fill(grad, 0.0);
    double[] v = new double[data.width()];
    double weight = 1.0 / (to - from);
    for (int i = from; i < to; i++) {
      data.row(order[i], v);
      positive.accumulate(v, weight, grad);
    }
    negative.accumulate(model, -1.0, grad, rng);
    double norm = 0;
    for (int k = 0; k < grad.length; k++) {
      if (!Double.isFinite(grad[k])) {
        throw new ArithmeticException(
            "non-finite gradient in epoch " + (epoch + 1) + " for parameter '" + model.layout().entryAt(k).name()
                + "' (index " + k + "); lower the learning rate");
      }
      norm += grad[k] * grad[k];
    }
    optimizer.step(model.params(), grad);
    return Math.sqrt(norm);
  }

  /** Exact average log-likelihood of {@code data}, or NaN when the model is too large. */
  public double exactLogLikelihood(Dataset data) {
    if (!evaluationPlanned) {
      evaluationPlanned = true;
      try {
        Enumeration plan = Enumeration.plan(model, false);
        evaluation = plan.states() <= (1L << 22) ? plan : null;
      } catch (IllegalArgumentException e) {
        evaluation = null;
      }
    }
    if (evaluation == null) {
      return Double.NaN;
    }
    return Enumeration.averageLogLikelihood(model, data, evaluation.logZ());
  }

  /** The exact gradient of the average log-likelihood of {@code data} (full batch), into a new array. */
  public double[] fullGradient(Dataset data) {
    double[] g = new double[model.params().length];
    double[] v = new double[data.width()];
    for (int i = 0; i < data.size(); i++) {
      data.row(i, v);
      positive.accumulate(v, 1.0 / data.size(), g);
    }
    negative.accumulate(model, -1.0, g, rng);
    return g;
  }

  /** Epochs trained so far. */
  public int epoch() {
    return epoch;
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  public NegativePhase negativePhase() {
    return negative;
  }
}
