package org.ebm4j.sampling;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.Variables;

/**
 * The states of many Markov chains, in one flat row-major array: chain c is {@code states[c *
 * width .. (c + 1) * width)}.
 *
 * <p>Float32 training advances chains in a float copy ({@link #floatStates}) so that states are
 * not converted at every product. One of the two arrays holds the chains at a time: asking for
 * either makes it the live one (converting from the other when that was live), so a caller keeps
 * an array only until it, or anything it calls, asks for the other.
 */
public final class Chains {
  private final int count;
  private final int width;
  private final double[] states;
  private float[] floats;
  /** Whether {@link #floats} holds the chains and {@link #states} is out of date. */
  private boolean floatsLive;

  /** {@code count} chains of {@code width} units each, all units 0. */
  public Chains(int count, int width) {
    if (count <= 0 || width <= 0) {
      throw new IllegalArgumentException("need at least one chain of positive width, got " + count + " × " + width);
    }
    this.count = count;
    this.width = width;
    this.states = new double[count * width];
  }

  /** Chains started at independent draws: binary, spin and categorical units uniform, real ones N(0, 1). */
  public static Chains random(EnergyModel model, int count, RandomGenerator rng) {
    Chains c = new Chains(count, model.stateSize());
    double[] x = new double[model.stateSize()];
    for (int chain = 0; chain < count; chain++) {
      for (Variables.Variable v : model.variables().all()) {
        if (v.isCategorical()) {
          for (int u = 0; u < v.units(); u++) {
            v.setState(x, u, rng.nextInt(v.group()));
          }
          System.arraycopy(x, v.offset(), c.states, chain * c.width + v.offset(), v.size());
          continue;
        }
        for (int k = v.offset(); k < v.offset() + v.size(); k++) {
          c.states[chain * c.width + k] = v.domain().isDiscrete() ? v.domain().value(rng.nextBoolean() ? 1 : 0) : rng.nextGaussian();
        }
      }
    }
    return c;
  }

  /** The number of chains. */
  public int count() {
    return count;
  }

  /** Units per chain: the model's {@code stateSize()}. */
  public int width() {
    return width;
  }

  /** The live array of all states (see the class comment for its float copy). */
  public double[] states() {
    if (floatsLive) {
      org.ebm4j.kernel.FloatKernels.toDouble(floats, states, 0, states.length);
      floatsLive = false;
    }
    return states;
  }

  /**
   * The states in float32, now the live array: same layout, plus one spare row at the end, so that
   * BLAS can read a block that ends a state in place (it asks for a full row stride after the last
   * row it reads).
   */
  public float[] floatStates() {
    if (!floatsLive) {
      if (floats == null) {
        floats = new float[states.length + width];
      }
      org.ebm4j.kernel.FloatKernels.toFloat(states, floats, 0, states.length);
      floatsLive = true;
    }
    return floats;
  }

  /** Copies chain {@code c}'s state into {@code x}. */
  public void get(int c, double[] x) {
    System.arraycopy(states(), c * width, x, 0, width);
  }

  /** Overwrites chain {@code c}'s state with {@code x}. */
  public void set(int c, double[] x) {
    System.arraycopy(x, 0, states(), c * width, width);
  }

  /** An independent copy of every chain's state. */
  public Chains copy() {
    Chains c = new Chains(count, width);
    System.arraycopy(states(), 0, c.states, 0, states.length);
    return c;
  }

  @Override
  public String toString() {
    return count + " chains × " + width + " units" + (count * width <= 16 ? " " + Arrays.toString(states()) : "");
  }
}
