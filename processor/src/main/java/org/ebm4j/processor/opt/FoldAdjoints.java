package org.ebm4j.processor.opt;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;
import org.ebm4j.processor.ir.Block;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Stmt;
import org.ebm4j.processor.ir.Value;

/**
 * An adjoint whose additions all sit in the block that declares it, each of the whole buffer with a
 * value of its shape, becomes a plain value, the sum of its terms, defined at its last addition. Adjoints start at 0.0 and are added to, but
 * for doubles 0.0 + x is not x (it turns −0.0 into +0.0), so the JIT must keep every such addition;
 * in a loop body that costs as much as the useful work. As values, the other passes see through
 * them (a zero-skip guard needs to see that a term is proportional to a unit); a tensor needs no
 * zeroed buffer and, used once, is written into its user's loop.
 */
final class FoldAdjoints extends Rewriter {
  private final Set<Integer> foldable = new HashSet<>();
  private final Map<Integer, Integer> running = new HashMap<>();
  private final Map<Integer, String> labels = new HashMap<>();

  FoldAdjoints(EnergyFunction f) {
    super(f);
    Map<Integer, Block> declaredIn = new HashMap<>();
    Map<Integer, Set<Block>> addedIn = new HashMap<>();
    scan(f.body(), declaredIn, addedIn);
    declaredIn.forEach((id, block) -> {
      Set<Block> where = addedIn.getOrDefault(id, Set.of());
      if (where.stream().allMatch(w -> w == block)) {
        foldable.add(id);
      }
    });
  }

  static EnergyFunction run(EnergyFunction f) {
    return new FoldAdjoints(f).rewrite();
  }

  private void scan(Block block, Map<Integer, Block> declaredIn, Map<Integer, Set<Block>> addedIn) {
    for (Stmt s : block.stmts()) {
      if (s instanceof Stmt.Let let && let.value().op() == Op.ADJOINT) {
        declaredIn.put(let.value().id(), block);
      } else if (s instanceof Stmt.Accumulate acc) {
        // Additions through a row view, at subscripts or broadcast from a scalar keep the buffer.
        int root = f.bufferOf(acc.slot());
        boolean whole = root == acc.slot() && acc.indices().isEmpty() && f.value(acc.value()).shape().equals(f.value(root).shape());
        Set<Block> where = addedIn.computeIfAbsent(root, k -> java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
        where.add(whole ? block : null);
      } else if (s instanceof Stmt.Loop loop) {
        scan(loop.body(), declaredIn, addedIn);
      } else if (s instanceof Stmt.If branch) {
        scan(branch.then(), declaredIn, addedIn);
        scan(branch.otherwise(), declaredIn, addedIn);
      }
    }
  }

  @Override
  protected void let(Value v) {
    if (foldable.contains(v.id())) {
      running.put(v.id(), -1);
      labels.put(v.id(), v.label());
      return;
    }
    super.let(v);
  }

  @Override
  protected int map(int old) {
    Integer sum = running.get(old);
    if (sum != null) {
      if (sum < 0) {
        sum = b.constant(0);
        running.put(old, sum);
      }
      return sum;
    }
    return super.map(old);
  }

  @Override
  protected void accumulate(Stmt.Accumulate acc) {
    Integer sum = running.get(acc.slot());
    if (sum == null) {
      super.accumulate(acc);
      return;
    }
    int term = map(acc.value());
    int next;
    if (sum < 0) {
      next = acc.subtract() ? b.neg(term) : term;
    } else {
      next = acc.subtract() ? b.sub(sum, term) : b.add(sum, term);
    }
    running.put(acc.slot(), b.label(next, labels.get(acc.slot())));
  }
}
