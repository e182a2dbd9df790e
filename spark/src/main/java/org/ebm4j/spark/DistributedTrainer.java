package org.ebm4j.spark;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.ebm4j.data.Dataset;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.Batches;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.random.Rng;
import org.ebm4j.train.EpochMetrics;
import org.ebm4j.train.LatentInference;
import org.ebm4j.train.MaximumLikelihood;
import org.ebm4j.train.Metrics;
import org.ebm4j.train.MiniBatch;
import org.ebm4j.train.NegativePhase;
import org.ebm4j.train.Objective;
import org.ebm4j.train.optim.Optimizer;
import org.ebm4j.train.optim.Sgd;

/**
 * Synchronous data-parallel maximum likelihood on Spark. Each update's data term
 * (1/B) Σ_{v in batch} ∇θ log p̃(v) is computed where the rows live, one Spark task per partition,
 * and summed on the driver in partition order; the negative phase runs on the driver with its
 * persistent chains (so they are the chains of single-machine training, with no bias from
 * partitioning); the optimizer steps on the driver. Minibatches are drawn exactly as the
 * single-machine {@code Trainer} draws them, from the same seed. With one partition the updates are
 * those of a {@code Trainer} taking the plain gradient ({@code Trainer.Builder.fusedUpdates(false)}),
 * bit for bit when the data term needs no random numbers (latents summed out or absent); with P
 * partitions they differ by the order of a floating-point sum.
 *
 * <p>A Spark job costs tens of milliseconds, so an update pays for itself only when its data term is
 * much larger than that: use large minibatches (thousands of rows) and large models.
 */
public final class DistributedTrainer {
  private final JavaSparkContext sc;
  private final EnergyModel model;
  private final MaximumLikelihood objective;
  private final Optimizer optimizer;
  private final int batchSize;
  private final Rng rng;
  private final long seed;
  private final List<Consumer<EpochMetrics>> listeners;
  private final int averageEvery;
  private final NegativePhase negativeSettings;
  /** With averaging: every partition's block and trainer state, cached, lineage cut each round. */
  private org.apache.spark.api.java.JavaRDD<LocalSteps> local;
  private Broadcast<ModelSnapshot> previousTheta;
  private SparkData localData;
  private final Metrics metrics = Metrics.standard();
  private int epoch;
  private int updates;
  private Dataset monitored;
  private MiniBatch driverBatch;

  private DistributedTrainer(Builder b) {
    this.sc = b.sc;
    this.model = b.model;
    this.objective = Objective.maximumLikelihood(b.negative, b.inference);
    this.optimizer = b.optimizer;
    this.batchSize = b.batchSize;
    this.seed = b.seed;
    this.rng = new Rng(b.seed);
    this.listeners = List.copyOf(b.listeners);
    this.averageEvery = b.averageEvery;
    this.negativeSettings = b.negative;
    String spec = b.negative.settings().spec();
    if (spec.startsWith("cd")) {
      throw new IllegalArgumentException("negative phase " + spec + " starts its chains at the minibatch's rows, which stay on the executors;"
          + " use pcd:K (persistent chains on the driver), tempered:K or exact");
    }
  }

  public static Builder builder(JavaSparkContext sc, EnergyModel model) {
    return new Builder(sc, model);
  }

  /** Settings of a distributed run; the defaults are the single-machine trainer's. */
  public static final class Builder {
    private final JavaSparkContext sc;
    private final EnergyModel model;
    private NegativePhase negative;
    private LatentInference inference = LatentInference.auto();
    private Optimizer optimizer = new Sgd(0.01);
    private int batchSize = 100;
    private long seed = 1L;
    private int averageEvery;
    private final List<Consumer<EpochMetrics>> listeners = new ArrayList<>();

    private Builder(JavaSparkContext sc, EnergyModel model) {
      this.sc = sc;
      this.model = model;
      this.negative = NegativePhase.auto(model, 100);
    }

    public Builder negativePhase(NegativePhase negative) {
      this.negative = negative;
      return this;
    }

    /** How the data term treats latents that cannot be summed out (as the single-machine trainer). */
    public Builder positivePhase(LatentInference inference) {
      this.inference = inference;
      return this;
    }

    public Builder optimizer(Optimizer optimizer) {
      this.optimizer = optimizer;
      return this;
    }

    public Builder batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Local steps with parameter averaging instead of synchronous updates: each partition takes
     * {@code k} updates of its own (minibatches of its rows, its own persistent chains of the
     * negative phase's size, its own optimizer state), then θ becomes the average of the partitions'
     * θ weighted by their rows. One Spark job per k updates instead of per update; the price is
     * the averaging's bias (partitions drift apart between averages, and each chain set follows
     * its partition's θ), which grows with k and the learning rate. 0 (the default) is synchronous.
     */
    public Builder averageEvery(int k) {
      if (k < 0) {
        throw new IllegalArgumentException("averageEvery needs k >= 0 (0: synchronous updates), got " + k);
      }
      this.averageEvery = k;
      return this;
    }

    /** Called after each epoch with its metrics. */
    public Builder listener(Consumer<EpochMetrics> listener) {
      listeners.add(listener);
      return this;
    }

    public DistributedTrainer build() {
      return new DistributedTrainer(this);
    }
  }

