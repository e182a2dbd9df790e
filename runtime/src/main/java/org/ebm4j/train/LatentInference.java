package org.ebm4j.train;

import java.util.Locale;

/**
 * How the positive phase treats latent variables that cannot be summed out analytically (no free
 * energy), that is, how ∇θ log p̃(v) = E_{h~p(h|v)}[∇θ log p̃(v, h)] is computed:
 *
 * <ul>
 *   <li>{@code exact}: enumerate the latent units left once the latent blocks that do not interact
 *       are summed out given them; unbiased, for few units only;
 *   <li>{@code meanfield}: the variational gradient at the mean-field fixed point of a fully
 *       factorised q(h) (block-wise updates μ_b = E[h_b | v, μ_rest]); biased towards a unimodal
 *       posterior, deterministic, the standard choice for deep Boltzmann machines;
 *   <li>{@code sampled:K}: K clamped Gibbs sweeps over the latent blocks, starting afresh from
 *       their zero-field means; unbiased only as K grows, noisy;
 *   <li>{@code auto} (the default): exact where that is cheap, else mean-field where every latent
 *       is a discrete block, else sampled.
 * </ul>
 *
 * Specification strings: {@code auto}, {@code exact}, {@code sampled:K},
 * {@code meanfield[:iterations=N,tolerance=T,damping=D,init=half|upward]} (defaults 50, 1e-6, 0,
 * half: the zero-field means).
 */
public final class LatentInference {
  /** The kind of inference. */
  public enum Kind {
    AUTO,
    EXACT,
    MEAN_FIELD,
    SAMPLED
  }

  private final Kind kind;
  private final int iterations;
  private final double tolerance;
  private final double damping;
  private final int sweeps;
  private final boolean upward;

  private LatentInference(Kind kind, int iterations, double tolerance, double damping, int sweeps) {
    this(kind, iterations, tolerance, damping, sweeps, false);
  }

  private LatentInference(Kind kind, int iterations, double tolerance, double damping, int sweeps, boolean upward) {
    this.upward = upward;
    if (iterations <= 0 || sweeps <= 0) {
      throw new IllegalArgumentException("mean-field iterations and sampled sweeps must be positive");
    }
    if (!(tolerance >= 0) || !(damping >= 0 && damping < 1)) {
      throw new IllegalArgumentException("mean-field tolerance must be >= 0 and damping in [0, 1), got " + tolerance + " and " + damping);
    }
    this.kind = kind;
    this.iterations = iterations;
    this.tolerance = tolerance;
    this.damping = damping;
    this.sweeps = sweeps;
  }

  /** Exact where cheap, else mean-field for discrete latent blocks, else sampled. */
  public static LatentInference auto() {
    return new LatentInference(Kind.AUTO, 50, 1e-6, 0, 1);
  }

  /** Exact enumeration of the latents left once non-interacting latent blocks are summed out. */
  public static LatentInference exact() {
    return new LatentInference(Kind.EXACT, 50, 1e-6, 0, 1);
  }

  /** Mean-field with at most {@code iterations} sweeps of block updates, stopping when no mean moves more than {@code tolerance}; each update keeps {@code damping} of the old mean. */
  public static LatentInference meanField(int iterations, double tolerance, double damping) {
    return new LatentInference(Kind.MEAN_FIELD, iterations, tolerance, damping, 1);
  }

  /**
   * Mean-field as {@link #meanField(int, double, double)}, started from one upward pass ({@code
   * init=upward}: each latent block given the visibles and the blocks before it) instead of the
   * zero-field means ({@code init=half}).
   */
  public static LatentInference meanField(int iterations, double tolerance, double damping, boolean upward) {
    return new LatentInference(Kind.MEAN_FIELD, iterations, tolerance, damping, 1, upward);
  }

  /** Mean-field with the defaults: 50 iterations, tolerance 1e-6, no damping. */
  public static LatentInference meanField() {
    return meanField(50, 1e-6, 0);
  }

  /** {@code sweeps} clamped Gibbs sweeps over the latents. */
  public static LatentInference sampled(int sweeps) {
    return new LatentInference(Kind.SAMPLED, 50, 1e-6, 0, sweeps);
  }

  /** Reads a specification (see the class comment). */
  public static LatentInference parse(String spec) {
    String s = spec.trim().toLowerCase(Locale.ROOT);
    try {
      if (s.equals("auto")) {
        return auto();
      }
      if (s.equals("exact")) {
        return exact();
      }
      if (s.startsWith("sampled:")) {
        return sampled(Integer.parseInt(s.substring(8)));
      }
      if (s.equals("meanfield") || s.startsWith("meanfield:")) {
        int iterations = 50;
        double tolerance = 1e-6;
        double damping = 0;
        boolean upward = false;
        if (s.startsWith("meanfield:")) {
          for (String kv : s.substring(10).split(",")) {
            String[] p = kv.split("=", 2);
            if (p.length != 2) {
              throw new IllegalArgumentException("'" + kv + "' is not key=value");
            }
            switch (p[0].trim()) {
              case "iterations" -> iterations = Integer.parseInt(p[1].trim());
              case "tolerance" -> tolerance = Double.parseDouble(p[1].trim());
              case "damping" -> damping = Double.parseDouble(p[1].trim());
              case "init" -> {
                String init = p[1].trim();
                if (!init.equals("half") && !init.equals("upward")) {
                  throw new IllegalArgumentException("mean-field init '" + init + "' is not half or upward");
                }
                upward = init.equals("upward");
              }
              default -> throw new IllegalArgumentException("unknown mean-field setting '" + p[0].trim() + "'; the settings are iterations, tolerance, damping and init");
            }
          }
        }
        return meanField(iterations, tolerance, damping, upward);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("positive phase '" + spec + "' has an invalid number: " + e.getMessage());
    }
    throw new IllegalArgumentException("unknown positive phase '" + spec + "'; use auto, exact, meanfield[:iterations=N,tolerance=T,damping=D] or sampled:K");
  }

  /** The specification {@link #parse} reads back. */
  public String spec() {
    return switch (kind) {
      case AUTO -> "auto";
      case EXACT -> "exact";
      case SAMPLED -> "sampled:" + sweeps;
      case MEAN_FIELD -> "meanfield:iterations=" + iterations + ",tolerance=" + tolerance + ",damping=" + damping + ",init=" + (upward ? "upward" : "half");
    };
  }

  public Kind kind() {
    return kind;
  }

  public int iterations() {
    return iterations;
  }

  public double tolerance() {
    return tolerance;
  }

  public double damping() {
    return damping;
  }

  public int sweeps() {
    return sweeps;
  }

  /** Whether mean-field starts from an upward pass rather than the zero-field means. */
  public boolean upward() {
    return upward;
  }

  @Override
  public String toString() {
    return spec();
  }
}
