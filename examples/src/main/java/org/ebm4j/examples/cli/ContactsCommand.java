package org.ebm4j.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ebm4j.estimate.Contacts;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code contacts}: the contact scores of a trained Potts model, as direct-coupling analysis reads them. */
@Command(name = "contacts", mixinStandardHelpOptions = true,
    description = "Write the contact scores of a trained Potts model (APC-corrected Frobenius norms of the couplings in the zero-sum gauge) as i,j,score rows, 1-based columns, best first.")
final class ContactsCommand implements Callable<Integer> {
  @Option(names = "--checkpoint", required = true, description = "A directory written by train --out.")
  Path checkpoint;

  @Option(names = "--out", required = true, description = "The CSV file to write.")
  Path out;

  @Option(names = "--png", description = "Also draw the contact map: the scores of every pair, the top L pairs marked.")
  Path png;

  @Option(names = "--keep-gap", description = "Count the gap state (state 0 of a FASTA alignment) in the norms; DCA tools leave it out, and so does this by default for FASTA data.")
  boolean keepGap;

  @Override
  public Integer call() throws IOException {
    Checkpoint c = Checkpoint.read(checkpoint);
    EnergyModel model = Runs.load(checkpoint, c);
    boolean fasta = c.get("data", "").startsWith("fasta:");
    List<Contacts.Pair> pairs = Contacts.scores(model, fasta && !keepGap ? 0 : -1);
    StringBuilder text = new StringBuilder("i,j,score\n");
    for (Contacts.Pair p : pairs) {
      text.append(p.i() + 1).append(',').append(p.j() + 1).append(',').append(String.format(Locale.ROOT, "%.6g", p.score())).append('\n');
    }
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(out, text);
    System.err.println("wrote " + pairs.size() + " pairs to " + out);
    if (png != null) {
      int units = (int) Math.round((1 + Math.sqrt(1 + 8.0 * pairs.size())) / 2);
      Pictures.contactMap(png, units, pairs);
      System.err.println("wrote " + png);
    }
    return 0;
  }
}
