package org.ebm4j.examples.cli;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ebm4j.data.DataSpec;
import org.ebm4j.data.Dataset;
import org.ebm4j.estimate.Enumeration;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.Models;
import org.ebm4j.sampling.SamplerOptions;
import org.ebm4j.sampling.Samplers;
import org.ebm4j.train.Checkpoint;
import org.ebm4j.train.EpochMetrics;
import org.ebm4j.train.NegativePhase;
import org.ebm4j.train.Schedule;
import org.ebm4j.train.Trainer;
import org.ebm4j.train.optim.Adam;
import org.ebm4j.train.optim.Optimizer;
import org.ebm4j.train.optim.Sgd;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code train}: maximum-likelihood training with progress, metrics and checkpoints. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a model by maximum likelihood, with progress, metrics.jsonl and a checkpoint per epoch.")
final class TrainCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", description = "An example's short name (rbm, spin-rbm, fvbm, gb-rbm, dbm, tanh) or the class name of an @EnergyModel spec or generated class on the class path. Required unless --resume.")
  String model;

  @Option(names = "--dims", split = ",", description = "Dimension sizes, e.g. hidden=16. The visible dimension defaults to the data's width; examples have default sizes for the others.")
  java.util.Map<String, Integer> dims = new java.util.LinkedHashMap<>();

  @Option(names = "--data", defaultValue = "bars-and-stripes:3", description = "Training data: " + DataSpec.FORMS + ". Default: ${DEFAULT-VALUE}.")
  String data;

  @Option(names = "--objective", defaultValue = "maximum-likelihood", description = "What training maximises: maximum-likelihood (positive minus negative phase; --negative and --positive choose how), pseudo-likelihood[:sites=K] (Σ_i log p(v_i | v_-i) over discrete visible units, no partition function and no sampling; sites=K: K random sites per example, unbiased, for wide data) ratio-matching[:sites=K] (Hyvärinen 2007, binary and spin visible units; as free of sampling), score-matching (real visible units: fits ∇v log p~ with the exact Laplacian, generated in one sweep for element-wise functions of affine maps of v, else one second derivative per unit), sliced-score-matching[:projections=K] (the Laplacian's trace from K random directions per example: any dimension), denoising-score-matching[:sigma=S] (fits the data blurred by Gaussian noise of scale S, default a tenth of the data's spread; no second derivatives) or nce[:ratio=R] (noise-contrastive estimation against R noise samples per example from noise fitted to the data, log Z learned; any model whose latents can be summed out). Default: ${DEFAULT-VALUE}.")
  String objective;

  @Option(names = "--negative", defaultValue = "auto", description = "Negative phase: exact (enumeration, small models), cd:K, pcd:K or tempered:K (K sweeps per update); auto is exact where the model's structure makes it cheap (at most 2^20 states), else pcd:1. Default: ${DEFAULT-VALUE}.")
  String negative;

  @Option(names = "--positive", defaultValue = "auto", description = "How the data term treats latents that cannot be summed out (models whose latents interact, such as DBMs): exact (enumerate the latents left once non-interacting blocks are summed out), meanfield[:iterations=N,tolerance=T,damping=D,init=half|upward] (variational, biased to a unimodal posterior), sampled:K (K clamped Gibbs sweeps) or auto (exact where cheap, else mean-field for discrete latent blocks, else sampled). Default: ${DEFAULT-VALUE}.")
  String positive;

  @Option(names = "--sampler", description = "Sampler for cd/pcd (the base sampler for tempered): gibbs, block-gibbs, metropolis, langevin, mala, hmc, tempering or any registered one. Default: block-gibbs where the model has block conditionals, else gibbs (discrete) or langevin (real).")
  String sampler;

  @Option(names = "--sampler-options", defaultValue = "", description = "Sampler settings as key=value,..., e.g. step=0.05,leapfrog=10 or replicas=8,minBeta=0.05.")
  String samplerOptions;

  @Option(names = "--chains", description = "Persistent chains for pcd and tempered. Default: the batch size.")
  Integer chains;

  @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd or adam. Default: ${DEFAULT-VALUE}.")
  String optimizer;

  @Option(names = "--lr", defaultValue = "0.1", description = "Learning rate, scaling the minibatch-mean gradient. Default: ${DEFAULT-VALUE}.")
  double lr;

  @Option(names = "--momentum", defaultValue = "0", description = "SGD momentum. Default: ${DEFAULT-VALUE}.")
  double momentum;

  @Option(names = "--weight-decay", defaultValue = "0", description = "L2 weight decay. Default: ${DEFAULT-VALUE}.")
  double weightDecay;

  @Option(names = "--schedule", defaultValue = "constant", description = "Learning-rate schedule: constant, exp:GAMMA or inverse:HALFLIFE (epochs). Default: ${DEFAULT-VALUE}.")
  String schedule;

  /** Parameters from which train mentions float32 (a 784×500 RBM has 393 284; its float32 epoch took half the time). */
  private static final int LARGE_FOR_FLOAT64 = 100_000;

  @Option(names = "--precision", defaultValue = "float64", description = "Number type of the batched products: float64, or float32 (the batched gradients, latent means and block draws in float through sgemm, for models the processor lowered in float: RBMs, DBMs; plain SGD on the combined update also steps θ in float between epoch ends; log Z and log-likelihoods stay double). Default: ${DEFAULT-VALUE}.")
  String precision;

  @Option(names = "--centering", defaultValue = "0", description = "Centering offset rate (Melchior et al. 2016), e.g. 0.01, for energies with couplings -x'Wy and biases -b'x between discrete variables (RBMs, every layer of a DBM); 0 is off. Parameters stay uncentered. Default: ${DEFAULT-VALUE}.")
  double centering;

  @Option(names = "--batch", defaultValue = "10", description = "Minibatch size. Default: ${DEFAULT-VALUE}.")
  int batch;

  @Option(names = "--epochs", defaultValue = "100", description = "Total number of epochs; with --resume, training continues up to this total. Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of every random choice. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--resume", description = "Continue the run whose checkpoint is in this directory (its settings are reused).")
  Path resume;

  @Option(names = "--plots", description = "Directory for pictures: samples.png (model samples), data.png, filters.png (learned weights per latent unit, for image-shaped visibles), density.png (for two real visible units: the model's density with samples and data over it) and curve.png (the metric per epoch).")
  Path plots;

  @Option(names = "--keep-best", description = "Also keep the checkpoint of the epoch with the best log-likelihood (or pseudo-log-likelihood) in the subdirectory best/ of --out.")
  boolean keepBest;

  @Option(names = "--no-divergence-checks", description = "Stop only on non-finite numbers, not when the log-likelihood collapses, norms explode or chains leave the data's range.")
  boolean noDivergenceChecks;

  @Option(names = "--quiet", description = "Print only the final result.")
  boolean quiet;

  @Option(names = "--out", description = "Directory for metrics.jsonl and the checkpoint. Default: the --resume directory, else none.")
  Path out;

  @Override
  public Integer call() throws IOException {
    try {
      return train();
    } catch (OutOfMemoryError e) {
      // A model too large for the heap: say so, not a trace from inside the allocation.
      throw new IllegalStateException("not enough memory: the run needs more than the JVM's heap of "
          + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB (each parameter takes 8 bytes, several times over); choose"
          + " smaller dimensions or run java with a larger -Xmx");
    }
  }

  private Integer train() throws IOException {
    Checkpoint saved = null;
    if (resume != null) {
      saved = Checkpoint.read(resume);
      refuseConflicts(saved);
      model = saved.get("model");
      dims = Runs.parseDims(saved.get("dims"));
      data = saved.get("data");
      objective = saved.get("objective", "maximum-likelihood");
      negative = saved.get("negativeSpec", "auto");
      positive = saved.get("positiveSpec", "auto");
      sampler = saved.get("sampler", "").isEmpty() ? null : saved.get("sampler");
      samplerOptions = saved.get("samplerOptions", "");
      chains = Integer.parseInt(saved.get("chains", saved.get("batch")));
      optimizer = saved.get("optimizerKind");
      lr = Double.parseDouble(saved.get("lr"));
      momentum = Double.parseDouble(saved.get("momentum"));
      weightDecay = Double.parseDouble(saved.get("weightDecay"));
      schedule = saved.get("schedule");
      batch = Integer.parseInt(saved.get("batch"));
      centering = Double.parseDouble(saved.get("centering", "0"));
      if (!spec.commandLine().getParseResult().hasMatchedOption("--precision")) {
        precision = saved.get("precision", "float64");
      }
      seed = Long.parseLong(saved.get("seed"));
      if (out == null) {
        out = resume;
      }
    } else if (model == null) {
      throw new IllegalArgumentException("name a model with --model (or continue a run with --resume DIR)");
    }
    if (epochs < 0 || batch <= 0) {
      throw new IllegalArgumentException("--epochs must be >= 0 and --batch positive");
    }
    if (keepBest && out == null) {
      throw new IllegalArgumentException("--keep-best needs --out DIR, where best/ is written");
    }
    if (chains != null && chains <= 0) {
      throw new IllegalArgumentException("--chains must be positive, got " + chains);
    }
    org.ebm4j.train.Objective chosen = chosenObjective();
    Dataset dataset = DataSpec.load(data);
    EnergyModel m = newModel(dataset);
    dataset.validate(m.variables());
    if (negative.equals("auto")) {
      negative = automaticNegative(m);
    }
    if (sampler != null) {
      Samplers.provider(sampler);
    }
    NegativePhase phase = newNegativePhase();
    Optimizer opt = newOptimizer();
    if (saved != null && out != null) {
      dropLinesAfter(Integer.parseInt(saved.get("epoch")));
    }
    Writer metrics = out == null ? null : openMetrics(saved != null);
    Trainer[] holder = new Trainer[1];
    Progress[] bar = new Progress[1];
    Trainer trainer =
        Trainer.builder(m)
            .batchProgress(done -> {
              if (bar[0] == null) {
                bar[0] = new Progress("epoch " + (holder[0].epoch() + 1), quiet || dataset.size() < 5000, dataset.size(), "examples");
              }
              bar[0].update((double) done / dataset.size());
              if (done >= dataset.size()) {
                bar[0] = null;
              }
            })
            .objective(chosen != null ? chosen : org.ebm4j.train.Objective.maximumLikelihood(phase, org.ebm4j.train.LatentInference.parse(positive)))
            .optimizer(opt)
            .batchSize(batch)
            .schedule(Schedule.parse(schedule))
            .centering(centering)
            .precision(org.ebm4j.model.Precision.parse(precision))
            .seed(seed)
            .divergenceGuard(noDivergenceChecks ? org.ebm4j.train.DivergenceGuard.off() : org.ebm4j.train.DivergenceGuard.standard())
            .listener(e -> onEpoch(e, metrics, holder[0]))
            .build();
    holder[0] = trainer;
    if (saved != null) {
      trainer.restore(saved);
    }
    say("model %s: %d visible, %d latent units, %d parameters; %s; BLAS %s", m.getClass().getSimpleName(), m.visibleSize(), m.latentSize(),
        m.params().length, m.capability(org.ebm4j.model.BatchGradients.class).isPresent() ? "batched gradients" : "per-state gradients",
        org.ebm4j.kernel.Blas.description());
    say("data %s: %d examples; %s; %s, batch %d%s", dataset.name(), dataset.size(), chosen == null ? "negative phase " + describe(phase, m) : chosen.describe(), opt.describe(), batch,
        saved == null ? "" : "; resuming at epoch " + trainer.epoch());
    say("update: %s", trainer.updatePlan());
    if (chosen != null && chosen.spec().equals("score-matching")) {
      m.capability(org.ebm4j.model.Scores.class).filter(sc -> !sc.laplacianInOneSweep()).ifPresent(sc -> say(
          "score matching: the Laplacian of %s is outside the one-sweep rules (element-wise functions of affine maps of v, quadratic forms),"
              + " so each example costs %d curvatures; sliced-score-matching costs one", m.getClass().getSimpleName(), m.visibleSize()));
    }
    boolean floats = m.capability(org.ebm4j.model.FloatBatchGradients.class).isPresent();
    if (org.ebm4j.model.Precision.parse(precision) == org.ebm4j.model.Precision.FLOAT32) {
      say(floats
          ? "precision: float32 products (sgemm), means and draws; plain SGD on the combined update steps θ in float"
              + " between epoch ends, other optimizers in double; metrics, log Z and log-likelihoods in double"
          : "precision: float64 - %s has no float32 members (its batched code calls kernels without float forms)", m.getClass().getSimpleName());
    } else if (floats && m.params().length >= LARGE_FOR_FLOAT64) {
      say("precision: float64; --precision float32 trains models this size about twice as fast (the guide's \"Precision\")");
    }
    estimateCosts(m, dataset, chosen == null ? phase : null);
    trainer.metricsSkipped(dataset).forEach(note -> say("metrics skip the %s", note));
    double initial = trainer.exactLogLikelihood(dataset);
    if (trainer.epoch() == 0 && Double.isFinite(initial)) {
      say("epoch %4d  log-likelihood %9.4f nats", 0, initial);
    }
    savedEpoch = saved == null ? -1 : trainer.epoch();
    try {
      trainer.fit(dataset, epochs);
    } catch (Trainer.DivergenceException e) {
      // Name only checkpoints that exist: the one of the last good epoch, if it was written.
      String kept = out == null ? "no checkpoint was written (no --out)"
          : savedEpoch < 0 ? "no checkpoint was written: the run diverged before its first epoch ended"
          : "the checkpoint in " + out + " is of epoch " + savedEpoch + (savedEpoch == e.lastGoodEpoch() ? ", the last good one" : "");
      if (out != null && keepBest && bestEpoch > 0) {
        kept += "; the best (epoch " + bestEpoch + ") is in " + out.resolve("best");
      }
      throw new IllegalStateException(e.getMessage() + " " + Character.toUpperCase(kept.charAt(0)) + kept.substring(1) + ".", e);
    } finally {
      if (metrics != null) {
        metrics.close();
      }
    }
    if (out != null && trainer.epoch() == 0) {
      save(trainer);
    }
    report(m, dataset, trainer);
    if (plots != null) {
      drawPlots(m, dataset);
    }
    return 0;
  }

  private final java.util.List<Double> curve = new java.util.ArrayList<>();
  /** The epoch of the checkpoint in --out, or -1 when none was written. */
  private int savedEpoch = -1;
  private int bestEpoch;
  private double best = Double.NEGATIVE_INFINITY;

  /** The negative phase as the run will use it: sampler (tempering's base too) and chains. */
  private String describe(NegativePhase phase, EnergyModel m) {
    if (phase.sweepsPerUpdate() == 0) {
      return negative;
    }
    String base = sampler == null ? Samplers.defaultName(m) : sampler;
    String how = negative.startsWith("tempered") ? "parallel tempering over " + base : base;
    return negative + " with " + how + (phase.persistentChains() > 0 ? ", " + phase.persistentChains() + " persistent chains" : ", chains from the data");
  }

  /** An objective's spec as its class writes it (nce:ratio=4 and nce:ratio=4.0 are one setting). */
  private static String canonical(String spec) {
    try {
      return org.ebm4j.train.Objective.named(spec).map(org.ebm4j.train.Objective::spec).orElse(spec.trim());
    } catch (IllegalArgumentException e) {
      return spec.trim(); // reported where the objective is built
    }
  }

  /** Null for maximum likelihood (built from --negative and --positive), else the objective named. */
  private org.ebm4j.train.Objective chosenObjective() {
    String name = objective.trim();
    if (name.equals("maximum-likelihood")) {
      return null;
    }
    org.ebm4j.train.Objective named = org.ebm4j.train.Objective.named(name).orElseThrow(() -> new IllegalArgumentException(
        "unknown --objective '" + objective + "'; use maximum-likelihood, pseudo-likelihood[:sites=K], ratio-matching[:sites=K],"
        + " score-matching, sliced-score-matching[:projections=K], denoising-score-matching[:sigma=S] or nce[:ratio=R]"));
    for (String option : new String[] {"--negative", "--positive", "--sampler", "--chains", "--centering"}) {
      if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
        throw new IllegalArgumentException(option + " applies to maximum likelihood; " + name.split(":")[0] + " needs no negative phase: drop " + option);
      }
    }
    return named;
  }

  private EnergyModel newModel(Dataset dataset) {
    ModelOptions options = new ModelOptions();
    options.model = model;
    options.dims = dims;
    return options.create(dataset.width(), dataset.categories(), seed);
  }

  /**
   * A resumed run keeps its settings; a setting also given on the command line must agree with
   * them, or the run would silently differ from what the user asked for.
   */
  private void refuseConflicts(Checkpoint saved) {
    java.util.Map<String, String[]> given = new java.util.LinkedHashMap<>();
    given.put("--objective", new String[] {canonical(objective), canonical(saved.get("objective", "maximum-likelihood"))});
    given.put("--negative", new String[] {negative, saved.get("negativeSpec", "exact")});
    given.put("--positive", new String[] {org.ebm4j.train.LatentInference.parse(positive).spec(), org.ebm4j.train.LatentInference.parse(saved.get("positiveSpec", "auto")).spec()});
    given.put("--sampler", new String[] {sampler == null ? "" : sampler, saved.get("sampler", "")});
    given.put("--sampler-options", new String[] {SamplerOptions.parse(samplerOptions).format(), SamplerOptions.parse(saved.get("samplerOptions", "")).format()});
    given.put("--chains", new String[] {String.valueOf(chains), saved.get("chains", saved.get("batch"))});
    given.put("--optimizer", new String[] {optimizer, saved.get("optimizerKind", "sgd")});
    given.put("--lr", new String[] {number(lr), number(Double.parseDouble(saved.get("lr")))});
    given.put("--momentum", new String[] {number(momentum), number(Double.parseDouble(saved.get("momentum", "0")))});
    given.put("--weight-decay", new String[] {number(weightDecay), number(Double.parseDouble(saved.get("weightDecay", "0")))});
    given.put("--schedule", new String[] {schedule, saved.get("schedule", "constant")});
    given.put("--centering", new String[] {number(centering), number(Double.parseDouble(saved.get("centering", "0")))});
    given.put("--batch", new String[] {String.valueOf(batch), saved.get("batch")});
    given.put("--seed", new String[] {String.valueOf(seed), saved.get("seed", "0")});
    given.put("--data", new String[] {data, saved.get("data", "")});
    for (java.util.Map.Entry<String, String[]> e : given.entrySet()) {
      String[] values = e.getValue();
      if (spec.commandLine().getParseResult().hasMatchedOption(e.getKey()) && !values[0].equals(values[1])) {
        throw new IllegalArgumentException(e.getKey() + " " + values[0] + " differs from the run being resumed (" + values[1]
            + "); a resumed run keeps its settings: drop " + e.getKey() + ", or start a new run with --out");
      }
    }
    if (model != null && spec.commandLine().getParseResult().hasMatchedOption("--model")
        && !Models.generatedClass(ExampleModels.resolve(model)).getName().equals(saved.get("model"))) {
      throw new IllegalArgumentException("--model " + model + " differs from the run being resumed (" + saved.get("model") + "); drop --model, or start a new run with --out");
    }
  }

  private static String number(double d) {
    return Double.toString(d);
  }

  /** Exact where enumeration is cheap and gives the exact gradient, else PCD-1 (the library's rule). */
  private static String automaticNegative(EnergyModel m) {
    return NegativePhase.auto(m, 1).settings().spec();
  }

  private NegativePhase newNegativePhase() {
    return NegativePhase.parse(negative, sampler, chains == null ? batch : chains, SamplerOptions.parse(samplerOptions));
  }

  private Optimizer newOptimizer() {
    return switch (optimizer) {
      case "sgd" -> new Sgd(lr, momentum, weightDecay);
      case "adam" -> new Adam(lr, 0.9, 0.999, 1e-8, weightDecay);
      default -> throw new IllegalArgumentException("unknown optimizer '" + optimizer + "'; use sgd or adam");
    };
  }

  /** Samples, data, filters and the training curve as PNG files in --plots. */
  private void drawPlots(EnergyModel m, Dataset dataset) throws IOException {
    int count = 16;
    int v = m.visibleSize();
    org.ebm4j.random.Rng rng = new org.ebm4j.random.Rng(seed);
    org.ebm4j.sampling.Chains chains = org.ebm4j.sampling.Chains.random(m, count, rng);
    org.ebm4j.sampling.Samplers.create(org.ebm4j.sampling.Samplers.defaultName(m), m, SamplerOptions.defaults()).sweep(chains, 500, rng);
    double[] samples = new double[count * v];
    for (int c = 0; c < count; c++) {
      System.arraycopy(chains.states(), c * m.stateSize(), samples, c * v, v);
    }
    Pictures.grid(plots.resolve("samples.png"), samples, count, v, 4);
    java.util.List<String> written = new java.util.ArrayList<>(java.util.List.of("samples.png", "data.png"));
    if (Pictures.isPlane(m)) {
      // Two real units: more chains, drawn over the density and the data.
      org.ebm4j.sampling.Chains many = org.ebm4j.sampling.Chains.random(m, 300, rng);
      org.ebm4j.sampling.Samplers.create(org.ebm4j.sampling.Samplers.defaultName(m), m, SamplerOptions.defaults()).sweep(many, 500, rng);
      double[] points = new double[2 * many.count()];
      for (int c = 0; c < many.count(); c++) {
        System.arraycopy(many.states(), c * m.stateSize(), points, 2 * c, 2);
      }
      double[] shownData = java.util.Arrays.copyOf(dataset.values(), 2 * Math.min(dataset.size(), 500));
      Pictures.density(plots.resolve("density.png"), m, points, shownData);
      written.add("density.png");
    }
    int shown = Math.min(dataset.size(), 16);
    Pictures.grid(plots.resolve("data.png"), java.util.Arrays.copyOf(dataset.values(), shown * v), shown, v, 4);
    for (org.ebm4j.model.ParamLayout.Entry e : m.layout().entries()) {
      // A matrix with the visible size on one axis: one filter per unit of the other axis.
      if (e.shape().size() == 2 && (e.shape().get(0) == v || e.shape().get(1) == v)) {
        boolean rows = e.shape().get(1) == v;
        int filters = Math.min(64, rows ? e.shape().get(0) : e.shape().get(1));
        int other = e.shape().get(1);
        double[] f = new double[filters * v];
        for (int j = 0; j < filters; j++) {
          for (int i = 0; i < v; i++) {
            f[j * v + i] = rows ? m.params()[e.offset() + j * v + i] : m.params()[e.offset() + i * other + j];
          }
        }
        Pictures.grid(plots.resolve("filters.png"), f, filters, v, 4);
        written.add("filters.png");
        break;
      }
    }
    double[] values = curve.stream().mapToDouble(Double::doubleValue).toArray();
    Pictures.curve(plots.resolve("curve.png"), values, "log-likelihood (or pseudo-log-likelihood) per epoch, nats");
    written.add("curve.png");
    say("wrote %s to %s", String.join(", ", written), plots);
  }

  private void report(EnergyModel m, Dataset dataset, Trainer trainer) {
    double ll = trainer.exactLogLikelihood(dataset);
    if (Double.isFinite(ll)) {
      System.out.printf(Locale.ROOT, "exact average log-likelihood of %s after %d epochs: %.4f nats (log Z by enumerating %s)%n",
          dataset.name(), trainer.epoch(), ll, Enumeration.plan(m, false).describe());
      if (dataset.name().startsWith("bars-and-stripes")) {
        System.out.printf(Locale.ROOT, "for reference: a uniform model scores %.4f; the best possible for %d distinct examples is %.4f%n",
            -m.visibleSize() * Math.log(2), dataset.size(), -Math.log(dataset.size()));
      }
    } else {
      boolean real = m.variables().all().stream().anyMatch(x -> x.visible() && !x.domain().isDiscrete());
      System.out.printf(Locale.ROOT, "trained %d epochs; %s%n", trainer.epoch(),
          real ? "exact log-likelihoods need discrete visibles (real ones have no enumerable Z)" : "the model is too large for exact log-likelihoods (use evaluate)");
    }
  }

  /**
   * Times one gradient, one sampler sweep and whole minibatch updates on copies (nothing the run
   * uses is touched, so the run stays bit-identical) and prints what an epoch should take. The
   * updates also let the JIT compile the hot loops before the first epoch's clock starts.
   */
  private void estimateCosts(EnergyModel m, Dataset dataset, NegativePhase phase) {
    if (quiet) {
      return;
    }
    double[] x = new double[m.stateSize()];
    dataset.row(0, x);
    double[] g = new double[m.params().length];
    int reps = 0;
    long start = System.nanoTime();
    while (reps < 3 || (System.nanoTime() - start < 50_000_000L && reps < 1000)) {
      m.accumulateGradient(x, 0.0, g);
      reps++;
    }
    double gradientSeconds = (System.nanoTime() - start) / 1e9 / reps;
    String line = String.format(Locale.ROOT, "one gradient: %.3g ms", 1e3 * gradientSeconds);
    if (phase != null && phase.sweepsPerUpdate() > 0) {
      String name = sampler == null ? Samplers.defaultName(m) : sampler;
      org.ebm4j.random.Rng local = new org.ebm4j.random.Rng(0);
      org.ebm4j.sampling.Chains probe = org.ebm4j.sampling.Chains.random(m, 1, local);
      // A tempered phase's options are tempering's; the sweep timed here is of its base sampler.
      SamplerOptions options = SamplerOptions.parse(samplerOptions);
      if (negative.startsWith("tempered")) {
        options = options.without(org.ebm4j.sampling.TemperingSampler.Provider.OWN);
      }
      org.ebm4j.sampling.Sampler s = Samplers.create(name, m, options);
      long t = System.nanoTime();
      int sweeps = 0;
      while (sweeps < 3 || (System.nanoTime() - t < 50_000_000L && sweeps < 1000)) {
        s.sweep(probe, 1, local);
        sweeps++;
      }
      double sweepSeconds = (System.nanoTime() - t) / 1e9 / sweeps;
      line += String.format(Locale.ROOT, ", one %s sweep of one chain: %.3g ms", name, 1e3 * sweepSeconds);
    }
    double update = timeUpdates(m, dataset);
    long updates = (dataset.size() + batch - 1) / batch;
    say("%s; one update of %d examples: %.3g ms, so an epoch should take about %.1f s", line, Math.min(batch, dataset.size()), 1e3 * update,
        update * updates);
  }

  /**
   * Seconds per minibatch update, from a second (up to four for slow updates) of updates by a trainer
   * of the same settings on a copy of the model: the median of the later half.
   */
  private double timeUpdates(EnergyModel m, Dataset dataset) {
    EnergyModel copy = newModel(dataset);
    System.arraycopy(m.params(), 0, copy.params(), 0, m.params().length);
    // A fresh objective: the run's own (NCE's log Z, say) must not move.
    org.ebm4j.train.Objective own = chosenObjective();
    Trainer probe = Trainer.builder(copy)
        .objective(own != null ? own : org.ebm4j.train.Objective.maximumLikelihood(newNegativePhase(), org.ebm4j.train.LatentInference.parse(positive)))
        .optimizer(newOptimizer())
        .batchSize(batch)
        .centering(centering)
        .precision(org.ebm4j.model.Precision.parse(precision))
        .seed(seed)
        .build();
    int[] order = new int[dataset.size()];
    java.util.Arrays.setAll(order, i -> i);
    // The first update sets up (scratch buffers, native libraries, class loading): seconds for a
    // large model, which the window below would otherwise mostly spend on.
    probe.update(org.ebm4j.train.MiniBatch.of(dataset, order, 0, Math.min(order.length, batch)));
    java.util.List<Long> stamps = new java.util.ArrayList<>();
    long start = System.nanoTime();
    stamps.add(start);
    // At least a second and, for slow updates, up to eight of them within four seconds: the first
    // few of a large model run before the JIT has compiled its loops and took 2-4x longer.
    for (int from = 0; stamps.size() < 4 || (System.nanoTime() - start < 1_000_000_000L && stamps.size() < 500)
        || (stamps.size() < 9 && System.nanoTime() - start < 4_000_000_000L); from += batch) {
      if (from >= order.length) {
        from = 0;
      }
      probe.update(org.ebm4j.train.MiniBatch.of(dataset, order, from, Math.min(order.length, from + batch)));
      stamps.add(System.nanoTime());
    }
    // The median of the later half: the early ones run before the JIT has compiled the loops.
    int skip = (stamps.size() - 1) / 2;
    double[] each = new double[stamps.size() - 1 - skip];
    for (int i = 0; i < each.length; i++) {
      each[i] = (stamps.get(skip + i + 1) - stamps.get(skip + i)) / 1e9;
    }
    java.util.Arrays.sort(each);
    return each[each.length / 2];
  }

  private void say(String format, Object... args) {
    if (!quiet) {
      System.out.printf(Locale.ROOT, format + "%n", args);
    }
  }

  private void onEpoch(EpochMetrics e, Writer metrics, Trainer trainer) {
    curve.add(Double.isFinite(e.logLikelihood()) ? e.logLikelihood() : e.pseudoLogLikelihood());
    int every = Math.max(1, epochs / 25);
    if (e.epoch() % every == 0 || e.epoch() == epochs) {
      String metric = Double.isFinite(e.logLikelihood())
          ? String.format(Locale.ROOT, "log-likelihood %9.4f nats", e.logLikelihood())
          : Double.isFinite(e.pseudoLogLikelihood()) ? String.format(Locale.ROOT, "pseudo-log-likelihood %9.4f nats", e.pseudoLogLikelihood()) : "";
      say("epoch %4d  %s  |grad| %.2e  %.3f s", e.epoch(), metric, e.gradientNorm(), e.seconds());
    }
    try {
      if (metrics != null) {
        metrics.write(e.toJson() + "\n");
        metrics.flush();
        save(trainer);
        double metric = Double.isFinite(e.logLikelihood()) ? e.logLikelihood() : e.pseudoLogLikelihood();
        if (keepBest && Double.isFinite(metric) && metric > best) {
          best = metric;
          bestEpoch = e.epoch();
          trainer.checkpoint().put("data", data).write(out.resolve("best"));
        }
      }
    } catch (IOException ex) {
      throw new java.io.UncheckedIOException(ex);
    }
  }

  private void save(Trainer trainer) throws IOException {
    // The library writes the model and the run's settings; the data specification is the tool's.
    trainer.checkpoint().put("data", data).write(out);
    savedEpoch = trainer.epoch();
  }

  /**
   * A run killed between writing an epoch's metrics line and its checkpoint resumes from the
   * epoch before: the lines of epochs after the checkpoint go, so no epoch is listed twice.
   */
  private void dropLinesAfter(int epoch) throws IOException {
    Path file = out.resolve("metrics.jsonl");
    if (!Files.exists(file)) {
      return;
    }
    List<String> kept = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int at = line.indexOf("\"epoch\":");
      int end = at < 0 ? -1 : line.indexOf(',', at);
      if (at >= 0 && end > at && Integer.parseInt(line.substring(at + 8, end).trim()) > epoch) {
        continue;
      }
      kept.add(line);
      // The best epoch so far, so --keep-best does not replace best/ with a worse one.
      double ll = jsonNumber(line, "\"logLikelihood\":");
      double metric = Double.isFinite(ll) ? ll : jsonNumber(line, "\"pseudoLogLikelihood\":");
      if (at >= 0 && end > at && Double.isFinite(metric) && metric > best && Files.exists(out.resolve("best").resolve(Checkpoint.FILE))) {
        best = metric;
        bestEpoch = Integer.parseInt(line.substring(at + 8, end).trim());
      }
    }
    Files.write(file, kept, StandardCharsets.UTF_8);
  }

  private static double jsonNumber(String line, String key) {
    int at = line.indexOf(key);
    if (at < 0) {
      return Double.NaN;
    }
    int from = at + key.length();
    int end = from;
    while (end < line.length() && line.charAt(end) != ',' && line.charAt(end) != '}') {
      end++;
    }
    try {
      return Double.parseDouble(line.substring(from, end).trim());
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private Writer openMetrics(boolean append) throws IOException {
    Files.createDirectories(out);
    return Files.newBufferedWriter(out.resolve("metrics.jsonl"), StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
  }
}
