package org.ebm4j.examples.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ebm4j.data.DataSpec;
import org.ebm4j.data.Dataset;
import org.ebm4j.estimate.Ais;
import org.ebm4j.estimate.Enumeration;
import org.ebm4j.estimate.ExactLogZ;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.random.Rng;
import org.ebm4j.sampling.SamplerOptions;
import org.ebm4j.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code evaluate}: log Z and the average log-likelihood of a data set, in nats. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Estimate log Z and the average log-likelihood of a data set in nats; the last line is one JSON object.")
final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--checkpoint", required = true, description = "A directory written by train --out.")
  Path checkpoint;

  @Option(names = "--data", description = "Data to evaluate: " + DataSpec.FORMS + ". MNIST uses the 10 000 test images. Default: the training data's spec.")
  String data;

  @Option(names = "--logz", description = "exact (enumeration), ais (annealed importance sampling, with its spread; tends to overestimate the log-likelihood) or rais (reverse AIS from the data as in RAISE, which tends to underestimate it). Default: exact when the smaller side has at most 30 units, else ais.")
  String logz;

  @Option(names = "--temperatures", defaultValue = "14500", description = "AIS temperatures. Default: ${DEFAULT-VALUE}.")
  int temperatures;

  @Option(names = "--runs", defaultValue = "100", description = "AIS runs. Default: ${DEFAULT-VALUE}.")
  int runs;

  @Option(names = "--clamped", defaultValue = "0", description = "Where log p(v) is only bounded (latents that interact, as in a DBM): also estimate it by AIS over the latents with v clamped, on the first N examples, to show how loose the bound is. 0 is off. Default: ${DEFAULT-VALUE}.")
  int clamped;

  @Option(names = "--clamped-runs", defaultValue = "10", description = "Runs per example of --clamped. Default: ${DEFAULT-VALUE}.")
  int clampedRuns;

  @Option(names = "--clamped-temperatures", defaultValue = "5000", description = "Temperatures of --clamped (on MNIST 1 000 left clamped AIS below the bound, unconverged; 5 000 did not). Default: ${DEFAULT-VALUE}.")
  int clampedTemperatures;

  @Option(names = "--threads", description = "Threads for exact enumeration. Default: the available processors.")
  Integer threads;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of AIS and of stochastic binarization. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--quiet", description = "Print only the JSON line.")
  boolean quiet;

  @Override
  public Integer call() {
    if (threads != null && threads <= 0) {
      throw new IllegalArgumentException("--threads must be positive, got " + threads);
    }
    if (clamped < 0 || clampedRuns < 1 || clampedTemperatures < 3) {
      throw new IllegalArgumentException("--clamped needs N >= 0, --clamped-runs >= 1 and --clamped-temperatures >= 3");
    }
    Checkpoint c = Checkpoint.read(checkpoint);
    EnergyModel model = Runs.load(checkpoint, c);
    // A pseudo-count's uniform rows were for training: the likelihoods describe the observed rows.
    Dataset dataset = DataSpec.load(data == null ? c.get("data") : data, false, seed).observations();
    dataset.validate(model.variables());
    String method = logz;
    if (method == null) {
      try {
        Enumeration.plan(model, false);
        method = "exact";
      } catch (IllegalArgumentException e) {
        method = "ais";
      }
    }
    double logZ;
    double low = Double.NaN;
    double high = Double.NaN;
    long start = System.nanoTime();
    switch (method) {
      case "exact" -> {
        say("exact log Z by enumerating %s", ExactLogZ.describe(model));
        Progress bar = new Progress("log Z", quiet, (double) Enumeration.plan(model, false).states(), "states");
        logZ = ExactLogZ.compute(model, threads == null ? Runtime.getRuntime().availableProcessors() : threads, bar::update);
      }
      case "ais", "rais" -> {
        if (temperatures < 3 || runs < 1) {
          throw new IllegalArgumentException("AIS needs --temperatures >= 3 and --runs >= 1");
        }
        Dataset train = DataSpec.load(c.get("data"), true, seed);
        Ais ais = new Ais(model, Ais.baseRateLogits(model, train), null, SamplerOptions.defaults());
        say("%s with %d temperatures and %d runs%s", method.equals("ais") ? "AIS" : "reverse AIS (RAISE) from the first " + runs + " examples", temperatures, runs,
            ais.marginal() ? " (latents summed out)" : "");
        Progress bar = new Progress(method, quiet, (double) Ais.schedule(temperatures).length - 1, "temperatures");
        int steps = Ais.schedule(temperatures).length - 1;
        Ais.Result r = method.equals("ais")
            ? ais.forward(temperatures, runs, new Rng(seed), k -> bar.update((double) k / steps))
            : ais.reverse(dataset, temperatures, runs, new Rng(seed), k -> bar.update((double) k / steps));
        logZ = r.logZ();
        low = r.logZLow();
        high = r.logZHigh();
      }
      default -> throw new IllegalArgumentException("unknown --logz '" + method + "'; use exact, ais or rais");
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // log p̃(v) exactly where affordable; else, for latents that interact, the mean-field lower bound.
    long perExample = Enumeration.logPTildeCost(model);
    boolean exactLl = perExample >= 0 && (double) perExample * dataset.size() * Math.max(1, model.params().length) <= 1e12;
    double ll;
    double bound = Double.NaN;
    double clampedLl = Double.NaN;
    double clampedBound = Double.NaN;
    int clampedExamples = 0;
    if (exactLl) {
      if (clamped > 0) {
        say("--clamped is not needed: this model's log p̃(v) is exact");
      }
      ll = Enumeration.averageLogLikelihood(model, dataset, logZ);
    } else {
      org.ebm4j.estimate.MeanField mf;
      try {
        mf = new org.ebm4j.estimate.MeanField(model, 100, 1e-7, 0);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("log p̃(v) would enumerate " + Enumeration.describeCost(perExample)
            + " per example, and no mean-field bound applies: " + e.getMessage());
      }
      say("log p̃(v) would enumerate %s per example: reporting the mean-field lower bound instead", Enumeration.describeCost(perExample));
      double total = 0;
      double subset = 0;
      int n = Math.min(clamped, dataset.size());
      int width = model.stateSize();
      int chunk = 500;
      double[] rows = new double[chunk * width];
      double[] bounds = new double[chunk];
      for (int from = 0; from < dataset.size(); from += chunk) {
        int count = Math.min(chunk, dataset.size() - from);
        for (int r = 0; r < count; r++) {
          System.arraycopy(dataset.values(), (from + r) * dataset.width(), rows, r * width, dataset.width());
        }
        mf.lowerBounds(rows, count, bounds);
        for (int r = 0; r < count; r++) {
          total += dataset.weight(from + r) * bounds[r];
          subset += from + r < n ? bounds[r] : 0;
        }
      }
      bound = total / dataset.totalWeight() - logZ;
      ll = Double.NaN;
      if (n > 0) {
        Ais clampedAis = Ais.clamped(model);
        say("clamped AIS of log p̃(v) on the first %d examples: %s, %d runs each, %d temperatures", n, clampedAis.describe(), clampedRuns, clampedTemperatures);
        int steps = Ais.schedule(clampedTemperatures).length - 1;
        Progress bar = new Progress("clamped ais", quiet, (double) steps, "temperatures");
        double[] estimates = clampedAis.forwardClamped(dataset, n, clampedRuns, clampedTemperatures, new Rng(seed + 1), k -> bar.update((double) k / steps));
        double sum = 0;
        for (double e : estimates) {
          sum += e;
        }
        clampedLl = sum / n - logZ;
        clampedBound = subset / n - logZ;
        clampedExamples = n;
      }
    }
    if (!quiet) {
      if (Double.isNaN(low)) {
        System.out.printf(Locale.ROOT, "log Z = %.4f (%s, %.1f s)%n", logZ, method, seconds);
      } else {
        System.out.printf(Locale.ROOT, "log Z = %.4f, 3-standard-error bracket [%.4f, %.4f] (%s, %.1f s)%n", logZ, low, high, method, seconds);
      }
      if (exactLl) {
        System.out.printf(Locale.ROOT, "average log-likelihood of %s: %.4f nats over %d examples%n", dataset.name(), ll, dataset.size());
      } else {
        System.out.printf(Locale.ROOT, "average log-likelihood of %s: at least %.4f nats over %d examples (a mean-field lower bound, with %s log Z)%n",
            dataset.name(), bound, dataset.size(), method);
        if (clampedExamples > 0 && clampedLl >= clampedBound) {
          System.out.printf(Locale.ROOT, "on its first %d examples: %.4f nats by clamped AIS against the bound's %.4f, so the bound is at least %.2f nats below"
              + " the truth there (clamped AIS errs low, so the gap may be larger)%n", clampedExamples, clampedLl, clampedBound, clampedLl - clampedBound);
        } else if (clampedExamples > 0) {
          System.out.printf(Locale.ROOT, "on its first %d examples: %.4f nats by clamped AIS, %.2f below the bound's %.4f: clamped AIS errs low and has not"
              + " converged; raise --clamped-temperatures (or --clamped-runs) to measure the gap%n", clampedExamples, clampedLl, clampedBound - clampedLl, clampedBound);
        }
      }
    }
    StringBuilder json = new StringBuilder("{");
    json.append("\"logZ\":").append(logZ).append(",\"logLikelihood\":").append(number(ll));
    if (!exactLl) {
      json.append(",\"logLikelihoodLowerBound\":").append(number(bound)).append(",\"bound\":\"mean-field\"");
      if (clampedExamples > 0) {
        json.append(",\"clampedExamples\":").append(clampedExamples).append(",\"clampedLogLikelihood\":").append(number(clampedLl))
            .append(",\"clampedBound\":").append(number(clampedBound));
      }
    }
    json.append(",\"examples\":").append(dataset.size())
        .append(",\"method\":\"").append(method).append('"');
    if (!Double.isNaN(low)) {
      json.append(",\"logZLow\":").append(number(low)).append(",\"logZHigh\":").append(number(high))
          .append(",\"logLikelihoodLow\":").append(number((exactLl ? ll : bound) + logZ - high)).append(",\"logLikelihoodHigh\":").append(number((exactLl ? ll : bound) + logZ - low))
          .append(",\"temperatures\":").append(temperatures).append(",\"runs\":").append(runs);
    }
    json.append(",\"data\":\"").append(dataset.name().replace("\\", "\\\\").replace("\"", "\\\"")).append("\",\"seconds\":").append(seconds).append('}');
    System.out.println(json);
    return 0;
  }

  private static String number(double d) {
    return Double.isFinite(d) ? Double.toString(d) : "null";
  }

  private void say(String format, Object... args) {
    if (!quiet) {
      System.out.printf(Locale.ROOT, format + "%n", args);
    }
  }
}
