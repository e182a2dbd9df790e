package org.ebm4j.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * Row loops on all cores. Results never depend on how rows are split: bodies write disjoint rows
 * and draw random numbers from per-row streams (see {@link org.ebm4j.random.Rng#stream}), so a run
 * is the same on one core or many.
 */
public final class Parallel {
  /** Below this many element operations a fork costs more than it saves (measured: ~20 µs). */
  static final long MIN_WORK = 32 * 1024;

  /** Threads for row loops: the system property {@code ebm4j.threads}, else the available processors. */
  private static final int CORES = Integer.getInteger("ebm4j.threads", Runtime.getRuntime().availableProcessors());

  private Parallel() {}

  /** A body over the rows {@code [from, to)}. */
  @FunctionalInterface
  public interface RowRange {
    /** Runs the body on rows {@code from} (inclusive) to {@code to} (exclusive). */
    void run(int from, int to);
  }

  /** Runs {@code body} over {@code [0, rows)}, split across cores when the work is large enough. */
  public static void rows(int rows, long workPerRow, RowRange body) {
    int parts = (int) Math.min(Math.min(CORES, rows), Math.max(1, rows * workPerRow / MIN_WORK));
    if (parts <= 1) {
      body.run(0, rows);
      return;
    }
    ForkJoinPool.commonPool().invoke(new Split(body, 0, rows, (rows + parts - 1) / parts));
  }

  private static final class Split extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final transient RowRange body;
    private final int from;
    private final int to;
    private final int grain;

    Split(RowRange body, int from, int to, int grain) {
      this.body = body;
      this.from = from;
      this.to = to;
      this.grain = grain;
    }

    @Override
    protected void compute() {
      if (to - from <= grain) {
        body.run(from, to);
        return;
      }
      int mid = from + grain;
      invokeAll(new Split(body, from, mid, grain), new Split(body, mid, to, grain));
    }
  }
}
