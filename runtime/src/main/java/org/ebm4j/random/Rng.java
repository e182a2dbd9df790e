package org.ebm4j.random;

import java.util.random.RandomGenerator;

/**
 * xoshiro256** (Blackman &amp; Vigna), seeded through SplitMix64: fast, statistically strong, and
 * with a state that can be saved and restored, so a resumed run continues bit for bit.
 */
public final class Rng implements RandomGenerator {
  private long s0;
  private long s1;
  private long s2;
  private long s3;

  /** A generator whose whole state derives from {@code seed}. */
  public Rng(long seed) {
    long z = seed;
    long[] s = new long[4];
    for (int i = 0; i < 4; i++) {
      z += 0x9E3779B97F4A7C15L;
      long x = z;
      x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
      x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
      s[i] = x ^ (x >>> 31);
    }
    s0 = s[0];
    s1 = s[1];
    s2 = s[2];
    s3 = s[3];
  }

  /** A generator in exactly the state {@link #state()} returned. */
  public static Rng fromState(long[] state) {
    if (state.length != 4) {
      throw new IllegalArgumentException("an Rng state has 4 longs, got " + state.length);
    }
    Rng r = new Rng(0);
    r.s0 = state[0];
    r.s1 = state[1];
    r.s2 = state[2];
    r.s3 = state[3];
    return r;
  }

  /** The full state, for checkpoints. */
  public long[] state() {
    return new long[] {s0, s1, s2, s3};
  }

  @Override
  public long nextLong() {
    long result = Long.rotateLeft(s1 * 5, 7) * 9;
    long t = s1 << 17;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = Long.rotateLeft(s3, 45);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  @Override
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /**
   * Stream {@code index} of the family keyed by {@code key}: independent generators for rows that
   * are drawn in parallel, the same whichever thread draws them.
   */
  public static Rng stream(long key, long index) {
    return new Rng(key ^ (index * 0xD1B54A32D192ED03L));
  }

  /** An independent generator drawn from this one (for per-chain or per-thread streams). */
  public Rng split() {
    return new Rng(nextLong());
  }
}
