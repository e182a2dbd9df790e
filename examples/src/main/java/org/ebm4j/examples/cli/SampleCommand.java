package org.ebm4j.examples.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
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

  @Option(names = "--steps", defaultValue = "1000", description = "Sweeps from a random start. Default: ${DEFAULT-VALUE}.")
  int steps;

  @Option(names = "--count", defaultValue = "16", description = "Number of samples (independent chains). Default: ${DEFAULT-VALUE}.")
  int count;

  @Option(names = "--seed", defaultValue = "1", description = "Seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--png", description = "Also write the samples as a PNG: a grid of images, or for two real visible units the samples over the model's density.")
  Path png;

  @Override
  public Integer call() throws IOException {
    if (steps < 0 || count <= 0) {
      throw new IllegalArgumentException(steps < 0 ? "--steps must be >= 0, got " + steps : "--count must be positive, got " + count);
    }
    Checkpoint c = Checkpoint.read(checkpoint);
    EnergyModel model = Runs.load(checkpoint, c);
    String name = sampler == null ? Samplers.defaultName(model) : sampler;
    Sampler s = Samplers.create(name, model, SamplerOptions.parse(samplerOptions));
    Rng rng = new Rng(seed);
    Chains chains = Chains.random(model, count, rng);
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
    System.out.print(text);
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
    return 0;
  }
}
