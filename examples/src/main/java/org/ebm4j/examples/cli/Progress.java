package org.ebm4j.examples.cli;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar on standard error with rate and time left; silent when quiet. */
final class Progress {
  private final String label;
  private final boolean quiet;
  private final PrintStream err = System.err;
  private final long start = System.nanoTime();
  private long lastPrint;

  Progress(String label, boolean quiet) {
    this.label = label;
    this.quiet = quiet;
  }

  /** Shows {@code fraction} (0..1) done, at most ten times a second. */
  synchronized void update(double fraction) {
    if (quiet) {
      return;
    }
    long now = System.nanoTime();
    if (fraction < 1 && now - lastPrint < 100_000_000L) {
      return;
    }
    lastPrint = now;
    double elapsed = (now - start) / 1e9;
    double left = fraction > 0 ? elapsed * (1 - fraction) / fraction : Double.NaN;
    int width = 30;
    int filled = (int) Math.round(width * Math.min(1, fraction));
    err.printf(Locale.ROOT, "\r%s [%s%s] %5.1f%%  %.0fs elapsed, %s left ", label, "#".repeat(filled), " ".repeat(width - filled),
        100 * fraction, elapsed, Double.isFinite(left) ? String.format(Locale.ROOT, "%.0fs", left) : "?");
    if (fraction >= 1) {
      err.println();
    }
    err.flush();
  }
}
