package org.ebm4j.processor.opt;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ebm4j.processor.ir.Block;
import org.ebm4j.processor.ir.Cond;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Stmt;
import org.ebm4j.processor.ir.Value;

/**
 * Removes what does not reach the result or an output: values nothing reads, additions into
 * buffers nobody reads, regions left empty. In a gradient this is what drops the parts of the
 * energy that no derivative needs (the forward loops of a loop-written energy, for one).
 */
final class DeadCode extends Rewriter {
  private final boolean[] live;

  DeadCode(EnergyFunction f) {
    super(f);
    this.live = live(f);
  }

  static EnergyFunction run(EnergyFunction f) {
    return new DeadCode(f).rewrite();
  }

  private static boolean[] live(EnergyFunction f) {
    boolean[] live = new boolean[f.values().size()];
    Map<Integer, List<Stmt.Accumulate>> into = new HashMap<>();
    Map<Integer, List<Cond.NonZero>> guards = new HashMap<>();
    List<Stmt.Accumulate> outputs = new ArrayList<>();
    scan(f, f.body(), into, outputs, guards, new ArrayList<>());
    Deque<Integer> work = new ArrayDeque<>();
    if (f.hasResult()) {
      work.add(f.result());
    }
    for (Stmt.Accumulate acc : outputs) {
      work.add(acc.value());
      work.add(acc.slot());
    }
    while (!work.isEmpty()) {
      int id = work.pop();
      if (live[id]) {
        continue;
      }
      live[id] = true;
      Value v = f.value(id);
      work.addAll(v.args());
      for (Stmt.Accumulate acc : into.getOrDefault(f.bufferOf(id), List.of())) {
        work.add(acc.value());
        work.add(acc.slot());
      }
      for (Cond.NonZero guard : guards.getOrDefault(id, List.of())) {
        work.add(guard.value());
      }
    }
    return live;
  }

  /** Indexes additions by the buffer (or accumulator) they go to, and guards by what they guard. */
  private static void scan(EnergyFunction f, Block block, Map<Integer, List<Stmt.Accumulate>> into, List<Stmt.Accumulate> outputs,
      Map<Integer, List<Cond.NonZero>> guards, List<Cond.NonZero> enclosing) {
    for (Stmt s : block.stmts()) {
      if (s instanceof Stmt.Accumulate acc) {
        int root = f.bufferOf(acc.slot());
        into.computeIfAbsent(root, k -> new ArrayList<>()).add(acc);
        if (f.value(root).op() == Op.OUT) {
          outputs.add(acc);
        }
        for (Cond.NonZero g : enclosing) {
          guards.computeIfAbsent(acc.value(), k -> new ArrayList<>()).add(g);
        }
      } else if (s instanceof Stmt.Loop loop) {
        scan(f, loop.body(), into, outputs, guards, enclosing);
      } else if (s instanceof Stmt.If branch) {
        List<Cond.NonZero> inner = new ArrayList<>(enclosing);
        if (branch.cond() instanceof Cond.NonZero nz) {
          inner.add(nz);
        }
        scan(f, branch.then(), into, outputs, guards, inner);
        scan(f, branch.otherwise(), into, outputs, guards, inner);
      }
    }
  }

  @Override
  protected void let(Value v) {
    if (live[v.id()]) {
      super.let(v);
    }
  }

  @Override
  protected void accumulate(Stmt.Accumulate acc) {
    if (live[acc.value()] && live[acc.slot()] && live[f.bufferOf(acc.slot())]) {
      super.accumulate(acc);
    }
  }

  @Override
  protected void loop(Stmt.Loop loop) {
    if (keeps(loop)) {
      super.loop(loop);
    }
  }

  @Override
  protected void branch(Stmt.If branch) {
    if (keeps(branch)) {
      super.branch(branch);
    }
  }

  /** A kept region declares only the accumulators something reads. */
  @Override
  protected List<Integer> slots(List<Integer> slots) {
    return super.slots(slots.stream().filter(s -> live[s]).toList());
  }

  /** Whether a region must stay: an accumulator of it is read, or an addition in it must stay. */
  private boolean keeps(Stmt region) {
    if (region instanceof Stmt.Loop loop) {
      return loop.slots().stream().anyMatch(s -> live[s]) || hasLive(loop.body());
    }
    Stmt.If branch = (Stmt.If) region;
    return branch.slots().stream().anyMatch(s -> live[s]) || hasLive(branch.then()) || hasLive(branch.otherwise());
  }

  /** Whether a block holds an addition that must stay (it reaches the result or an output). */
  private boolean hasLive(Block block) {
    for (Stmt s : block.stmts()) {
      if (s instanceof Stmt.Accumulate acc && live[acc.value()] && live[f.bufferOf(acc.slot())]) {
        return true;
      }
      if ((s instanceof Stmt.Loop || s instanceof Stmt.If) && keeps(s)) {
        return true;
      }
    }
    return false;
  }
}
