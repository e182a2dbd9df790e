package org.ebm4j.processor.opt;

import java.util.List;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.IntExpr;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Value;

/**
 * Constant folding and the algebraic identities derivative rules leave behind: x·1, 1·x, x·(−1),
 * x + 0, x − 0, 0 − x, x / 1, −(−x), and element-wise ops of constants. (x·0 stays: it is NaN
 * for an infinite x.) An addition of a tensor sum {@code slot += a + c} becomes two, {@code slot
 * += a; slot += c}: forward mode writes the tangent of an outer product as such a sum, and each
 * term alone is a product the lowering runs in place (in a batch, as one matrix product).
 */
final class Simplify extends Rewriter {
  Simplify(EnergyFunction f) {
    super(f);
  }

  static EnergyFunction run(EnergyFunction f) {
    return new Simplify(f).rewrite();
  }

  @Override
  protected void accumulate(org.ebm4j.processor.ir.Stmt.Accumulate acc) {
    split(map(acc.slot()), acc.subtract(), map(acc.value()), acc.indices());
  }

  private void split(int slot, boolean subtract, int value, List<org.ebm4j.processor.ir.IntExpr> indices) {
    Value v = b.value(value);
    if (splittable(v) && (product(v.arg(0)) || product(v.arg(1)))) {
      split(slot, subtract, v.arg(0), indices);
      split(slot, subtract ^ (v.op() == Op.SUB), v.arg(1), indices);
      return;
    }
    b.add(new org.ebm4j.processor.ir.Stmt.Accumulate(slot, subtract, value, indices));
  }

  /** A tensor sum or difference of two operands of its own shape. */
  private boolean splittable(Value v) {
    return (v.op() == Op.ADD || v.op() == Op.SUB) && !v.shape().isScalar()
        && b.shape(v.arg(0)).equals(v.shape()) && b.shape(v.arg(1)).equals(v.shape());
  }

  /** Whether a term is a tensor product (an in-place kernel of its own), or a sum holding one. */
  private boolean product(int id) {
    Value v = b.value(id);
    return v.op().kind() == Op.Kind.TENSOR && v.op() != Op.ELEMENT && v.op() != Op.ROW
        || splittable(v) && (product(v.arg(0)) || product(v.arg(1)));
  }

  @Override
  protected void let(Value v) {
    if (v.op() == Op.INT && constant(v.intValue()) != null) {
      alias(v.id(), b.constant(constant(v.intValue())));
      return;
    }
    if (v.op().kind() != Op.Kind.ELEMENTWISE) {
      super.let(v);
      return;
    }
    List<Integer> args = map(v.args());
    int a = args.get(0);
    int c = args.size() > 1 ? args.get(1) : -1;
    if (args.stream().allMatch(id -> b.value(id).op() == Op.CONST)) {
      double x = b.value(a).number();
      double y = c < 0 ? 0 : b.value(c).number();
      alias(v.id(), b.constant(v.op().eval(x, y, v.number())));
      return;
    }
    int same = switch (v.op()) {
      case MUL -> isConst(c, 1) ? a : isConst(a, 1) ? c : -1;
      case ADD -> isConst(c, 0) ? a : isConst(a, 0) ? c : -1;
      case SUB, DIV -> isConst(c, v.op() == Op.SUB ? 0 : 1) ? a : -1;
      case NEG -> b.value(a).op() == Op.NEG ? b.value(a).arg(0) : -1;
      default -> -1;
    };
    if (same >= 0 && b.shape(same).equals(v.shape())) {
      alias(v.id(), same);
      return;
    }
    int negated = switch (v.op()) {
      case MUL -> isConst(c, -1) ? a : isConst(a, -1) ? c : -1;
      case SUB -> isConst(a, 0) ? c : -1;
      default -> -1;
    };
    if (negated >= 0 && b.shape(negated).equals(v.shape())) {
      alias(v.id(), b.neg(negated));
      return;
    }
    alias(v.id(), b.copy(v, args));
  }

  /** The value of an integer expression made of literals only, or null. */
  private static Integer constant(IntExpr e) {
    if (e instanceof IntExpr.Const c) {
      return c.value();
    }
    if (e instanceof IntExpr.Negate n) {
      Integer a = constant(n.operand());
      return a == null ? null : -a;
    }
    return null;
  }

  private boolean isConst(int id, double c) {
    return id >= 0 && b.value(id).op() == Op.CONST && b.value(id).number() == c;
  }
}
