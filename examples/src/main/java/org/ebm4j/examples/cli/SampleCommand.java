package org.ebm4j.examples.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ebm4j.estimate.PairStatistics;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.random.Rng;
import org.ebm4j.sampling.Chains;
import org.ebm4j.sampling.Sampler;
import org.ebm4j.sampling.SamplerOptions;
import org.ebm4j.sampling.Samplers;
import org.ebm4j.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sample}: draws from a trained model. */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Draw samples from a trained model; prints the visible units, one sample per line.")
final class SampleCommand implements Callable<Integer> {
  @Option(names = "--checkpoint", required = true, description = "A directory written by train --out.")
  Path checkpoint;

  @Option(names = "--sampler", description = "Sampler name. Default: the model's default (block-gibbs, gibbs or langevin).")
  String sampler;

  @Option(names = "--sampler-options", defaultValue = "", description = "Sampler settings as key=value,...")
  String samplerOptions;

  @Option(names = "--steps", defaultValue = "1000", description = "Sweeps from the start. Default: ${DEFAULT-VALUE}.")
  int steps;

  @Option(names = "--start", defaultValue = "auto", description = "Where the chains start: chains (the run's persistent chains, cycled when --count exceeds them), "
      + "data (training examples drawn in proportion to their weights, latents random), random, or auto: chains where the checkpoint holds them, else random. "
      + "A model whose samples differ by start has not mixed in --steps sweeps. Default: ${DEFAULT-VALUE}.")
  String start;

  @Option(names = "--count", defaultValue = "16", description = "Number of samples (independent chains). Default: ${DEFAULT-VALUE}.")
  int count;

  @Option(names = "--seed", defaultValue = "1", description = "Seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--format", defaultValue = "csv", description = "csv (one sample per line, comma-separated units) or fasta (sequences of a categorical model, one state a letter). Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(names = "--alphabet", description = "For --format fasta, the letters of the states in order. Default: the alphabet of the FASTA data the model was trained on (-ACDEFGHIKLMNPQRSTVWY, or -ACGU for :alphabet=rna).")
  String alphabet;

  @Option(names = "--check", description = "For a categorical model, also report (on stderr) the Pearson correlation between the connected two-site correlations of the samples and of the training data (the generative check of bmDCA; adabmDCA trains until 0.95).")
  boolean check;

  @Option(names = "--png", description = "Also write the samples as a PNG: a grid of images, or for two real visible units the samples over the model's density.")
  Path png;

  @Override
  public Integer call() throws IOException {
    if (steps < 0 || count <= 0) {
      throw new IllegalArgumentException(steps < 0 ? "--steps must be >= 0, got " + steps : "--count must be positive, got " + count);
    }
    if (!format.equals("csv") && !format.equals("fasta")) {
      throw new IllegalArgumentException("--format must be csv or fasta, got '" + format + "'");
    }
    Checkpoint c = Checkpoint.read(checkpoint);
    EnergyModel model = Runs.load(checkpoint, c);
    String letters = format.equals("fasta") ? fastaAlphabet(model, c.get("data", "")) : null;
    String name = sampler == null ? Samplers.defaultName(model) : sampler;
    Sampler s = Samplers.create(name, model, SamplerOptions.parse(samplerOptions));
    var categorical = model.variables().all().stream().filter(u -> u.visible() && u.isCategorical()).findFirst();
    if (check && categorical.isEmpty()) {
      throw new IllegalArgumentException("--check compares pair statistics of categorical units; " + model.getClass().getSimpleName() + " has none");
    }
    Rng rng = new Rng(seed);
    Chains chains = startingChains(model, c, rng);
    s.sweep(chains, steps, rng);
    int v = model.visibleSize();
    double[] visible = new double[count * v];
    double[] x = new double[model.stateSize()];
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      chains.get(i, x);
      System.arraycopy(x, 0, visible, i * v, v);
      for (int k = 0; k < v; k++) {
        text.append(k == 0 ? "" : ",").append(x[k] == Math.rint(x[k]) ? String.valueOf((long) x[k]) : String.format(Locale.ROOT, "%.6g", x[k]));
      }
      text.append('\n');
    }
    if (letters != null) {
      System.out.print(org.ebm4j.data.Alignment.toFasta(visible, count, v / letters.length(), letters, "sample_"));
    } else {
      System.out.print(text);
    }
    if (check) {
      org.ebm4j.data.Dataset train = trainingData(c);
      int k = categorical.get().group();
      double[] reference = PairStatistics.connected(train, k);
      double r = PairStatistics.pearson(reference, PairStatistics.connected(new org.ebm4j.data.Dataset("samples", count, v, visible), k));
      // What count samples of a perfect model would show: finite samples cap r well below 1.
      double ceiling = PairStatistics.pearson(reference, PairStatistics.connected(PairStatistics.resample(train, count, new Rng(seed + 1)), k));
      System.err.printf(Locale.ROOT, "pair correlation: Pearson r = %.4f between the connected two-site correlations of %d samples (%s, %d sweeps) and of %s"
          + " (%d rows drawn from the data itself reach %.4f; more samples raise both)%n", r, count, startedFrom, steps, train.name(), count, ceiling);
    }
    if (!s.statistics().isEmpty()) {
      System.err.println(name + " statistics: " + s.statistics());
    }
    if (png != null && Pictures.isPlane(model)) {
      Pictures.density(png, model, visible, new double[0]);
      System.err.println("wrote " + png);
    } else if (png != null) {
      Pictures.grid(png, visible, count, v, 4);
      System.err.println("wrote " + png);
    }
    System.err.println(count + " chains " + startedFrom + ", " + steps + " sweeps of " + name);
    return 0;
  }

