package org.ebm4j.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.ParamLayout;
import org.ebm4j.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code export}: parameters for NumPy and other tools. */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Export a trained model's parameters, one <param>.npy per @Param (float64, C order, shapes as declared).")
final class ExportCommand implements Callable<Integer> {
  @Option(names = "--checkpoint", required = true, description = "A directory written by train --out.")
  Path checkpoint;

  @Option(names = "--format", defaultValue = "npy", description = "Output format: npy. Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(names = "--out", required = true, description = "Directory to write into.")
  Path out;

  @Override
  public Integer call() throws IOException {
    if (!format.equals("npy")) {
      throw new IllegalArgumentException("unknown format '" + format + "'; use npy");
    }
    Checkpoint c = Checkpoint.read(checkpoint);
    EnergyModel model = Runs.load(checkpoint, c);
    Files.createDirectories(out);
    for (ParamLayout.Entry e : model.layout().entries()) {
      Path file = out.resolve(e.name() + ".npy");
      Npy.write(file, model.params(), e.offset(), e.shape());
      System.out.println("wrote " + file + " " + e.shape());
    }
    // Parameters an objective learned beside the model's: NCE's normalizer, its estimate of log Z.
    if (c.hasArray("nce.logZ")) {
      Path file = out.resolve("nce_logZ.npy");
      Npy.write(file, c.array("nce.logZ"), 0, java.util.List.of());
      System.out.println("wrote " + file + " [] (the log Z learned by noise-contrastive estimation)");
    }
    return 0;
  }
}
