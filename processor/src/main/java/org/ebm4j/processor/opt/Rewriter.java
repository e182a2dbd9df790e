package org.ebm4j.processor.opt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ebm4j.processor.ir.Block;
import org.ebm4j.processor.ir.Builder;
import org.ebm4j.processor.ir.Cond;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.Stmt;
import org.ebm4j.processor.ir.Value;

/**
 * Rebuilds a function statement by statement into a new one; a pass overrides what it changes.
 * Ids are renumbered; {@link #map} takes an old id to its new one.
 */
abstract class Rewriter {
  protected final EnergyFunction f;
  protected final Builder b = new Builder();
  private final Map<Integer, Integer> ids = new HashMap<>();

  Rewriter(EnergyFunction f) {
    this.f = f;
  }

  EnergyFunction rewrite() {
    block(f.body());
    Block body = b.close();
    return f.hasResult()
        ? new EnergyFunction(b.values(), body, map(f.result()), f.variables())
        : f.derive(b.values(), body);
  }

  protected int map(int old) {
    Integer id = ids.get(old);
    if (id == null) {
      throw new IllegalStateException("%" + old + " is used out of scope");
    }
    return id;
  }

  protected void alias(int old, int now) {
    ids.put(old, now);
  }

  protected List<Integer> map(List<Integer> old) {
    List<Integer> out = new ArrayList<>(old.size());
    old.forEach(id -> out.add(map(id)));
    return out;
  }

  protected void block(Block block) {
    for (Stmt s : block.stmts()) {
      statement(s);
    }
  }

  protected void statement(Stmt s) {
    if (s instanceof Stmt.Let let) {
      let(let.value());
    } else if (s instanceof Stmt.Accumulate acc) {
      accumulate(acc);
    } else if (s instanceof Stmt.Loop loop) {
      loop(loop);
    } else if (s instanceof Stmt.If branch) {
      branch(branch);
    }
  }

  /** Defines v (default: a copy with mapped operands). */
  protected void let(Value v) {
    alias(v.id(), b.copy(v, map(v.args())));
  }

  protected void accumulate(Stmt.Accumulate acc) {
    b.add(new Stmt.Accumulate(map(acc.slot()), acc.subtract(), map(acc.value()), acc.indices()));
  }

  protected void loop(Stmt.Loop loop) {
    List<Integer> slots = slots(loop.slots());
    b.open();
    block(loop.body());
    b.add(new Stmt.Loop(loop.loop(), loop.indexName(), loop.start(), loop.end(), b.close(), slots, loop.origin()));
  }

  protected void branch(Stmt.If branch) {
    List<Integer> slots = slots(branch.slots());
    Cond cond = cond(branch.cond());
    b.open();
    block(branch.then());
    Block then = b.close();
    b.open();
    block(branch.otherwise());
    b.add(new Stmt.If(cond, then, b.close(), slots));
  }

  protected List<Integer> slots(List<Integer> slots) {
    List<Integer> out = new ArrayList<>();
    for (int slot : slots) {
      int id = b.label(b.accumulator(map(f.value(slot).arg(0))), f.value(slot).label());
      alias(slot, id);
      out.add(id);
    }
    return out;
  }

  protected Cond cond(Cond c) {
    return c instanceof Cond.NonZero nz ? new Cond.NonZero(map(nz.value())) : c;
  }
}
