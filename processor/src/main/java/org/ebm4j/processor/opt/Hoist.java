package org.ebm4j.processor.opt;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ebm4j.processor.ir.Block;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.IntExpr;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Stmt;
import org.ebm4j.processor.ir.Value;

/**
 * Loop-invariant code motion: a value in a loop's body that depends on nothing the loop defines
 * and not on its index moves before the loop. Inside, every store goes to an array the JIT cannot
 * tell apart from the ones read, so it would reload invariant entries on each iteration. Buffers
 * stay (each iteration needs a fresh one), and entries are hoisted only at subscripts known to be
 * in range, so a moved read cannot fail where the loop would not have run.
 */
final class Hoist extends Rewriter {
  private int moved;

  Hoist(EnergyFunction f) {
    super(f);
  }

  /** Hoists until nothing moves (a value leaves one loop per round). */
  static EnergyFunction run(EnergyFunction f) {
    for (int round = 0; round < 8; round++) {
      Hoist h = new Hoist(f);
      f = h.rewrite();
      if (h.moved == 0) {
        break;
      }
    }
    return f;
  }

  @Override
  protected void loop(Stmt.Loop loop) {
    Set<Integer> inside = new HashSet<>();
    defined(loop.body(), inside);
    Set<Integer> hoisted = new HashSet<>();
    for (Stmt s : loop.body().stmts()) {
      if (s instanceof Stmt.Let let && invariant(let.value(), loop.loop(), inside, hoisted)) {
        hoisted.add(let.value().id());
        super.let(let.value());
        moved++;
      }
    }
    List<Integer> slots = slots(loop.slots());
    b.open();
    for (Stmt s : loop.body().stmts()) {
      if (!(s instanceof Stmt.Let let && hoisted.contains(let.value().id()))) {
        statement(s);
      }
    }
    b.add(new Stmt.Loop(loop.loop(), loop.indexName(), loop.start(), loop.end(), b.close(), slots, loop.origin()));
  }

  private boolean invariant(Value v, int loop, Set<Integer> inside, Set<Integer> hoisted) {
    if (v.op() == Op.ADJOINT || v.op() == Op.OUT || v.op() == Op.ARG) {
      return false;
    }
    for (int a : v.args()) {
      if (inside.contains(a) && !hoisted.contains(a)) {
        return false;
      }
    }
    if (v.op() == Op.INT && mentions(v.intValue(), loop)) {
      return false;
    }
    for (IntExpr e : v.indices()) {
      if (!(e instanceof IntExpr.Index i) || i.loop() == loop) {
        return false;
      }
    }
    return true;
  }

  private static void defined(Block block, Set<Integer> out) {
    for (Stmt s : block.stmts()) {
      if (s instanceof Stmt.Let let) {
        out.add(let.value().id());
      } else if (s instanceof Stmt.Loop loop) {
        out.addAll(loop.slots());
        defined(loop.body(), out);
      } else if (s instanceof Stmt.If branch) {
        out.addAll(branch.slots());
        defined(branch.then(), out);
        defined(branch.otherwise(), out);
      }
    }
  }

  static boolean mentions(IntExpr e, int loop) {
    if (e instanceof IntExpr.Index i) {
      return i.loop() == loop;
    }
    if (e instanceof IntExpr.Binary b) {
      return mentions(b.left(), loop) || mentions(b.right(), loop);
    }
    if (e instanceof IntExpr.Negate n) {
      return mentions(n.operand(), loop);
    }
    return false;
  }
}
