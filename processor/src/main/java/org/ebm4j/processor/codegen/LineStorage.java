package org.ebm4j.processor.codegen;

import java.util.Set;
import org.ebm4j.processor.ad.Derivatives;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Value;
import org.ebm4j.processor.lower.JavaLowering;

/**
 * Where the score-matching programs ({@link Derivatives.Scores}) keep their leaves: the state in
 * {@code x}, a direction {@code v~} in {@code u} at v's offset, the line's derivatives {@code ~} and
 * {@code ~~} in {@code line[0]} and {@code line[1]}, the θ-derivatives {@code θ~}, {@code θ~~} in
 * {@code grad} at θ's offset, and the score in {@code gx}.
 *
 * In a batch ({@code batched}) states, directions and scores are rows of {@code xs}, {@code us} and
 * {@code gxs} (stride {@code stateSize}) and the weight is one per row when {@code weights} is
 * given.
 *
 * @param params the model's parameter names
 */
record LineStorage(Set<String> params, boolean batched) implements JavaLowering.Storage {
  @Override
  public String array(Value leaf) {
    String s = batched ? "s" : "";
    return switch (leaf.op()) {
      case PARAM -> "params";
      case VAR -> (leaf.name().endsWith(Derivatives.TANGENT) ? "u" : "x") + s;
      default -> {
        String base = base(leaf.name());
        yield base.isEmpty() ? "line" : params.contains(base) ? "grad" : "gx" + s;
      }
    };
  }

  @Override
  public boolean perRow(Value leaf) {
    return batched && (leaf.op() == Op.VAR || leaf.op() == Op.ARG || (leaf.op() == Op.OUT && !params.contains(base(leaf.name()))));
  }

  @Override
  public String offset(Value leaf) {
    String base = base(leaf.name());
    if (base.isEmpty()) {
      return leaf.name().equals(Derivatives.TANGENT) ? "0" : "1";
    }
    return leaf.op() == Op.PARAM || (leaf.op() == Op.OUT && params.contains(base)) ? Fields.paramOffset(base) : Fields.stateOffset(base);
  }

  private static String base(String name) {
    int cut = name.indexOf(Derivatives.TANGENT);
    return cut < 0 ? name : name.substring(0, cut);
  }

  @Override
  public String argument(Value arg) {
    return batched ? "(weights == null ? " + arg.name() + " : " + arg.name() + "s[r])" : arg.name();
  }

  @Override
  public String size(String dim) {
    return Fields.dimField(dim);
  }
}
