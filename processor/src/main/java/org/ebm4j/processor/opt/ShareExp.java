package org.ebm4j.processor.opt;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Value;

/**
 * tanh, σ and softplus of one operand from one e^{−|x|}: where at least two of them take the same
 * value (a pre-activation's tanh and its derivative's σ, softplus and σ in a free energy's
 * gradient), e = e^{−|x|} is computed once, right after x, and each becomes arithmetic on x and e
 * (softplus keeps one log). Three exps and a log per entry become one exp and a log.
 */
final class ShareExp extends Rewriter {
  private static final Map<Op, Op> FROM_EXP = Map.of(Op.TANH, Op.TANH_E, Op.SIGMOID, Op.SIGMOID_E, Op.SOFTPLUS, Op.SOFTPLUS_E);

  private final Set<Integer> shared;
  /** Old operand id → new id of its e^{−|x|}. */
  private final Map<Integer, Integer> exps = new HashMap<>();

  private ShareExp(EnergyFunction f, Set<Integer> shared) {
    super(f);
    this.shared = shared;
  }

  static EnergyFunction run(EnergyFunction f) {
    Map<Integer, Set<Op>> ops = new HashMap<>();
    for (Value v : f.values()) {
      if (FROM_EXP.containsKey(v.op())) {
        ops.computeIfAbsent(v.arg(0), k -> EnumSet.noneOf(Op.class)).add(v.op());
      }
    }
    Set<Integer> shared = new HashSet<>();
    // An accumulator's value is defined by its region and a buffer's by additions after it: no
    // statement e could follow.
    ops.forEach((x, kinds) -> {
      if (kinds.size() >= 2 && f.value(x).op() != Op.ACC && !f.isBuffer(x)) {
        shared.add(x);
      }
    });
    return shared.isEmpty() ? f : new ShareExp(f, shared).rewrite();
  }

  @Override
  protected void let(Value v) {
    if (FROM_EXP.containsKey(v.op()) && shared.contains(v.arg(0))) {
      int x = map(v.arg(0));
      alias(v.id(), b.label(b.let(FROM_EXP.get(v.op()), java.util.List.of(x, exps.get(v.arg(0)))), v.label()));
      return;
    }
    super.let(v);
    if (shared.contains(v.id())) {
      exps.put(v.id(), b.let(Op.EXP_NEG_ABS, java.util.List.of(map(v.id()))));
    }
  }
}
