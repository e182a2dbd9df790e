package org.ebm4j.sampling;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of samplers by name: {@code step} (step size of Langevin, MALA, HMC and random-walk
 * Metropolis), {@code leapfrog} (HMC path length in steps), {@code replicas} and {@code minBeta}
 * (tempering), {@code base} (the sampler tempering runs at each temperature).
 */
public final class SamplerOptions {
  private final Map<String, String> values = new LinkedHashMap<>();

  /** The keys set. */
  public java.util.Set<String> keys() {
    return java.util.Collections.unmodifiableSet(values.keySet());
  }

  /** A copy without these keys. */
  public SamplerOptions without(java.util.Collection<String> keys) {
    SamplerOptions o = copy();
    keys.forEach(o.values::remove);
    return o;
  }

  /** No options set: every sampler uses its defaults. */
  public static SamplerOptions defaults() {
    return new SamplerOptions();
  }

  /** Parses {@code key=value,key=value}. */
  public static SamplerOptions parse(String text) {
    SamplerOptions o = new SamplerOptions();
    if (text == null || text.isBlank()) {
      return o;
    }
    for (String part : text.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("sampler option '" + part + "' is not key=value");
      }
      o.values.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
    }
    return o;
  }

  /** An independent copy. */
  public SamplerOptions copy() {
    SamplerOptions o = new SamplerOptions();
    o.values.putAll(values);
    return o;
  }

  /** The options as {@code key=value,...}, the form {@link #parse} reads. */
  public String format() {
    StringBuilder b = new StringBuilder();
    values.forEach((k, v) -> b.append(b.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return b.toString();
  }

  /** Sets option {@code key}; returns these options. */
  public SamplerOptions with(String key, Object value) {
    values.put(key, String.valueOf(value));
    return this;
  }

  /**
   * The option {@code key} as a number, or {@code fallback} when unset; throws naming the key when
   * it is not a number.
   */
  public double getDouble(String key, double fallback) {
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("sampler option " + key + "=" + v + " is not a number");
    }
  }

  /**
   * The option {@code key} as a whole number, or {@code fallback} when unset; throws naming the key
   * when it is not one.
   */
  public int getInt(String key, int fallback) {
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("sampler option " + key + "=" + v + " is not an integer");
    }
  }

  /** The option {@code key} as text, or {@code fallback} when unset. */
  public String getString(String key, String fallback) {
    return values.getOrDefault(key, fallback);
  }

  /** The options as {@link #parse} reads them back: {@code key=value,key=value}. */
  public String spec() {
    StringBuilder out = new StringBuilder();
    values.forEach((k, v) -> out.append(out.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return out.toString();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
