package org.ebm4j.estimate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleConsumer;
import org.ebm4j.kernel.Kernels;
import org.ebm4j.model.BlockConditionals;
import org.ebm4j.model.Domain;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.FreeEnergy;
import org.ebm4j.model.Variables;

/**
 * Exact log Z, multi-threaded, with progress.
 *
 * <p>Fast path, for a discrete visible block with discrete latents summed out ({@link FreeEnergy}):
 * the energy is affine in h, so the visible block's field is ℓ(h) = ℓ(0) + Σ_j h_j D_j and E(v =
 * 0, h) = e(0) + Σ_j h_j d_j, both read off the model with H + 1 evaluations. Latent states are
 * visited in Gray-code order, each differing from the last in one unit, so ℓ and u_i = e^{ℓ_i}
 * update in O(visible) per state, and Σ_i log(1 + u_i) takes one logarithm per 8 units. Fields
 * are recomputed from scratch every 4096 states to stop rounding from drifting. Otherwise the
 * cheapest {@link Enumeration} runs on one thread.
 */
public final class ExactLogZ {
  private static final int CHUNK = 8;
  private static final int REFRESH = 4096;

  private ExactLogZ() {}

  /** log Z with {@code threads} threads; {@code progress} receives the fraction done (0..1). */
  public static double compute(EnergyModel model, int threads, DoubleConsumer progress) {
    Affine affine = Affine.of(model);
    if (affine == null) {
      Enumeration plan = Enumeration.plan(model, false);
      double logZ = plan.logZ();
      if (progress != null) {
        progress.accept(1.0);
      }
      return logZ;
    }
    return affine.logZ(Math.max(1, threads), progress);
  }

  /**
   * log Σ over one part of the enumeration, as max + log(sum): parts are computed anywhere (threads,
   * Spark executors) and {@link #combine}d in order to the same log Z as {@link #compute}, to the
   * last bit.
   */
  public record Part(double max, double sum) implements java.io.Serializable {}

  /** How many parts {@link #part} splits the enumeration of {@code model} into (fixed, not per machine). */
  public static int parts(EnergyModel model) {
    Affine affine = Affine.of(model);
    return affine == null ? 1 : affine.parts();
  }

  /** Part {@code p} of {@link #parts}: a range of latent states in Gray-code order (or the whole sum). */
  public static Part part(EnergyModel model, int p) {
    Affine affine = Affine.of(model);
    if (affine == null) {
      if (p != 0) {
        throw new IllegalArgumentException("part " + p + " of 1");
      }
      return new Part(Enumeration.plan(model, false).logZ(), 1);
    }
    if (p < 0 || p >= affine.parts()) {
      throw new IllegalArgumentException("part " + p + " of " + affine.parts());
    }
    return affine.part(p, new AtomicLong(), null);
  }

  /** log Z from all parts in order. */
  public static double combine(List<Part> parts) {
    double max = Double.NEGATIVE_INFINITY;
    for (Part r : parts) {
      max = Math.max(max, r.max());
    }
    double sum = 0;
    for (Part r : parts) {
      sum += r.sum() * Math.exp(r.max() - max);
    }
    return max + Math.log(sum);
  }

  /** What {@link #compute} will enumerate, for messages. */
  public static String describe(EnergyModel model) {
    Affine affine = Affine.of(model);
    if (affine == null) {
      return Enumeration.plan(model, false).describe();
    }
    return "2^" + affine.hidden + " latent states in Gray-code order, visible block '" + affine.block + "' summed out";
  }

  /** The affine structure of an energy in its latents, read off the model. */
  private static final class Affine {
    final String block;
    final Domain visibleDomain;
    final int visible;
    final int hidden;
    final double[] f0;
    final double[] delta;
    final double e0;
    final double[] d;
    final double[] expDeltaUp;
    final double[] expDeltaDown;
    final Domain[] latentDomains;