  /**
   * Trains until {@code untilEpoch} epochs are done. After each epoch: time, the last update's
   * gradient norm, and the pseudo-log-likelihood of a fixed subset of up to 1000 examples gathered
   * to the driver once (discrete visibles).
   */
  public List<EpochMetrics> fit(SparkData data, int untilEpoch) {
    requireWidth(data);
    if (monitored == null) {
      check(data);
      int[] subset = java.util.Arrays.copyOf(Dataset.shuffledOrder(data.size(), new Rng(seed ^ 0x5eedL)), Math.min(1000, data.size()));
      monitored = data.collect(subset);
    }
    List<EpochMetrics> history = new ArrayList<>();
    while (epoch < untilEpoch) {
      long start = System.nanoTime();
      double norm = averageEvery > 0 ? averagingEpoch(data) : epoch(data);
      epoch++;
      EpochMetrics m = new EpochMetrics(epoch, (System.nanoTime() - start) / 1e9, Double.NaN,
          metrics.pseudoLogLikelihood(model, monitored, 0x5eed), norm);
      history.add(m);
      listeners.forEach(l -> l.accept(m));
    }
    return history;
  }

  /**
   * One update on the examples numbered {@code examples} (one Spark job), for loops of your own;
   * returns the gradient's norm. {@link #fit} runs these over shuffled minibatches.
   */
  public double step(SparkData data, int[] examples) {
    if (averageEvery > 0) {
      throw new IllegalStateException("step takes one synchronous update; this trainer averages every " + averageEvery + " local steps (use fit)");
    }
    requireWidth(data);
    return update(data, examples.clone());
  }

  /**
   * The run as a checkpoint the command-line tool reads ({@code evaluate}, {@code sample},
   * {@code export}): model, dimensions, parameters, persistent chains and settings. Continuing a
   * distributed run from it is not supported yet.
   */
  public org.ebm4j.train.Checkpoint checkpoint() {
    org.ebm4j.train.Checkpoint c = new org.ebm4j.train.Checkpoint()
        .put("epoch", epoch)
        .put("model", model.getClass().getName())
        .put("dims", org.ebm4j.model.Models.formatDimensions(org.ebm4j.model.Models.dimensionsOf(model)))
        .put("seed", seed)
        .put("optimizer", optimizer.describe())
        .put("batch", batchSize)
        .put("objective", "maximum-likelihood")
        .put("negative", objective.negativePhase().describe())
        .put("negativeSpec", objective.negativePhase().settings().spec())
        .put("trainedOn", "spark")
        .putArray("params", model.params());
    org.ebm4j.sampling.Chains chains = objective.negativePhase().chains();
    if (chains != null) {
      c.put("chains", chains.count()).putArray("chains", chains.states());
    }
    return c;
  }

  /** The model being trained (its parameters are the driver's). */
  public EnergyModel model() {
    return model;
  }

  /** Epochs done. */
  public int epoch() {
    return epoch;
  }

  private void requireWidth(SparkData data) {
    if (data.width() != model.visibleSize()) {
      throw new IllegalArgumentException(data.name() + " has " + data.width() + " values per example, " + model.getClass().getSimpleName()
          + " " + model.visibleSize() + " visible units");
    }
  }

  /** Refuses data the model cannot take (values outside a unit's domain), naming the row. */
  private void check(SparkData data) {
    ModelSnapshot snapshot = ModelSnapshot.of(model);
    List<String> problems = data.blocks().map(b -> {
      try {
        b.all().validate(Workers.model(snapshot).variables());
        return null;
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
    }).filter(p -> p != null).take(1);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(data.name() + ": " + problems.get(0));
    }
  }

  private double epoch(SparkData data) {
    int[] order = Dataset.shuffledOrder(data.size(), rng);
    double norm = Double.NaN;
    for (int from = 0; from < order.length; from += batchSize) {
      int to = Math.min(order.length, from + batchSize);
      norm = update(data, java.util.Arrays.copyOfRange(order, from, to));
    }
    return norm;
  }

