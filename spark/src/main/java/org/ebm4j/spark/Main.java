package org.ebm4j.spark;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.ebm4j.data.DataSpec;
import org.ebm4j.estimate.Ais;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.Models;
import org.ebm4j.sampling.SamplerOptions;
import org.ebm4j.train.Checkpoint;
import org.ebm4j.train.NegativePhase;
import org.ebm4j.train.optim.Adam;
import org.ebm4j.train.optim.Optimizer;
import org.ebm4j.train.optim.Sgd;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The entry point for {@code spark-submit --class org.ebm4j.spark.Main}: data-parallel training and
 * distributed evaluation. The master comes from spark-submit ({@code --master}); run without it
 * (plain {@code java}) it is local mode on every core.
 */
@Command(name = "ebm4j-spark", mixinStandardHelpOptions = true, version = "ebm4j-spark 0.1.0",
    subcommands = {Main.Train.class, Main.Evaluate.class},
    description = "Train and evaluate ebm4j models on Apache Spark.")
public final class Main implements Callable<Integer> {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line; returns the exit code (errors are one line on stderr, no stack trace). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      Throwable cause = rootMessage(e);
      line.getErr().println("error: " + cause.getMessage());
      return 1;
    });
    return cli.execute(args);
  }

  /** The exception whose message says what was wrong: Spark wraps executors' exceptions in its own. */
  private static Throwable rootMessage(Throwable e) {
    Throwable t = e;
    while (t != null) {
      if (t instanceof IllegalArgumentException || t instanceof IllegalStateException && t.getCause() == null) {
        return t;
      }
      t = t.getCause();
    }
    return e;
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 0;
  }

  static JavaSparkContext context(String name) {
    SparkConf conf = new SparkConf().setAppName(name);
    if (!conf.contains("spark.master")) {
      // Plain java: local mode, as Spark.localConf sets it up.
      conf = Spark.localConf(Runtime.getRuntime().availableProcessors(), name).setMaster("local[*]");
    }
    JavaSparkContext sc = new JavaSparkContext(conf);
    sc.setLogLevel("WARN");
    return sc;
  }

  /** {@code csv:PATH} and {@code parquet:PATH} are read by Spark; any other spec of the command-line tool is read here and spread. */
  static SparkData data(JavaSparkContext sc, String spec, boolean train, int partitions, long seed) {
    if (spec.startsWith("parquet:") || spec.startsWith("spark-csv:")) {
      SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
      String path = spec.substring(spec.indexOf(':') + 1);
      return spec.startsWith("parquet:") ? SparkData.parquet(spark, path, null) : SparkData.csv(spark, path);
    }
    var local = DataSpec.load(spec, train, seed);
    return SparkData.of(sc, local, Math.min(partitions <= 0 ? sc.defaultParallelism() : partitions, local.size()));
  }

  @Command(name = "train", mixinStandardHelpOptions = true, description = "Data-parallel maximum likelihood; writes a checkpoint the ebm4j command-line tool reads.")
  static final class Train implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "The energy class (spec or generated), e.g. org.ebm4j.examples.models.Rbm; its jar must be on the class path (spark-submit --jars).")
    String model;

    @Option(names = "--dims", defaultValue = "", description = "Dimensions, e.g. hidden=500; 'visible' defaults to the data's width.")
    String dims;

    @Option(names = "--data", required = true, description = "parquet:PATH or spark-csv:PATH (read by Spark), or any data of the ebm4j tool (mnist:DIR, csv:FILE, bars-and-stripes:N, fasta:FILE, ...) read on the driver and spread over --partitions.")
    String data;

    @Option(names = "--partitions", defaultValue = "0", description = "Partitions for data read on the driver. Default: Spark's default parallelism.")
    int partitions;

    @Option(names = "--negative", defaultValue = "pcd:1", description = "pcd:K, tempered:K or exact. Default: ${DEFAULT-VALUE}.")
    String negative;

    @Option(names = "--chains", defaultValue = "100", description = "Persistent chains, on the driver. Default: ${DEFAULT-VALUE}.")
    int chains;

    @Option(names = "--batch", defaultValue = "1000", description = "Minibatch size; each update is one Spark job, so make it large. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd or adam. Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--lr", defaultValue = "0.01", description = "Learning rate. Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--epochs", defaultValue = "10", description = "Epochs. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--seed", defaultValue = "1", description = "Seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--average-every", defaultValue = "0", description = "Local steps per partition between parameter averages (each partition with its own chains and optimizer; biased, one Spark job per K updates); 0: synchronous updates. Default: ${DEFAULT-VALUE}.")
    int averageEvery;

    @Option(names = "--out", required = true, description = "Directory for the checkpoint.")
    Path out;

    @Override
    public Integer call() throws Exception {
      if (epochs < 1 || batch < 1 || chains < 1) {
        throw new IllegalArgumentException("--epochs, --batch and --chains must be positive");
      }
      if (averageEvery < 0) {
        throw new IllegalArgumentException("--average-every must be >= 0 (0: synchronous updates), got " + averageEvery);
      }
      Optimizer opt = switch (optimizer) {
        case "sgd" -> new Sgd(lr);
        case "adam" -> new Adam(lr);
        default -> throw new IllegalArgumentException("--optimizer must be sgd or adam, got '" + optimizer + "'");
      };
      Class<?> type;
      try {
        type = Class.forName(model, true, Thread.currentThread().getContextClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalArgumentException("model class " + model + " is not on the class path; pass its jar with spark-submit --jars");
      }
      JavaSparkContext sc = context("ebm4j train " + model);
      try {
        SparkData spread = data(sc, data, true, partitions, seed);
        Map<String, Integer> d = new LinkedHashMap<>(Models.parseDimensions(dims));
        if (Models.dimensions(Models.generatedClass(type)).contains("visible")) {
          d.putIfAbsent("visible", spread.width());
        }
        EnergyModel m = Models.create(type, d, seed);
        NegativePhase phase = NegativePhase.parse(negative, null, chains, SamplerOptions.defaults());
        System.err.printf(Locale.ROOT, "model %s (%s), %d parameters; data %s: %d examples in %d partitions; %s, batch %d, %s%n",
            m.getClass().getSimpleName(), Models.formatDimensions(d), m.params().length, spread.name(), spread.size(), spread.partitions(),
            phase.describe(), batch, opt.describe());
        DistributedTrainer trainer = DistributedTrainer.builder(sc, m).negativePhase(phase).optimizer(opt).batchSize(batch).seed(seed)
            .averageEvery(averageEvery)
            .listener(e -> System.err.printf(Locale.ROOT, "epoch %4d  pseudo-log-likelihood %9.4f nats  |grad| %.2e  %.3f s%n",
                e.epoch(), e.pseudoLogLikelihood(), e.gradientNorm(), e.seconds()))
            .build();
        trainer.fit(spread, epochs);
        Checkpoint c = trainer.checkpoint().put("data", data);
        c.write(out);
        System.err.println("wrote " + out.resolve(Checkpoint.FILE));
      } finally {
        sc.stop();
      }
      return 0;
    }
  }

  @Command(name = "evaluate", mixinStandardHelpOptions = true, description = "log Z (exact over Gray-code ranges, or AIS in shards) and the average log-likelihood, spread over the cluster.")
  static final class Evaluate implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "A directory written by train --out (either tool).")
    Path checkpoint;

    @Option(names = "--data", description = "Data to score. Default: the checkpoint's, its held-out part where it has one (mnist: the test images), as the ebm4j tool's evaluate.")
    String data;

    @Option(names = "--logz", defaultValue = "exact", description = "exact or ais. Default: ${DEFAULT-VALUE}.")
    String logz;

    @Option(names = "--temperatures", defaultValue = "1000", description = "AIS temperatures. Default: ${DEFAULT-VALUE}.")
    int temperatures;

    @Option(names = "--runs", defaultValue = "100", description = "AIS runs. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--shards", defaultValue = "0", description = "AIS shards (tasks). Default: the cluster's default parallelism, at most --runs.")
    int shards;

    @Option(names = "--partitions", defaultValue = "0", description = "Partitions for data read on the driver.")
    int partitions;

    @Option(names = "--seed", defaultValue = "1", description = "Seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() {
      Checkpoint c = Checkpoint.read(checkpoint);
      EnergyModel m = Models.load(c);
      JavaSparkContext sc = context("ebm4j evaluate " + checkpoint);
      try {
        // As the command-line tool's evaluate: the held-out part of a data set that has one.
        SparkData spread = data(sc, data == null ? c.get("data") : data, false, partitions, seed);
        double logZ;
        String bracket = "";
        switch (logz) {
          case "exact" -> logZ = DistributedEvaluation.exactLogZ(sc, m);
          case "ais" -> {
            int n = shards > 0 ? shards : Math.min(runs, sc.defaultParallelism());
            int[] subset = java.util.Arrays.copyOf(org.ebm4j.data.Dataset.shuffledOrder(spread.size(), new org.ebm4j.random.Rng(seed)),
                Math.min(10_000, spread.size()));
            Ais.Result r = DistributedEvaluation.ais(sc, m, Ais.baseRateLogits(m, spread.collect(subset)), null, SamplerOptions.defaults(),
                temperatures, runs, n, seed);
            logZ = r.logZ();
            bracket = String.format(Locale.ROOT, ",\"logZLow\":%s,\"logZHigh\":%s,\"runs\":%d,\"shards\":%d", r.logZLow(), r.logZHigh(), runs, n);
          }
          default -> throw new IllegalArgumentException("--logz must be exact or ais, got '" + logz + "'");
        }
        double ll = DistributedEvaluation.averageLogPTilde(sc, m, spread) - logZ;
        System.err.printf(Locale.ROOT, "log Z = %.6f (%s); average log-likelihood of %s: %.6f nats over %d examples%n", logZ, logz, spread.name(), ll, spread.size());
        System.out.printf(Locale.ROOT, "{\"logZ\":%s,\"logLikelihood\":%s,\"examples\":%d,\"method\":\"%s\"%s,\"data\":\"%s\"}%n", logZ, ll, spread.size(), logz, bracket,
            spread.name().replace("\"", "'"));
      } finally {
        sc.stop();
      }
      return 0;
    }
  }
}
