package org.ebm4j.examples.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on standard error with rate and time left; silent when quiet. On a
 * terminal it redraws in place; into a file or pipe it writes a plain line every 10 %, so logs
 * stay readable.
 */
final class Progress {
  private final String label;
  private final boolean quiet;
  private final double total;
  private final String unit;
  private final boolean terminal = System.console() != null;
  private int lastDecile = -1;
  private final PrintStream err = System.err;
  private final long start = System.nanoTime();
  private long lastPrint;

  /**
   * @param total how many {@code unit}s the whole task is, for the rate (e.g. 60 000 examples)
   * @param unit what is counted, plural ("examples", "states", "temperatures")
   */
  Progress(String label, boolean quiet, double total, String unit) {
    this.label = label;
    this.quiet = quiet;
    this.total = total;
    this.unit = unit;
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
    int decile = (int) Math.floor(10 * Math.min(1, fraction));
    if (!terminal && decile == lastDecile) {
      return;
    }
    lastDecile = decile;
    double elapsed = (now - start) / 1e9;
    // Rates from the first fraction of a second are one timer tick over one item: noise.
    boolean settled = elapsed >= 0.5 && fraction > 0;
    double left = settled ? elapsed * (1 - fraction) / fraction : Double.NaN;
    String rate = settled ? shortNumber(fraction * total / elapsed) + " " + unit + "/s" : "";
    int width = 30;
    int filled = (int) Math.round(width * Math.min(1, fraction));
    err.printf(Locale.ROOT, "%s%s [%s%s] %5.1f%%  %s  %.0fs elapsed, %s left %s", terminal ? "\r" : "", label, "#".repeat(filled),
        " ".repeat(width - filled), 100 * fraction, rate, elapsed,
        Double.isFinite(left) ? String.format(Locale.ROOT, "%.0fs", left) : "?", terminal ? "" : "\n");
    if (fraction >= 1 && terminal) {
      err.println();
    }
    err.flush();
  }

  /** Short numbers for rates: 950, 12.3k, 4.56M. */
  private static String shortNumber(double r) {
    if (r >= 1e6) {
      return String.format(Locale.ROOT, "%.3gM", r / 1e6);
    }
    if (r >= 1e3) {
      return String.format(Locale.ROOT, "%.3gk", r / 1e3);
    }
    return String.format(Locale.ROOT, "%.3g", r);
  }
}
