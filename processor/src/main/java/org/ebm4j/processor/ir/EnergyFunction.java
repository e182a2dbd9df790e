package org.ebm4j.processor.ir;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.ebm4j.model.Domain;

/**
 * A function of the IR: the energy (a body and the value holding E(x; θ), already negated for a
 * {@code @LogDensity} method), or a program derived from it (a gradient, a tangent), which has no
 * result and writes its {@link Op#OUT} buffers.
 *
 * @param values every value, indexed by id
 * @param body the statements
 * @param result id of the scalar energy, or −1 for a derived program
 * @param variables the state's variables, in declaration order
 */
public record EnergyFunction(List<Value> values, Block body, int result, List<Variable> variables) {
  public EnergyFunction {
    values = List.copyOf(values);
    variables = List.copyOf(variables);
  }

  /** A function over variables it knows nothing of. */
  public EnergyFunction(List<Value> values, Block body, int result) {
    this(values, body, result, List.of());
  }

  /** Names of the variables whose units are 0 or 1 (a factor x_i of them that is not 0 is exactly 1). */
  public Set<String> binaryVariables() {
    return variables.stream().filter(v -> v.domain() == Domain.BINARY).map(Variable::name).collect(Collectors.toSet());
  }

  public Value value(int id) {
    return values.get(id);
  }

  /** The same variables' facts over another body and values (a derived program). */
  public EnergyFunction derive(List<Value> values, Block body) {
    return new EnergyFunction(values, body, -1, variables);
  }

  /**
   * The buffer an addition into {@code id} lands in: through row views down to the ADJOINT or OUT
   * buffer they view; any other value is its own.
   */
  public int bufferOf(int id) {
    Value v = values.get(id);
    return v.op() == Op.ROW && isBuffer(v.arg(0)) ? bufferOf(v.arg(0)) : id;
  }

  /** Whether {@code id} is a buffer of a derived program, or a row view of one. */
  public boolean isBuffer(int id) {
    Value v = values.get(id);
    return v.op() == Op.ADJOINT || v.op() == Op.OUT || (v.op() == Op.ROW && isBuffer(v.arg(0)));
  }

  public boolean hasResult() {
    return result >= 0;
  }
}
