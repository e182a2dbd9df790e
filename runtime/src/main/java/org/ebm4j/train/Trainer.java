package org.ebm4j.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.ebm4j.data.Dataset;
import org.ebm4j.estimate.Enumeration;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.Variables;
import org.ebm4j.random.Rng;
import org.ebm4j.sampling.Chains;
import org.ebm4j.train.optim.Optimizer;
import org.ebm4j.train.optim.Sgd;

/**
 * Maximum-likelihood training of any generated model: each minibatch step ascends
 *
 * <pre>  g = (1/B) Σ_{v in batch} ∇θ log p̃(v) − E_{x~model}[∇θ log p̃(x)]</pre>
 *
 * with the data term from {@link PositivePhase} and the model term from a {@link NegativePhase}.
 * Every random choice comes from one generator seeded by {@link Builder#seed}, whose state is part
 * of {@link #checkpoint()}: a run resumed from a checkpoint continues bit for bit.
 */
public final class Trainer {
  private final EnergyModel model;
  private final NegativePhase negative;
  private final Optimizer optimizer;
  private final int batchSize;
  private final Schedule schedule;
  private final List<Consumer<EpochMetrics>> listeners;
  private final java.util.function.IntConsumer batchProgress;
  private final PositivePhase positive;
  private final double[] grad;
  private double[] batchStates = new double[0];
  private double[] batchScratch = new double[0];
  private double[] rowWeights = new double[0];
  private double[] batchBuffer;
  private final Centering centering;
  private Rng rng;
  private Enumeration evaluation;
  private boolean evaluationPlanned;
  private int epoch;
  private int updates;
  private boolean centeringStarted;

  private Trainer(Builder b) {
    this.model = b.model;
    this.negative = b.negative;
    this.optimizer = b.optimizer;
    this.batchSize = b.batchSize;
    this.schedule = b.schedule;
    this.listeners = List.copyOf(b.listeners);
    this.batchProgress = b.batchProgress;
    this.positive = new PositivePhase(model);
    this.rng = new Rng(b.seed);
    this.grad = new double[model.params().length];
    this.centering = b.centeringRate > 0 ? new Centering(model, b.centeringRate) : null;
  }

  /** Settings for training {@code model}, whose parameters the trainer updates in place. */
  public static Builder builder(EnergyModel model) {
    return new Builder(model);
  }

  /**
   * Settings of a {@link Trainer}; defaults: exact negative phase, SGD lr 0.1, batch 10, constant
   * schedule, seed 0.
   */
  public static final class Builder {
    private final EnergyModel model;
    private NegativePhase negative = NegativePhase.exact();
    private Optimizer optimizer = new Sgd(0.1);
    private int batchSize = 10;
    private long seed;
    private Schedule schedule = Schedule.constant();
    private double centeringRate;
    private java.util.function.IntConsumer batchProgress;
    private final List<Consumer<EpochMetrics>> listeners = new ArrayList<>();

    private Builder(EnergyModel model) {
      this.model = model;
    }

    /** How the model term of the gradient is estimated (default: exact). */
    public Builder negativePhase(NegativePhase negative) {
      this.negative = negative;
      return this;
    }

    /** The update rule (default: SGD with learning rate 0.1). */
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

    /** Seed of the one generator behind every random choice of the run (default 0). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** How the learning rate changes with the epoch (default: constant). */
    public Builder schedule(Schedule schedule) {
      this.schedule = schedule;
      return this;
    }

    /**
     * Trains with centering (Melchior et al. 2016), offsets moving at {@code rate} per update (0:
     * off). Needs an energy −vᵀWh − bᵀv − cᵀh between a binary visible and a binary latent
     * variable; parameters stay the plain ones. A fresh run starts b at the data's logits.
     *
     * @throws IllegalArgumentException at {@link #build} for a model of another form
     */
    public Builder centering(double rate) {
      if (!(rate >= 0 && rate <= 1)) {
        throw new IllegalArgumentException("centering rate must be in [0, 1], got " + rate);
      }
      this.centeringRate = rate;
      return this;
    }

    /** Called after every minibatch with the number of examples done in the current epoch. */
    public Builder batchProgress(java.util.function.IntConsumer progress) {
      this.batchProgress = progress;
      return this;
    }

