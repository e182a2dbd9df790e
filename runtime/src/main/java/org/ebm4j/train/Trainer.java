package org.ebm4j.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.ebm4j.data.Dataset;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.random.Rng;
import org.ebm4j.sampling.Chains;
import org.ebm4j.train.optim.Optimizer;
import org.ebm4j.train.optim.Sgd;

/**
 * Trains any generated model: each minibatch asks the {@link Objective} for an ascent direction
 * (maximum likelihood by default: the positive phase minus a {@link NegativePhase}) and steps the
 * optimizer, in the way an {@link UpdatePlan} chosen once for the run from the model's proven
 * capabilities does fastest. Metrics are measured after each epoch by a {@link Metrics}, outside
 * the update loop, and handed to listeners.
 *
 * <p>Every random choice comes from one generator seeded by {@link TrainingConfig#seed}, whose
 * state is part of {@link #checkpoint()}: a run resumed from a checkpoint continues bit for bit.
 */
public final class Trainer {
  private final EnergyModel model;
  private final TrainingConfig config;
  private final List<Consumer<EpochMetrics>> listeners;
  private final java.util.function.IntConsumer batchProgress;
  private final Metrics metrics;
  private final Reparameterisation reparam;
  private final UpdatePlan plan;
  private final DivergenceGuard guard;
  private DivergenceGuard.Watch watch;
  private double[] lastGood;
  /** The objective's own parameters (NCE's log Z) at the start of the epoch, put back with lastGood. */
  private double[] lastGoodOwn;
  private String failure;
  private double[] batchBuffer;
  private Rng rng;
  private int epoch;
  private int updates;
  private boolean started;

  private Trainer(EnergyModel model, TrainingConfig config, List<Consumer<EpochMetrics>> listeners,
      java.util.function.IntConsumer batchProgress, Metrics metrics, DivergenceGuard guard, boolean fused) {
    this.model = model;
    this.guard = guard;
    this.config = config;
    this.listeners = List.copyOf(listeners);
    this.batchProgress = batchProgress;
    this.metrics = metrics;
    this.rng = new Rng(config.seed());
    this.reparam = config.centeringRate() > 0 ? centering(model, config.centeringRate()) : Reparameterisation.NONE;
    this.plan = UpdatePlan.choose(model, config.objective(), config.optimizer(), reparam, fused, new UpdatePlan.Guard() {
      @Override
      public void checkGradient(double[] grad, int update) {
        int bad = Kernels.firstNonFinite(grad);
        if (bad >= 0) {
          throw diverged("gradient", update, bad, grad[bad]);
        }
      }

      @Override
      public void checkParams(int update) {
        double[] p = model.params();
        int bad = Kernels.firstNonFinite(p);
        if (bad >= 0) {
          throw diverged("parameter after the update", update, bad, p[bad]);
        }
      }
    });
  }

  /** The RBM form's fast centering (steps on shifted states), else centering of every layer. */
  private static Reparameterisation centering(EnergyModel model, double rate) {
    try {
      return new Centering(model, rate);
    } catch (IllegalArgumentException rbmForm) {
      try {
        return new LayerCentering(model, rate);
      } catch (IllegalArgumentException layers) {
        throw new IllegalArgumentException(layers.getMessage() + " (nor the RBM form: " + rbmForm.getMessage().substring(rbmForm.getMessage().indexOf("fit: ") + 5) + ")");
      }
    }
  }

  /** Settings for training {@code model}, whose parameters the trainer updates in place. */
  public static Builder builder(EnergyModel model) {
    return new Builder(model);
  }

