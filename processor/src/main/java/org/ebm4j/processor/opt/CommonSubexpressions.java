package org.ebm4j.processor.opt;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ebm4j.processor.ir.Block;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.IntExpr;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Value;

/**
 * A value computed a second time where the first is in scope is replaced by the first: the
 * frontend reads x[i] again in each region that uses it, and derivative rules recompute what the
 * energy already has. Buffers are never merged (each is its own storage).
 */
final class CommonSubexpressions extends Rewriter {
  private record Key(Op op, List<Integer> args, double number, String name, IntExpr intValue, List<IntExpr> indices) {}

  private Map<Key, Integer> seen = new HashMap<>();

  CommonSubexpressions(EnergyFunction f) {
    super(f);
  }

  static EnergyFunction run(EnergyFunction f) {
    return new CommonSubexpressions(f).rewrite();
  }

  @Override
  protected void block(Block block) {
    Map<Key, Integer> outer = seen;
    seen = new HashMap<>(outer);
    super.block(block);
    seen = outer;
  }

  @Override
  protected void let(Value v) {
    if (v.op() == Op.ADJOINT || v.op() == Op.OUT) {
      super.let(v);
      return;
    }
    List<Integer> args = map(v.args());
    Key key = new Key(v.op(), args, v.number(), v.name(), v.intValue(), v.indices());
    Integer earlier = seen.get(key);
    if (earlier != null) {
      alias(v.id(), earlier);
      return;
    }
    int id = b.copy(v, args);
    alias(v.id(), id);
    seen.put(key, id);
  }
}