    private Affine(String block, Domain visibleDomain, int visible, int hidden, double[] f0, double[] delta, double e0, double[] d, Domain[] latentDomains) {
      this.block = block;
      this.visibleDomain = visibleDomain;
      this.visible = visible;
      this.hidden = hidden;
      this.f0 = f0;
      this.delta = delta;
      this.e0 = e0;
      this.d = d;
      this.latentDomains = latentDomains;
      this.expDeltaUp = new double[delta.length];
      this.expDeltaDown = new double[delta.length];
      for (int k = 0; k < delta.length; k++) {
        expDeltaUp[k] = Math.exp(delta[k]);
        expDeltaDown[k] = Math.exp(-delta[k]);
      }
    }

    static Affine of(EnergyModel model) {
      List<Variables.Variable> visibleVars = model.variables().all().stream().filter(Variables.Variable::visible).toList();
      List<Variables.Variable> latentVars = model.variables().all().stream().filter(v -> !v.visible()).toList();
      var blocks = model.capability(BlockConditionals.class);
      if (visibleVars.size() != 1 || latentVars.isEmpty() || model.capability(FreeEnergy.class).isEmpty() || blocks.isEmpty()) {
        return null;
      }
      Variables.Variable v = visibleVars.get(0);
      if (!v.domain().isTwoValued() || latentVars.stream().anyMatch(x -> !x.domain().isTwoValued())
          || !blocks.get().blocks().contains(v.name()) || model.latentSize() > Enumeration.MAX_UNITS
          || model.latentSize() >= model.visibleSize()) {
        return null;
      }
      int n = v.size();
      int h = model.latentSize();
      double[] x = new double[model.stateSize()];
      double[] f0 = new double[n];
      blocks.get().conditionalFields(v.name(), x, f0);
      double e0 = model.energy(x);
      double[] delta = new double[h * n];
      double[] d = new double[h];
      double[] f = new double[n];
      Domain[] domains = new Domain[h];
      for (int j = 0; j < h; j++) {
        int site = v.size() + j;
        domains[j] = model.variables().domainAt(site);
        x[site] = 1;
        blocks.get().conditionalFields(v.name(), x, f);
        d[j] = model.energy(x) - e0;
        for (int i = 0; i < n; i++) {
          delta[j * n + i] = f[i] - f0[i];
        }
        x[site] = 0;
      }
      return new Affine(v.name(), v.domain(), n, h, f0, delta, e0, d, domains);
    }

    /** Ranges the states are split into, independent of the number of threads. */
    private static final int PARTS = 64;

    int parts() {
      return (int) Math.min(PARTS, 1L << hidden);
    }

    Part part(int p, AtomicLong done, DoubleConsumer progress) {
      long total = 1L << hidden;
      double[] r = range(total * p / parts(), total * (p + 1) / parts(), done, total, progress);
      return new Part(r[0], r[1]);
    }