    /** Called after every epoch with its metrics. */
    public Builder listener(Consumer<EpochMetrics> listener) {
      this.listeners.add(listener);
      return this;
    }

    /** A trainer with these settings. */
    public Trainer build() {
      return new Trainer(this);
    }
  }

  /** Thrown when training meets a non-finite gradient or parameter. */
  public static final class DivergenceException extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    DivergenceException(String message) {
      super(message);
    }
  }

  /**
   * Trains on {@code data} until {@code untilEpoch} epochs are done in total (nothing if already
   * there), after validating the data against the model's visible variables.
   *
   * @return the metrics of each epoch trained now
   * @throws DivergenceException naming the epoch, batch and parameter block of a non-finite
   *     gradient or parameter; the parameters are then those of the failed step
   */
  public List<EpochMetrics> fit(Dataset data, int untilEpoch) {
    data.validate(model.variables());
    if (centering != null && epoch == 0 && !centeringStarted) {
      centering.initialize(data.columnMeans());
    }
    centeringStarted = true;
    List<EpochMetrics> history = new ArrayList<>();
    while (epoch < untilEpoch) {
      long start = System.nanoTime();
      optimizer.setLearningRateFactor(schedule.factor(epoch + 1));
      int[] order = data.shuffledOrder(rng);
      double norm = Double.NaN;
      int batch = 0;
      for (int from = 0; from < order.length; from += batchSize) {
        int to = Math.min(order.length, from + batchSize);
        // The epoch reports its last update's gradient norm: only that update needs the gradient.
        MiniBatch mini = MiniBatch.of(data, order, from, to, batchBuffer);
        batchBuffer = mini.values();
        double n = step(mini, ++batch, to == order.length);
        if (to == order.length) {
          norm = n;
        }
        if (batchProgress != null) {
          batchProgress.accept(to);
        }
      }
      epoch++;
      double seconds = (System.nanoTime() - start) / 1e9;
      EpochMetrics m = new EpochMetrics(epoch, seconds, exactLogLikelihood(data), pseudoLogLikelihood(data, epoch), norm);
      history.add(m);
      listeners.forEach(l -> l.accept(m));
    }
    return history;
  }

  /**
   * One minibatch update, for training loops of your own ({@link #fit} runs these over shuffled
   * minibatches of a validated data set, and also moves centering offsets from the data's means).
   *
   * @throws IllegalArgumentException if the batch's width is not the model's visible size
   * @throws DivergenceException as {@link #fit} does
   */
  public void update(MiniBatch batch) {
    if (batch.width() != model.visibleSize()) {
      throw new IllegalArgumentException("a minibatch of " + batch.width() + " columns for a model with " + model.visibleSize() + " visible units");
    }
    step(batch, ++updates, false);
  }

  /** One minibatch update; returns the gradient's norm, or NaN when it was not computed. */
  private double step(MiniBatch batch, int index, boolean measure) {
    if (org.ebm4j.model.Batches.marginalSupported(model)) {
      Chains chains = negative.advance(model, batch, rng);
      if (chains != null) {
        return combinedStep(batch, chains, index, measure);
      }
    }
    java.util.Arrays.fill(grad, 0.0);
    double weight = 1.0 / batch.size();
    if (org.ebm4j.model.Batches.marginalSupported(model)) {
      // All examples at once: the positive phase as matrix products.
      int width = model.stateSize();
      ensureRows(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        System.arraycopy(batch.values(), i * batch.width(), batchStates, i * width, batch.width());
      }
      org.ebm4j.model.Batches.accumulateMarginalGradient(model, batchStates, batch.size(), weight, grad, batchScratch);
    } else {
      double[] v = new double[batch.width()];
      for (int i = 0; i < batch.size(); i++) {
        batch.row(i, v);
        positive.accumulate(v, weight, grad, rng);
      }
    }
    negative.accumulate(model, batch, -1.0, grad, rng);
    return update(batch, index, true);
  }

  /**
   * Data rows and chain rows in one array: the latents of both summed out by one product, the
   * chains' deferred latent draw taken from the same means, and the whole gradient (+1/B per data
   * row, −1/C per chain row) in one more — added straight into the optimizer's buffer (θ itself for
   * plain SGD, when the generated gradient reads no parameter; the velocity with momentum).
   */
  private double combinedStep(MiniBatch batch, Chains chains, int index, boolean measure) {
    int b = batch.size();
    int c = chains.count();
    int rows = b + c;
    int width = model.stateSize();
    ensureRows(rows);
    for (int i = 0; i < b; i++) {
      System.arraycopy(batch.values(), i * batch.width(), batchStates, i * width, batch.width());
    }
    System.arraycopy(chains.states(), 0, batchStates, b * width, c * width);
    org.ebm4j.model.Batches.latentMeans(model, batchStates, rows, batchScratch);
    if (negative.latentsDeferred()) {
      org.ebm4j.model.Batches.drawLatentsFromMeans(model, batchStates, b, chains.states(), c, rng);
    }
    org.ebm4j.model.BatchGradients gradients = model.capability(org.ebm4j.model.BatchGradients.class).orElseThrow();
    if (centering != null) {
      centering.measure(batchStates, b);
    }
    boolean centered = centering != null && centering.shiftable();
    Optimizer.Direct direct = measure || (centering != null && !centered) ? null : optimizer.direct(model.params());
    if (direct != null && direct.buffer() == model.params() && !gradients.gradientMayAliasParams()) {
      direct = null; // the reverse sweep reads θ: it must not change underneath
    }
    double scale = direct != null ? direct.factor() : 1;
    java.util.Arrays.fill(rowWeights, 0, b, scale / b);
    java.util.Arrays.fill(rowWeights, b, rows, -scale / c);
    if (direct != null) {
      if (centered) {
        centering.accumulateCentered(gradients, batchStates, rows, rowWeights, direct.buffer());
        centering.moveOffsets();
      } else {
        gradients.accumulateGradientBatch(batchStates, rows, rowWeights, direct.buffer());
      }
      optimizer.completeDirect(model.params());
      checkParams(index);
      return Double.NaN;
    }
    java.util.Arrays.fill(grad, 0.0);
    gradients.accumulateGradientBatch(batchStates, rows, rowWeights, grad);
    double norm = update(batch, index, false);
    if (centering != null) {
      centering.moveOffsets();
    }
    return norm;
  }

  /**
   * Checks the gradient, steps the optimizer (through centering), checks θ; returns |g|. Moves the
   * centering offsets from the batch when {@code offsets} (the combined step moves them itself).
   */
  private double update(MiniBatch batch, int index, boolean offsets) {
    int bad = Kernels.firstNonFinite(grad);
    if (bad >= 0) {
      throw diverged("gradient", index, bad, grad[bad]);
    }
    double norm = Math.sqrt(Kernels.sumOfSquares(grad));
    if (centering != null) {
      centering.transform(grad);
    }
    optimizer.step(model.params(), grad);
    if (centering != null && offsets) {
      centering.updateOffsets(batch);
    }
    checkParams(index);
    return norm;
  }

  private void checkParams(int index) {
    double[] p = model.params();
    int bad = Kernels.firstNonFinite(p);
    if (bad >= 0) {
      throw diverged("parameter after the update", index, bad, p[bad]);
    }
  }

  private void ensureRows(int rows) {
    int width = model.stateSize();
    if (batchStates.length < rows * width) {
      batchStates = new double[rows * width];
      batchScratch = new double[rows * width];
    }
    if (rowWeights.length < rows) {
      rowWeights = new double[rows];
    }
  }

  private DivergenceException diverged(String what, int batch, int k, double value) {
    return new DivergenceException(
        "non-finite " + what + " (" + value + ") in epoch " + (epoch + 1) + ", batch " + batch
            + ", parameter block '" + model.layout().entryAt(k).name() + "' (flat index " + k
            + "); lower the learning rate or add weight decay");
  }

  /** Exact average log-likelihood of {@code data}, or NaN when the model is too large. */
  public double exactLogLikelihood(Dataset data) {
    if (!evaluationPlanned) {
      evaluationPlanned = true;
      try {
        Enumeration plan = Enumeration.plan(model, false);
        evaluation = plan.states() <= (1L << 20) ? plan : null;
      } catch (IllegalArgumentException e) {
        evaluation = null;
      }
    }
    if (evaluation == null) {
      return Double.NaN;
    }
    double logZ = org.ebm4j.estimate.ExactLogZ.compute(model, Runtime.getRuntime().availableProcessors(), null);
    return Enumeration.averageLogLikelihood(model, data, logZ);
  }

  /**
   * A cheap live metric for discrete visibles: the pseudo-log-likelihood Σ_i log p(v_i | v_−i),
   * estimated on up to 200 examples with one random unit each (scaled by the visible size), from a
   * generator of its own so training is unaffected. NaN for real visibles or unknown log p̃(v).
   */
  public double pseudoLogLikelihood(Dataset data, int seed) {
    List<Variables.Variable> visible = model.variables().all().stream().filter(Variables.Variable::visible).toList();
    if (visible.stream().anyMatch(v -> !v.domain().isDiscrete())) {
      return Double.NaN;
    }
    Rng local = new Rng(seed);
    int n = Math.min(200, data.size());
    double total = 0;
    double[] v = new double[data.width()];
    try {
      for (int i = 0; i < n; i++) {
        data.row(local.nextInt(data.size()), v);
        int unit = local.nextInt(v.length);
        double here = Enumeration.logPTildeVisible(model, v);
        double saved = v[unit];
        org.ebm4j.model.Domain d = model.variables().domainAt(unit);
        v[unit] = d.value(1 - d.index(saved));
        double flipped = Enumeration.logPTildeVisible(model, v);
        total += -Kernels.softplus(flipped - here);
      }
    } catch (IllegalArgumentException e) {
      return Double.NaN;
    }
    return total / n * data.width();
  }

  /** The exact gradient of the average log-likelihood of {@code data} (full batch), into a new array. */
  public double[] fullGradient(Dataset data) {
    double[] g = new double[model.params().length];
    double[] v = new double[data.width()];
    for (int i = 0; i < data.size(); i++) {
      data.row(i, v);
      positive.accumulate(v, 1.0 / data.size(), g, rng);
    }
    NegativePhase.exact().accumulate(model, null, -1.0, g, rng);
    return g;
  }

  /** The training state: parameters, epoch, optimizer state, chains, sampler and generator state. */
  public Checkpoint checkpoint() {
    Checkpoint c = new Checkpoint()
        .put("epoch", epoch)
        .put("negative", negative.describe())
        .put("optimizer", optimizer.describe())
        .put("batch", batchSize)
        .putArray("params", model.params())
        .putArray("optimizer", optimizer.state())
        .putArray("sampler", negative.samplerState())
        .putLongs("rng", rng.state());
    Chains chains = negative.chains();
    if (chains != null) {
      c.put("chains", chains.count()).putArray("chains", chains.states());
    }
    if (centering != null) {
      c.putArray("centering.mu", centering.mu).putArray("centering.lambda", centering.lambda);
    }
    return c;
  }

  /** Continues from {@code c}: parameters, epoch, optimizer, chains, sampler and generator. */
  public void restore(Checkpoint c) {
    double[] params = c.array("params");
    if (params.length != model.params().length) {
      throw new IllegalArgumentException("checkpoint has " + params.length + " parameters, the model " + model.params().length);
    }
    System.arraycopy(params, 0, model.params(), 0, params.length);
    epoch = Integer.parseInt(c.get("epoch"));
    optimizer.restore(c.array("optimizer"));
    Chains chains = null;
    if (c.hasArray("chains")) {
      double[] states = c.array("chains");
      chains = new Chains(Integer.parseInt(c.get("chains")), model.stateSize());
      System.arraycopy(states, 0, chains.states(), 0, states.length);
    }
    negative.restore(chains, c.hasArray("sampler") ? c.array("sampler") : new double[0]);
    rng = Rng.fromState(c.longs("rng"));
    if (centering != null) {
      System.arraycopy(c.array("centering.mu"), 0, centering.mu, 0, centering.mu.length);
      System.arraycopy(c.array("centering.lambda"), 0, centering.lambda, 0, centering.lambda.length);
      centeringStarted = true;
    }
  }

  /** Epochs trained so far. */
  public int epoch() {
    return epoch;
  }

  /** The optimizer, with its state. */
  public Optimizer optimizer() {
    return optimizer;
  }

  /** The negative phase, with its persistent chains. */
  public NegativePhase negativePhase() {
    return negative;
  }

  /** The model being trained. */
  public EnergyModel model() {
    return model;
  }
}