  /**
   * Settings of a {@link Trainer}; defaults: maximum likelihood with the negative phase of {@link
   * NegativePhase#auto} (exact where cheap, else PCD-1 with batch-size chains), SGD lr 0.1, batch
   * 10, constant schedule, seed 0, standard metrics.
   */
  public static final class Builder {
    private final EnergyModel model;
    private Objective objective = Objective.maximumLikelihood(NegativePhase.exact());
    /** Whether the negative phase was chosen; if not, {@link #build} picks it from the model. */
    private boolean negativeChosen;
    private Optimizer optimizer = new Sgd(0.1);
    private int batchSize = 10;
    private long seed;
    private Schedule schedule = Schedule.constant();
    private double centeringRate;
    private org.ebm4j.model.Precision precision = org.ebm4j.model.Precision.FLOAT64;
    private Metrics metrics = Metrics.standard();
    private java.util.function.IntConsumer batchProgress;
    private DivergenceGuard guard = DivergenceGuard.standard();
    private boolean fused = true;
    private final List<Consumer<EpochMetrics>> listeners = new ArrayList<>();

    private Builder(EnergyModel model) {
      this.model = model;
    }

    /** All settings at once. */
    public Builder config(TrainingConfig config) {
      this.negativeChosen = true;
      this.objective = config.objective();
      this.optimizer = config.optimizer();
      this.batchSize = config.batchSize();
      this.seed = config.seed();
      this.schedule = config.schedule();
      this.centeringRate = config.centeringRate();
      this.precision = config.precision();
      return this;
    }

    /** What each minibatch contributes (default: maximum likelihood, exact negative phase). */
    public Builder objective(Objective objective) {
      this.negativeChosen = true;
      this.objective = objective;
      return this;
    }

    /** Maximum likelihood with this estimate of the model term (keeping the positive phase's setting). */
    public Builder negativePhase(NegativePhase negative) {
      this.negativeChosen = true;
      this.objective = Objective.maximumLikelihood(negative, objective instanceof MaximumLikelihood ml ? ml.positivePhase() : LatentInference.auto());
      return this;
    }