    double logZ(int threads, DoubleConsumer progress) {
      // A fixed split, combined in order: the same sum, to the last bit, whatever the thread count.
      int parts = parts();
      AtomicLong done = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, "ebm4j-exact-logz");
        t.setDaemon(true);
        return t;
      });
      try {
        List<Future<Part>> futures = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
          int index = p;
          futures.add(pool.submit(() -> part(index, done, progress)));
        }
        List<Part> results = new ArrayList<>();
        for (Future<Part> f : futures) {
          results.add(f.get());
        }
        return combine(results);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted");
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("exact log Z failed: " + e.getCause(), e.getCause());
      } finally {
        pool.shutdownNow();
      }
    }

    /** Gray-code indices from..to: returns {max log term, Σ exp(term − max)}. */
    private double[] range(long from, long to, AtomicLong done, long total, DoubleConsumer progress) {
      double[] field = new double[visible];
      double[] u = new double[visible];
      double[] fieldSum = new double[1];
      double[] energy = new double[1];
      long gray = from ^ (from >>> 1);
      load(gray, field, u, energy, fieldSum);
      double max = Double.NEGATIVE_INFINITY;
      double sum = 0;
      long reported = from;
      for (long i = from; i < to; i++) {
        if (i > from) {
          // Gray code: state i differs from state i − 1 in bit number trailing zeros of i.
          int j = Long.numberOfTrailingZeros(i);
          gray ^= 1L << j;
          if ((i - from) % REFRESH == 0) {
            load(gray, field, u, energy, fieldSum);
          } else {
            boolean on = ((gray >>> j) & 1) == 1;
            double step = latentDomains[j].high() - latentDomains[j].low();
            flip(j, on ? step : -step, field, u, energy, fieldSum);
          }
        }
        double term = logTerm(field, u, energy[0], fieldSum[0]);
        if (term > max) {
          sum = sum * Math.exp(max - term) + 1;
          max = term;
        } else {
          sum += Math.exp(term - max);
        }
        if (progress != null && ((i + 1 - reported) >= (1 << 20) || i + 1 == to)) {
          // Counted and reported under one lock, so the reports never go backwards.
          synchronized (this) {
            long all = done.addAndGet(i + 1 - reported);
            progress.accept((double) all / total);
          }
          reported = i + 1;
        }
      }
      return new double[] {max, sum};
    }

    /** Sets field, u, energy and the field sum for latent state {@code gray} from scratch. */
    private void load(long gray, double[] field, double[] u, double[] energy, double[] fieldSum) {
      System.arraycopy(f0, 0, field, 0, visible);
      energy[0] = e0;
      for (int j = 0; j < hidden; j++) {
        double hj = latentDomains[j].value((int) ((gray >>> j) & 1));
        if (hj != 0) {
          energy[0] += hj * d[j];
          int row = j * visible;
          for (int i = 0; i < visible; i++) {
            field[i] += hj * delta[row + i];
          }
        }
      }
      double s = 0;
      for (int i = 0; i < visible; i++) {
        u[i] = Math.exp(field[i]);
        s += field[i];
      }
      fieldSum[0] = s;
    }

    /** Latent unit j changes by {@code change} (±1 for binary, ±2 for spin). */
    private void flip(int j, double change, double[] field, double[] u, double[] energy, double[] fieldSum) {
      energy[0] += change * d[j];
      int row = j * visible;
      double s = fieldSum[0];
      if (change == 1) {
        for (int i = 0; i < visible; i++) {
          field[i] += delta[row + i];
          u[i] *= expDeltaUp[row + i];
        }
      } else if (change == -1) {
        for (int i = 0; i < visible; i++) {
          field[i] -= delta[row + i];
          u[i] *= expDeltaDown[row + i];
        }
      } else {
        for (int i = 0; i < visible; i++) {
          field[i] += change * delta[row + i];
          u[i] = Math.exp(field[i]);
        }
      }
      for (int k = row; k < row + visible; k++) {
        s += change * delta[k];
      }
      fieldSum[0] = s;
    }

    /**
     * log Σ_v exp(−E(v, h)) = −E(0, h) + Σ_i log(1 + e^{ℓ_i}) for binary v (spins: Σ_i log(2 cosh
     * ℓ_i/2) = Σ_i log(1 + e^{ℓ_i}) − ℓ_i/2), with products of 8 factors per logarithm.
     */
    private double logTerm(double[] field, double[] u, double energy, double fieldSum) {
      double s = -energy;
      for (int i = 0; i < visible; i += CHUNK) {
        int end = Math.min(visible, i + CHUNK);
        double product = 1;
        boolean safe = true;
        for (int k = i; k < end; k++) {
          double uk = u[k];
          if (!(uk < 1e30)) {
            safe = false;
            break;
          }
          product *= 1 + uk;
        }
        if (safe) {
          s += Math.log(product);
        } else {
          for (int k = i; k < end; k++) {
            s += Kernels.softplus(field[k]);
          }
        }
      }
      return s + visibleDomain.logNormalizerOffset(fieldSum);
    }
  }
}
