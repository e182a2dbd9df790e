package org.ebm4j.processor.ir;

import java.util.List;

/**
 * The IR of one energy: a body and the value holding E(x; θ) (already negated for a
 * {@code @LogDensity} method).
 *
 * @param values every value, indexed by id
 * @param body the statements
 * @param result id of the scalar energy
 */
public record EnergyFunction(List<Value> values, Block body, int result) {
  public EnergyFunction {
    values = List.copyOf(values);
  }

  public Value value(int id) {
    return values.get(id);
  }
}
