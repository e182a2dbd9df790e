package org.ebm4j.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The joint states of some discrete units, numbered in mixed radix (the first unit the fastest):
 * two states for a binary or spin unit, K for a categorical one. State i loads into a full state
 * array; for two-valued units the numbering is the bits of i, as it always was.
 */
public final class StateSpace {
  private final List<Variables.Variable> variables;
  private final int[] unitOf;
  private final int[] radix;
  private final long count;
  private final double log;

  private StateSpace(List<Variables.Variable> variables, int[] unitOf, int[] radix) {
    this.variables = variables;
    this.unitOf = unitOf;
    this.radix = radix;
    double logCount = 0;
    long n = 1;
    for (int r : radix) {
      logCount += Math.log(r);
      n = n > Long.MAX_VALUE / r ? Long.MAX_VALUE : n * r;
    }
    this.count = n;
    this.log = logCount;
  }

  /** Every unit of {@code vars} (discrete), in state order. */
  public static StateSpace of(List<Variables.Variable> vars) {
    List<Variables.Variable> owners = new ArrayList<>();
    List<Integer> units = new ArrayList<>();
    List<Integer> radices = new ArrayList<>();
    for (Variables.Variable v : vars) {
      for (int u = 0; u < v.units(); u++) {
        owners.add(v);
        units.add(u);
        radices.add(v.statesPerUnit());
      }
    }
    return new StateSpace(owners, units.stream().mapToInt(Integer::intValue).toArray(), radices.stream().mapToInt(Integer::intValue).toArray());
  }

  /** The number of states, saturated at Long.MAX_VALUE. */
  public long count() {
    return count;
  }

  /** Whether there are more than 2^{@code bits} states. */
  public boolean exceeds(int bits) {
    return log > bits * Math.log(2) + 1e-9;
  }

  /** The number of units. */
  public int units() {
    return radix.length;
  }

  /** "2^n" when every unit has two states, else the count (or "K^n" when all have K), for messages. */
  public String describe() {
    boolean same = radix.length > 0 && java.util.Arrays.stream(radix).allMatch(r -> r == radix[0]);
    int base = same ? radix[0] : 2;
    return same || radix.length == 0 ? base + "^" + radix.length : (count == Long.MAX_VALUE ? "more than 2^62" : Long.toString(count));
  }

  /** Loads state {@code index} into {@code x}. */
  public void load(long index, double[] x) {
    for (int j = 0; j < radix.length; j++) {
      int r = radix[j];
      variables.get(j).setState(x, unitOf[j], (int) (index % r));
      index /= r;
    }
  }
}
