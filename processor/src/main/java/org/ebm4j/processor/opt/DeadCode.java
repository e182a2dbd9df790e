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
      for (Stmt.Accumulate acc : into.getOrDefault(root(f, id), List.of())) {
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
        int root = root(f, acc.slot());
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

  static int root(EnergyFunction f, int id) {
    Value v = f.value(id);
    return v.op() == Op.ROW && (f.value(v.arg(0)).op() == Op.OUT || f.value(v.arg(0)).op() == Op.ADJOINT || f.value(v.arg(0)).op() == Op.ROW)
        ? root(f, v.arg(0))
        : id;
  }

  @Override
  protected void let(Value v) {
    if (live[v.id()]) {
      super.let(v);
    }
  }

  @Override
  protected void accumulate(Stmt.Accumulate acc) {
    if (live[acc.value()] && live[acc.slot()] && live[root(f, acc.slot())]) {
      super.accumulate(acc);
    }
  }

  @Override
  protected void loop(Stmt.Loop loop) {
    if (loop.slots().stream().anyMatch(s -> live[s]) || hasLive(loop.body())) {
      List<Integer> slots = liveSlots(loop.slots());
      b.open();
      block(loop.body());
      b.add(new Stmt.Loop(loop.loop(), loop.indexName(), loop.start(), loop.end(), b.close(), slots, loop.origin()));
    }
  }

  @Override
  protected void branch(Stmt.If branch) {
    if (branch.slots().stream().anyMatch(s -> live[s]) || hasLive(branch.then()) || hasLive(branch.otherwise())) {
      List<Integer> slots = liveSlots(branch.slots());
      org.ebm4j.processor.ir.Cond cond = cond(branch.cond());
      b.open();
      block(branch.then());
      Block then = b.close();
      b.open();
      block(branch.otherwise());
      b.add(new Stmt.If(cond, then, b.close(), slots));
    }
  }

  private List<Integer> liveSlots(List<Integer> slots) {
    return slots(slots.stream().filter(s -> live[s]).toList());
  }

  /** Whether a block holds an addition that must stay (it reaches the result or an output). */
  private boolean hasLive(Block block) {
    for (Stmt s : block.stmts()) {
      if (s instanceof Stmt.Accumulate acc && live[acc.value()] && live[root(f, acc.slot())]) {
        return true;
      }
      if (s instanceof Stmt.Loop loop && (loop.slots().stream().anyMatch(x -> live[x]) || hasLive(loop.body()))) {
        return true;
      }
      if (s instanceof Stmt.If branch && (branch.slots().stream().anyMatch(x -> live[x]) || hasLive(branch.then()) || hasLive(branch.otherwise()))) {
        return true;
      }
    }
    return false;
  }
}
