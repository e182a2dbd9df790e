package org.ebm4j.processor.codegen;

import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Value;
import org.ebm4j.processor.lower.JavaLowering;

/**
 * Where a generated method keeps the leaves of a lowered program: parameters in {@code params},
 * variables in the state array, outputs in the gradient array ({@code grad} for parameter
 * gradients, else the state-gradient array). In a batch, states and their gradients are rows of
 * stride {@code stateSize} and the weight argument is read per row.
 *
 * @param states the state array's name ({@code x} or {@code xs})
 * @param outputs the output array's name ({@code grad}, {@code gx} or {@code gxs})
 * @param paramOutputs whether the outputs are parameter gradients
 * @param batched whether the method runs over rows of a batch
 * @param params the parameter array's name ({@code params}, or {@code paramsF}, its float copy)
 */
record Storage(String states, String outputs, boolean paramOutputs, boolean batched, String params) implements JavaLowering.Storage {
  /** Parameters in {@code params}, the model's own array. */
  Storage(String states, String outputs, boolean paramOutputs, boolean batched) {
    this(states, outputs, paramOutputs, batched, "params");
  }

  @Override
  public String array(Value leaf) {
    return switch (leaf.op()) {
      case PARAM -> params;
      case VAR -> states;
      default -> outputs;
    };
  }

  @Override
  public String offset(Value leaf) {
    return leaf.op() == Op.PARAM || (leaf.op() == Op.OUT && paramOutputs) ? Fields.paramOffset(leaf.name()) : Fields.stateOffset(leaf.name());
  }

  @Override
  public String argument(Value arg) {
    // In a batch the gradient's weight is one for the batch, or one per row.
    return batched ? "(weights == null ? " + arg.name() + " : " + arg.name() + "s[r])" : arg.name();
  }

  @Override
  public String size(String dim) {
    return Fields.dimField(dim);
  }

  @Override
  public boolean perRow(Value leaf) {
    return batched && (leaf.op() == Op.VAR || leaf.op() == Op.ARG || (leaf.op() == Op.OUT && !paramOutputs));
  }
}