  /**
   * Rounds of {@code averageEvery} local updates per partition until the partitions together have
   * seen about one pass over the data; returns the norm of the last round's change of θ.
   */
  private double averagingEpoch(SparkData data) {
    if (local == null) {
      LocalSteps.Settings settings = LocalSteps.Settings.of(negativeSettings, optimizer, batchSize, seed);
      local = data.blocks().map(b -> LocalSteps.start(b, settings));
      localData = data;
    } else if (data != localData) {
      // The partitions' trainers hold their own rows: other data would be trained on the old rows.
      throw new IllegalArgumentException("this trainer averages over the partitions of " + localData.name() + "; train other data with a new trainer");
    }
    long perRound = (long) data.partitions() * averageEvery * batchSize;
    int rounds = (int) Math.max(1, (data.size() + perRound - 1) / perRound);
    double norm = Double.NaN;
    for (int round = 0; round < rounds; round++) {
      Broadcast<ModelSnapshot> theta = sc.broadcast(ModelSnapshot.of(model));
      int k = averageEvery;
      org.apache.spark.api.java.JavaRDD<LocalSteps> next = local.map(s -> s.run(theta.value(), k))
          .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
      next.rdd().localCheckpoint();
      // Rows-weighted average of the partitions' θ, summed in partition order.
      List<double[]> parts = next.map(s -> {
        double[] p = s.params();
        double[] out = java.util.Arrays.copyOf(p, p.length + 1);
        out[p.length] = s.block().rows();
        return out;
      }).collect();
      // Round r's θ stays until round r + 1 has run: should Spark recompute a lost block of this
      // round, it needs it (recomputation is deterministic, so the result is the same).
      if (previousTheta != null) {
        previousTheta.destroy();
      }
      previousTheta = theta;
      local.unpersist(false);
      local = next;
      updates += k;
      double[] mean = new double[model.params().length];
      double rows = 0;
      for (double[] p : parts) {
        rows += p[mean.length];
      }
      for (double[] p : parts) {
        double w = p[mean.length] / rows;
        for (int i = 0; i < mean.length; i++) {
          mean[i] += w * p[i];
        }
      }
      double change = 0;
      for (int i = 0; i < mean.length; i++) {
        change += (mean[i] - model.params()[i]) * (mean[i] - model.params()[i]);
      }
      if (!Double.isFinite(change)) {
        throw new IllegalStateException("non-finite parameters after averaging in epoch " + (epoch + 1) + "; lower the learning rate or average more often");
      }
      System.arraycopy(mean, 0, model.params(), 0, mean.length);
      Batches.paramsChanged(model);
      norm = Math.sqrt(change);
    }
    return norm;
  }

  private double update(SparkData data, int[] batch) {
    updates++;
    double[] grad = new double[model.params().length];
    Broadcast<ModelSnapshot> theta = sc.broadcast(ModelSnapshot.of(model));
    String inference = objective.positivePhase().spec();
    double weight = 1.0 / batch.length;
    long stream = seed ^ ((long) updates << 20);
    int partitionsSeen = 0;
    // One task per partition; collect() returns the parts in partition order, so the sum is deterministic.
    List<double[]> parts = data.blocks().map(b -> {
      Dataset rows = b.pick(batch);
      if (rows == null) {
        return null;
      }
      Workers.Worker w = Workers.worker(theta.value(), inference);
      double[] part = new double[theta.value().params().length];
      MiniBatch mini = MiniBatch.of(rows, identity(rows.size()), 0, rows.size());
      w.objective().accumulateDataTerm(w.model(), mini, weight, part, Rng.stream(stream, b.first()));
      return part;
    }).collect();
    theta.destroy();
    for (double[] part : parts) {
      if (part != null) {
        partitionsSeen++;
        for (int k = 0; k < grad.length; k++) {
          grad[k] += part[k];
        }
      }
    }
    Batches.paramsChanged(model);
    if (driverBatch == null || driverBatch.size() != batch.length) {
      // The negative phase reads only the minibatch's size (its chains are its own).
      driverBatch = new MiniBatch(new double[batch.length * model.visibleSize()], batch.length, model.visibleSize());
    }
    objective.negativePhase().accumulate(model, driverBatch, -1.0, grad, rng);
    double norm = Math.sqrt(Kernels.sumOfSquares(grad));
    if (!Double.isFinite(norm)) {
      throw new IllegalStateException("non-finite gradient in epoch " + (epoch + 1) + ", update " + updates + " (" + partitionsSeen
          + " partitions contributed); lower the learning rate or add weight decay");
    }
    optimizer.step(model.params(), grad);
    return norm;
  }

  private static int[] identity(int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = i;
    }
    return out;
  }

  /** Models and objectives rebuilt once per executor thread and reused across updates. */
  static final class Workers {
    record Worker(EnergyModel model, MaximumLikelihood objective) {}

    private static final ThreadLocal<Map<String, Worker>> WORKERS = ThreadLocal.withInitial(HashMap::new);

    static EnergyModel model(ModelSnapshot s) {
      return worker(s, LatentInference.auto().spec()).model();
    }

    /** This thread's model of {@code s}'s class and dimensions, holding {@code s}'s parameters. */
    static Worker worker(ModelSnapshot s, String inference) {
      String key = s.className() + s.dims() + inference;
      Worker w = WORKERS.get().get(key);
      if (w == null) {
        EnergyModel m = s.build();
        w = new Worker(m, Objective.maximumLikelihood(NegativePhase.exact(), LatentInference.parse(inference)));
        WORKERS.get().put(key, w);
      }
      System.arraycopy(s.params(), 0, w.model().params(), 0, s.params().length);
      Batches.paramsChanged(w.model());
      return w;
    }
  }
}
