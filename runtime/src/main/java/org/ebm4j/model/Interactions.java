package org.ebm4j.model;

import java.util.List;

/**
 * Which variables interact, as the processor proved it: two variables are neighbours when some
 * term of the energy depends on both. Variables that are not neighbours are conditionally
 * independent given all the others, so blocks no two of which are neighbours can be sampled, or
 * summed out, together ({@link PartialSum}). The graph may show an interaction that cancels, never
 * miss one.
 */
public interface Interactions {
  /** The variables that share a term with {@code variable}, in state order. */
  List<String> neighbours(String variable);

  /** Whether no two of {@code variables} are neighbours. */
  default boolean independent(java.util.Collection<String> variables) {
    for (String a : variables) {
      for (String b : neighbours(a)) {
        if (variables.contains(b)) {
          return false;
        }
      }
    }
    return true;
  }
}
