package org.ebm4j.processor.ir;

import java.util.List;

/**
 * One SSA value: {@code %id = op(args) : shape}. Immutable; the attributes an op does not use are
 * null or empty.
 *
 * @param id number in definition order
 * @param op the operation
 * @param args operand value ids
 * @param shape result shape
 * @param name parameter or variable name (PARAM, VAR)
 * @param number constant (CONST) or exponent (POW)
 * @param intValue the integer expression (INT)
 * @param indices subscripts (ELEMENT, ROW)
 * @param origin the source tree it came from (a javac {@code Tree}), or null
 * @param label a name for generated code (the user's local it was assigned to, "d" + that for its
 *     adjoint), or null
 */
public record Value(
    int id,
    Op op,
    List<Integer> args,
    Shape shape,
    String name,
    double number,
    IntExpr intValue,
    List<IntExpr> indices,
    Object origin,
    String label) {

  public Value {
    args = List.copyOf(args);
    indices = List.copyOf(indices);
  }

  /** The same value without a label (Java source of old callers). */
  public Value(int id, Op op, List<Integer> args, Shape shape, String name, double number, IntExpr intValue, List<IntExpr> indices, Object origin) {
    this(id, op, args, shape, name, number, intValue, indices, origin, null);
  }

  public int arg(int i) {
    return args.get(i);
  }

  /** This value under another label. */
  public Value withLabel(String label) {
    return new Value(id, op, args, shape, name, number, intValue, indices, origin, label);
  }
}
