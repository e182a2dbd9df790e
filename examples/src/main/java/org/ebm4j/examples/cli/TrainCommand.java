package org.ebm4j.examples.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ebm4j.data.DataSpec;
import org.ebm4j.data.Dataset;
import org.ebm4j.estimate.Enumeration;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.train.EpochMetrics;
import org.ebm4j.train.NegativePhase;
import org.ebm4j.train.Trainer;
import org.ebm4j.train.optim.Adam;
import org.ebm4j.train.optim.Optimizer;
import org.ebm4j.train.optim.Sgd;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code train}: maximum-likelihood training with progress, metrics and a checkpoint. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a model by maximum likelihood and report its log-likelihood.")
final class TrainCommand implements Callable<Integer> {
  @Mixin ModelOptions options;

  @Option(names = "--data", defaultValue = "bars-and-stripes:3", description = "Training data: " + DataSpec.FORMS + ". Default: ${DEFAULT-VALUE}.")
  String data;

  @Option(names = "--negative", defaultValue = "exact", description = "Negative phase: exact (enumeration of a small model). Default: ${DEFAULT-VALUE}.")
  String negative;

  @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd (no momentum unless --momentum) or adam. Default: ${DEFAULT-VALUE}.")
  String optimizer;

  @Option(names = "--lr", defaultValue = "0.1", description = "Learning rate, scaling the minibatch-mean gradient. Default: ${DEFAULT-VALUE}.")
  double lr;

  @Option(names = "--momentum", defaultValue = "0", description = "SGD momentum. Default: ${DEFAULT-VALUE}.")
  double momentum;

  @Option(names = "--batch", defaultValue = "10", description = "Minibatch size. Default: ${DEFAULT-VALUE}.")
  int batch;

  @Option(names = "--epochs", defaultValue = "100", description = "Number of epochs. Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of every random choice. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--quiet", description = "Print only the final result.")
  boolean quiet;

  @Option(names = "--out", description = "Directory for metrics.jsonl and the checkpoint.")
  Path out;

  @Override
  public Integer call() throws IOException {
    Dataset dataset = DataSpec.load(data);
    EnergyModel model = options.create(dataset.width(), seed);
    dataset.validate(model.variables());
    if (!negative.equals("exact")) {
      throw new IllegalArgumentException("unknown negative phase '" + negative + "'; this version supports: exact");
    }
    Optimizer opt =
        switch (optimizer) {
          case "sgd" -> new Sgd(lr, momentum, 0);
          case "adam" -> new Adam(lr);
          default -> throw new IllegalArgumentException("unknown optimizer '" + optimizer + "'; use sgd or adam");
        };
    if (epochs < 0) {
      throw new IllegalArgumentException("--epochs must be >= 0");
    }
    Enumeration plan = Enumeration.plan(model, true);
    Writer metrics = out == null ? null : openMetrics();
    Trainer trainer =
        Trainer.builder(model)
            .negativePhase(NegativePhase.exact())
            .optimizer(opt)
            .batchSize(batch)
            .seed(seed)
            .listener(m -> report(m, metrics))
            .build();
    say("model %s: %d visible, %d latent units, %d parameters", model.getClass().getSimpleName(), model.visibleSize(), model.latentSize(), model.params().length);
    say("data %s: %d examples; negative phase exact (%s); %s, batch %d", dataset.name(), dataset.size(), plan.describe(), opt.describe(), batch);
    double initial = trainer.exactLogLikelihood(dataset);
    say("epoch %4d  log-likelihood %9.4f nats", 0, initial);
    trainer.fit(dataset, epochs);
    double logZ = Enumeration.plan(model, false).logZ();
    double ll = Enumeration.averageLogLikelihood(model, dataset, logZ);
    if (metrics != null) {
      metrics.close();
      writeCheckpoint(model, trainer.epoch());
    }
    System.out.printf(Locale.ROOT, "exact average log-likelihood of %s after %d epochs: %.4f nats (started at %.4f; log Z = %.4f by enumerating %s)%n", dataset.name(), trainer.epoch(), ll, initial, logZ, plan.describe());
    if (dataset.size() > 0) {
      System.out.printf(Locale.ROOT, "for reference: a uniform model scores %.4f; the best possible for %d distinct examples is %.4f%n", -model.visibleSize() * Math.log(2), dataset.size(), -Math.log(dataset.size()));
    }
    return 0;
  }

  private void say(String format, Object... args) {
    if (!quiet) {
      System.out.printf(Locale.ROOT, format + "%n", args);
    }
  }

  private void report(EpochMetrics m, Writer metrics) {
    // About 25 progress lines whatever the number of epochs; metrics.jsonl has every epoch.
    int every = Math.max(1, epochs / 25);
    if (m.epoch() % every == 0 || m.epoch() == epochs) {
      say("epoch %4d  log-likelihood %9.4f nats  |grad| %.2e  %.3f s", m.epoch(), m.logLikelihood(), m.gradientNorm(), m.seconds());
    }
    if (metrics != null) {
      try {
        metrics.write(m.toJson() + "\n");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private Writer openMetrics() throws IOException {
    Files.createDirectories(out);
    return Files.newBufferedWriter(out.resolve("metrics.jsonl"), StandardCharsets.UTF_8);
  }

  /** Writes parameters and settings next to the metrics, through a temporary file and a rename. */
  private void writeCheckpoint(EnergyModel model, int epoch) throws IOException {
    StringBuilder text = new StringBuilder();
    text.append("model=").append(model.getClass().getName()).append('\n');
    text.append("epoch=").append(epoch).append('\n');
    text.append("seed=").append(seed).append('\n');
    text.append("params=");
    double[] p = model.params();
    for (int k = 0; k < p.length; k++) {
      text.append(k == 0 ? "" : ",").append(p[k]);
    }
    text.append('\n');
    Path tmp = out.resolve("checkpoint.properties.tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, out.resolve("checkpoint.properties"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