    /**
     * Maximum likelihood whose data term treats latents that cannot be summed out this way
     * (default {@link LatentInference#auto()}), keeping the negative phase.
     */
    public Builder positivePhase(LatentInference inference) {
      this.objective = Objective.maximumLikelihood(objective instanceof MaximumLikelihood ml ? ml.negativePhase() : NegativePhase.exact(), inference);
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
     * off). Needs couplings x_aᵀW x_b and biases θᵀx_a between discrete variables, proven by the
     * processor ({@code ParameterRoles}): an RBM's −vᵀWh − bᵀv − cᵀh, or every layer of a DBM
     * (offsets of latents from their mean-field means); parameters stay the plain ones. A fresh
     * run starts the visible biases at the data's logits.
     *
     * @throws IllegalArgumentException at {@link #build} for a model of another form
     */
    /**
     * The number type of the batched products (default float64). float32 runs the batched
     * gradients, block conditionals and draws in float where the model has {@code
     * FloatBatchGradients}; θ, its updates, log Z and log-likelihoods stay double.
     */
    public Builder precision(org.ebm4j.model.Precision precision) {
      this.precision = java.util.Objects.requireNonNull(precision, "precision");
      return this;
    }

    public Builder centering(double rate) {
      if (!(rate >= 0 && rate <= 1)) {
        throw new IllegalArgumentException("centering rate must be in [0, 1], got " + rate);
      }
      this.centeringRate = rate;
      return this;
    }

    /** What is measured after each epoch (default: {@link Metrics#standard()}). */
    public Builder metrics(Metrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /**
     * How a diverging run is recognised (default: {@link DivergenceGuard#standard()}; non-finite
     * gradients and parameters stop a run even with {@link DivergenceGuard#off()}).
     */
    public Builder divergenceGuard(DivergenceGuard guard) {
      this.guard = java.util.Objects.requireNonNull(guard, "guard");
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

    /**
     * Whether maximum likelihood with persistent chains may put data and chain rows into one
     * batched product (the default, and the fastest); {@code false} takes the plain gradient, data
     * term then negative phase, whose chains draw from other random streams. The data-parallel
     * trainer of {@code ebm4j-spark} takes the plain gradient: build with {@code false} to reproduce
     * its one-partition runs on one machine bit for bit.
     */
    public Builder fusedUpdates(boolean fused) {
      this.fused = fused;
      return this;
    }

    /** A trainer with these settings. */
    public Trainer build() {
      if (!negativeChosen && objective instanceof MaximumLikelihood ml) {
        objective = Objective.maximumLikelihood(NegativePhase.auto(model, batchSize), ml.positivePhase());
      }
      return new Trainer(model, new TrainingConfig(objective, optimizer, batchSize, seed, schedule, centeringRate, precision), listeners, batchProgress, metrics, guard, fused);
    }
  }

  /**
   * Thrown when training diverges: a non-finite gradient or parameter, or a failed check of the
   * {@link DivergenceGuard}. {@link Trainer#fit} first puts back the parameters of the last good
   * epoch.
   */
  public static final class DivergenceException extends ArithmeticException {
    private static final long serialVersionUID = 1L;
    private final int epoch;
    private final int lastGoodEpoch;

    DivergenceException(String message, int epoch, int lastGoodEpoch) {
      super(message);
      this.epoch = epoch;
      this.lastGoodEpoch = lastGoodEpoch;
    }

    /** The 1-based epoch that diverged. */
    public int epoch() {
      return epoch;
    }

    /** The epoch whose parameters the model holds again after {@link Trainer#fit}; 0 for the start. */
    public int lastGoodEpoch() {
      return lastGoodEpoch;
    }
  }

  /**
   * Trains on {@code data} until {@code untilEpoch} epochs are done in total (nothing if already
   * there), after validating the data against the model's visible variables.
   *
   * @return the metrics of each epoch trained now
   * @throws DivergenceException naming the epoch, the cause (for a non-finite gradient or
   *     parameter also the batch and parameter block) and what to change; the model's parameters
   *     are then those of the last good epoch, listeners never saw the failed one, and the trainer
   *     refuses further training and checkpoints
   */
  public List<EpochMetrics> fit(Dataset data, int untilEpoch) {
    refuseIfFailed();
    data.validate(model.variables());
    if (data.weighted() && !config.objective().acceptsWeights()) {
      throw new IllegalArgumentException("data " + data.name() + " carry example weights, which " + config.objective().spec()
          + " does not use; train weighted data with maximum-likelihood, pseudo-likelihood or ratio-matching");
    }
    if (epoch == 0 && !started) {
      reparam.initialize(data.columnMeans());
      config.objective().prepare(model, data);
    }
    started = true;
    if (guard.isOn() && watch == null) {
      watch = new DivergenceGuard.Watch(model, data, metrics.measure(model, data, epoch, 0, Double.NaN), config.optimizer().describe());
    }
    List<EpochMetrics> history = new ArrayList<>();
    while (epoch < untilEpoch) {
      long start = System.nanoTime();
      lastGood = lastGood == null ? model.params().clone() : copyInto(model.params(), lastGood);
      lastGoodOwn = config.objective().ownParameters().clone();
      double norm;
      try {
        norm = epoch(data);
      } catch (DivergenceException e) {
        throw fail(e.getMessage());
      }
      epoch++;
      EpochMetrics m;
      try {
        m = metrics.measure(model, data, epoch, (System.nanoTime() - start) / 1e9, norm);
      } catch (ArithmeticException e) {
        // A real block whose precision turned non-positive: the model is no distribution any more.
        epoch--;
        throw fail("training diverged in epoch " + (epoch + 1) + ": " + e.getMessage());
      }
      String cause = watch == null ? null : watch.check(m, negativePhase() == null ? null : negativePhase().chains());
      if (cause != null) {
        epoch--;
        throw fail("training diverged in epoch " + (epoch + 1) + ": " + cause);
      }
      history.add(m);
      listeners.forEach(l -> l.accept(m));
    }
    return history;
  }

  private static double[] copyInto(double[] from, double[] to) {
    System.arraycopy(from, 0, to, 0, from.length);
    return to;
  }

  /** Puts back the last good epoch's parameters and ends the run. */
  private DivergenceException fail(String message) {
    copyInto(lastGood, model.params());
    if (lastGoodOwn != null) {
      copyInto(lastGoodOwn, config.objective().ownParameters());
    }
    failure = message + ". The model's parameters are back to those " + (epoch == 0 ? "it started with" : "after epoch " + epoch) + ".";
    return new DivergenceException(failure, epoch + 1, epoch);
  }

  private void refuseIfFailed() {
    if (failure != null) {
      throw new IllegalStateException("this run diverged (" + failure + ") and cannot go on: its optimizer and chains are those of the failed epoch;"
          + " start a new trainer, e.g. from a checkpoint written before");
    }
  }

  /** One pass over shuffled minibatches; returns the norm of the last update's gradient. */
  private double epoch(Dataset data) {
    double factor = config.schedule().factor(epoch + 1);
    config.optimizer().setLearningRateFactor(factor);
    plan.setOwnLearningRateFactor(factor);
    int[] order = data.shuffledOrder(rng);
    double norm = Double.NaN;
    int batch = 0;
    // The run's precision for its updates only: metrics and estimates stay in float64.
    org.ebm4j.model.Batches.usePrecision(model, config.precision());
    try {
    for (int from = 0; from < order.length; from += config.batchSize()) {
      int to = Math.min(order.length, from + config.batchSize());
      MiniBatch mini = MiniBatch.of(data, order, from, to, batchBuffer);
      batchBuffer = mini.values();
      // The epoch reports its last update's gradient norm: only that update needs the gradient.
      double n = plan.update(mini, rng, ++batch, to == order.length);
      if (to == order.length) {
        norm = n;
      }
      if (batchProgress != null) {
        batchProgress.accept(to);
      }
    }
    } finally {
      org.ebm4j.model.Batches.usePrecision(model, org.ebm4j.model.Precision.FLOAT64);
    }
    return norm;
  }

  /**
   * One minibatch update, for training loops of your own ({@link #fit} runs these over shuffled
   * minibatches of a validated data set, and also starts centering offsets from the data's means).
   *
   * @throws IllegalArgumentException if the batch's width is not the model's visible size
   * @throws DivergenceException as {@link #fit} does
   */
  public void update(MiniBatch batch) {
    refuseIfFailed();
    if (batch.width() != model.visibleSize()) {
      throw new IllegalArgumentException("a minibatch of " + batch.width() + " columns for a model with " + model.visibleSize() + " visible units");
    }
    org.ebm4j.model.Batches.usePrecision(model, config.precision());
    try {
      plan.update(batch, rng, ++updates, false);
    } finally {
      org.ebm4j.model.Batches.usePrecision(model, org.ebm4j.model.Precision.FLOAT64);
    }
  }

  private DivergenceException diverged(String what, int batch, int k, double value) {
    return new DivergenceException(
        "non-finite " + what + " (" + value + ") in epoch " + (epoch + 1) + ", batch " + batch
            + ", parameter block '" + model.layout().entryAt(k).name() + "' (flat index " + k
            + "); lower the learning rate or add weight decay", epoch + 1, epoch);
  }

  /** Exact average log-likelihood of {@code data}, or NaN when the model is too large. */
  public double exactLogLikelihood(Dataset data) {
    return metrics.exactLogLikelihood(model, data);
  }

  /** What the per-epoch metrics skip as too costly for this model and {@code data} ({@link Metrics#skipped}). */
  public List<String> metricsSkipped(Dataset data) {
    return metrics.skipped(model, data);
  }

  /** The pseudo-log-likelihood estimate of {@link Metrics#pseudoLogLikelihood}. */
  public double pseudoLogLikelihood(Dataset data, int seed) {
    return metrics.pseudoLogLikelihood(model, data, seed);
  }

  /** The exact gradient of the average log-likelihood of {@code data} (full batch), into a new array. */
  public double[] fullGradient(Dataset data) {
    double[] g = new double[model.params().length];
    double[] v = new double[data.width()];
    PositivePhase positive = new PositivePhase(model);
    for (int i = 0; i < data.size(); i++) {
      data.row(i, v);
      positive.accumulate(v, 1.0 / data.size(), g, rng);
    }
    NegativePhase.exact().accumulate(model, null, -1.0, g, rng);
    return g;
  }

  /**
   * The training state: the model (class, dimensions, parameters), the configuration, the epoch,
   * and the optimizer's, chains', sampler's and generator's state. {@code Models.load} and {@link
   * TrainingConfig#restore} rebuild the model and the settings from it, and {@link #restore}
   * continues the run exactly.
   */
  public Checkpoint checkpoint() {
    refuseIfFailed();
    NegativePhase negative = negativePhase();
    Checkpoint c = new Checkpoint()
        .put("epoch", epoch)
        .put("model", model.getClass().getName())
        .put("dims", org.ebm4j.model.Models.formatDimensions(org.ebm4j.model.Models.dimensionsOf(model)))
        .put("optimizer", config.optimizer().describe())
        .put("batch", config.batchSize())
        .putArray("params", model.params())
        .putArray("optimizer", config.optimizer().state())
        .putLongs("rng", rng.state());
    if (negative != null) {
      c.put("negative", negative.describe()).putArray("sampler", negative.samplerState());
      Chains chains = negative.chains();
      if (chains != null) {
        c.put("chains", chains.count()).putArray("chains", chains.states());
      }
    }
    reparam.save(c);
    config.objective().save(c);
    if (config.objective().ownParameters().length > 0) {
      c.putArray("objective.optimizer", plan.ownOptimizerState());
    }
    config.save(c);
    return c;
  }

  /** Continues from {@code c}: parameters, epoch, optimizer, chains, sampler and generator. */
  public void restore(Checkpoint c) {
    double[] params = c.array("params");
    if (params.length != model.params().length) {
      throw new IllegalArgumentException("checkpoint has " + params.length + " parameters, the model " + model.params().length);
    }
    int bad = Kernels.firstNonFinite(params);
    if (bad >= 0) {
      throw new IllegalArgumentException("the checkpoint's parameter " + bad + " (block '" + model.layout().entryAt(bad).name() + "') is " + params[bad] + "; it cannot be resumed");
    }
    int savedEpoch;
    try {
      savedEpoch = Integer.parseInt(c.get("epoch"));
    } catch (NumberFormatException e) {
      savedEpoch = -1;
    }
    if (savedEpoch < 0) {
      throw new IllegalArgumentException("the checkpoint's epoch '" + c.get("epoch") + "' is not a number of epochs");
    }
    System.arraycopy(params, 0, model.params(), 0, params.length);
    epoch = savedEpoch;
    config.optimizer().restore(c.array("optimizer"));
    Chains chains = null;
    if (c.hasArray("chains")) {
      double[] states = c.array("chains");
      chains = new Chains(Integer.parseInt(c.get("chains")), model.stateSize());
      System.arraycopy(states, 0, chains.states(), 0, states.length);
    }
    NegativePhase negative = negativePhase();
    if (negative != null) {
      negative.restore(chains, c.hasArray("sampler") ? c.array("sampler") : new double[0]);
    }
    rng = Rng.fromState(c.longs("rng"));
    config.objective().restore(c);
    if (c.hasArray("objective.optimizer")) {
      plan.restoreOwnOptimizer(c.array("objective.optimizer"));
      started = true;
    }
    if (reparam != Reparameterisation.NONE) {
      reparam.restore(c);
      started = true;
    }
  }

  /** Epochs trained so far. */
  public int epoch() {
    return epoch;
  }

  /** The optimizer, with its state. */
  public Optimizer optimizer() {
    return config.optimizer();
  }

  /** The negative phase of a maximum-likelihood run, with its persistent chains; null for other objectives. */
  public NegativePhase negativePhase() {
    return config.objective() instanceof MaximumLikelihood ml ? ml.negativePhase() : null;
  }

  /** The run's settings. */
  public TrainingConfig config() {
    return config;
  }

  /** How each minibatch update is carried out, as chosen for this model and objective. */
  public String updatePlan() {
    return plan.describe();
  }

  /** The training-only change of parameters (centering), for tests in this package. */
  Reparameterisation reparameterisation() {
    return reparam;
  }

  /** The model being trained. */
  public EnergyModel model() {
    return model;
  }
}