  /** How the chains began, for the report. */
  private String startedFrom = "";

  private Chains startingChains(EnergyModel model, Checkpoint c, Rng rng) {
    String how = start.equals("auto") ? (c.hasArray("chains") ? "chains" : "random") : start;
    switch (how) {
      case "random" -> {
        startedFrom = "from random states";
        return Chains.random(model, count, rng);
      }
      case "chains" -> {
        if (!c.hasArray("chains")) {
          throw new IllegalArgumentException("--start chains: " + checkpoint + " holds no persistent chains (the run's negative phase kept none); use --start data or random");
        }
        double[] saved = c.array("chains");
        int width = model.stateSize();
        int have = saved.length / width;
        Chains chains = new Chains(count, width);
        for (int i = 0; i < count; i++) {
          System.arraycopy(saved, (i % have) * width, chains.states(), i * width, width);
        }
        startedFrom = "from the run's " + have + " persistent chains";
        return chains;
      }
      case "data" -> {
        org.ebm4j.data.Dataset rows = PairStatistics.resample(trainingData(c), count, rng);
        if (rows.width() != model.visibleSize()) {
          throw new IllegalArgumentException("--start data: the training data have " + rows.width() + " columns, the model " + model.visibleSize() + " visible units");
        }
        Chains chains = Chains.random(model, count, rng);
        int width = model.stateSize();
        for (int i = 0; i < count; i++) {
          System.arraycopy(rows.values(), i * rows.width(), chains.states(), i * width, rows.width());
        }
        startedFrom = "from training examples";
        return chains;
      }
      default -> throw new IllegalArgumentException("--start must be auto, chains, data or random, got '" + start + "'");
    }
  }

  /** The run's training data, read once (an alignment's reweighting takes seconds). */
  private org.ebm4j.data.Dataset training;

  /** The run's training data; a pseudo-count's uniform rows are a training device, left out. */
  private org.ebm4j.data.Dataset trainingData(Checkpoint c) {
    if (training == null) {
      training = org.ebm4j.data.DataSpec.load(c.get("data").replaceAll(":pseudocount=[^:]*", ""), true, 1L);
    }
    return training;
  }

  /** The letters for the model's states: --alphabet, else the training data's, checked against K. */
  private String fastaAlphabet(EnergyModel model, String dataSpec) {
    var categorical = model.variables().all().stream().filter(x -> x.visible() && x.isCategorical()).toList();
    if (categorical.size() != 1 || model.variables().all().stream().filter(x -> x.visible()).count() != 1) {
      throw new IllegalArgumentException("--format fasta needs a model whose visible units are one categorical variable; " + model.getClass().getSimpleName() + " has none");
    }
    int k = categorical.get(0).group();
    String letters = alphabet;
    if (letters == null) {
      letters = dataSpec.contains(":alphabet=rna") ? org.ebm4j.data.Alignment.RNA : org.ebm4j.data.Alignment.PROTEIN;
      int at = dataSpec.indexOf(":alphabet=");
      if (at >= 0 && !dataSpec.contains(":alphabet=rna") && !dataSpec.contains(":alphabet=protein")) {
        String rest = dataSpec.substring(at + ":alphabet=".length());
        letters = rest.contains(":") ? rest.substring(0, rest.indexOf(':')) : rest;
      }
    }
    if (letters.length() != k) {
      throw new IllegalArgumentException("the alphabet " + letters + " has " + letters.length() + " letters but the model's units have " + k
          + " states; give --alphabet with " + k + " letters");
    }
    return letters;
  }
}
