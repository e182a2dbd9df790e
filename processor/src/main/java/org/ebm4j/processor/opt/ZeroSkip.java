package org.ebm4j.processor.opt;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ebm4j.processor.ir.Block;
import org.ebm4j.processor.ir.Cond;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Stmt;
import org.ebm4j.processor.ir.Value;

/**
 * A loop whose every addition to the outside is a multiple of one entry of the state that is not
 * differentiated, read before the loop (x_i in Σ_j w_ij x_i x_j), adds nothing when that entry is
 * 0: the loop is guarded by {@code if (x_i != 0)}. For a binary variable the entry is then exactly
 * 1 inside, which the simplifier folds away. With binary units half the rows of a pairwise sum
 * vanish: the selection only a compiler that sees the product can make.
 */
final class ZeroSkip extends Rewriter {
  private final Set<String> differentiated = new HashSet<>();

  ZeroSkip(EnergyFunction f) {
    super(f);
    for (Value v : f.values()) {
      if (v.op() == Op.OUT) {
        differentiated.add(v.name());
      }
    }
  }

  static EnergyFunction run(EnergyFunction f) {
    return f.hasResult() ? f : new ZeroSkip(f).rewrite();
  }

  @Override
  protected void loop(Stmt.Loop loop) {
    Value factor = factor(loop);
    if (factor == null) {
      super.loop(loop);
      return;
    }
    int guard = map(factor.id());
    b.open();
    boolean binary = f.binaryVariables().contains(f.value(factor.arg(0)).name());
    if (binary) {
      alias(factor.id(), b.constant(1));
    }
    super.loop(loop);
    if (binary) {
      alias(factor.id(), guard);
    }
    Block then = b.close();
    b.add(new Stmt.If(new Cond.NonZero(guard), then, new Block(List.of()), List.of()));
  }

  /** The entry every outside addition of the loop is proportional to, or null. */
  private Value factor(Stmt.Loop loop) {
    Set<Integer> inside = new HashSet<>();
    List<Stmt.Accumulate> outward = new ArrayList<>();
    if (!collect(loop.body(), inside, outward) || outward.isEmpty()) {
      return null;
    }
    // Additions into buffers the loop declares itself stay inside it.
    outward.removeIf(acc -> inside.contains(f.bufferOf(acc.slot())));
    if (outward.isEmpty()) {
      return null;
    }
    for (int candidate : factors(outward.get(0).value(), inside)) {
      Value e = f.value(candidate);
      if (e.op() == Op.ELEMENT && f.value(e.arg(0)).op() == Op.VAR && !differentiated.contains(f.value(e.arg(0)).name())
          && !inside.contains(candidate)
          && outward.stream().allMatch(acc -> factors(acc.value(), inside).contains(candidate))) {
        return e;
      }
    }
    return null;
  }

  /** Values a term is a multiple of: itself, and the factors of products, negations and numerators. */
  private Set<Integer> factors(int id, Set<Integer> inside) {
    Set<Integer> out = new HashSet<>();
    out.add(id);
    Value v = f.value(id);
    switch (v.op()) {
      case MUL -> {
        out.addAll(factors(v.arg(0), inside));
        out.addAll(factors(v.arg(1), inside));
      }
      case NEG, DIV -> out.addAll(factors(v.arg(0), inside));
      default -> {}
    }
    return out;
  }

  /** Collects what a block defines and its additions; false if it holds an if (kept simple). */
  private static boolean collect(Block block, Set<Integer> inside, List<Stmt.Accumulate> adds) {
    for (Stmt s : block.stmts()) {
      if (s instanceof Stmt.Let let) {
        inside.add(let.value().id());
      } else if (s instanceof Stmt.Accumulate acc) {
        adds.add(acc);
      } else if (s instanceof Stmt.Loop inner) {
        inside.addAll(inner.slots());
        if (!collect(inner.body(), inside, adds)) {
          return false;
        }
      } else if (s instanceof Stmt.If) {
        return false;
      }
    }
    return true;
  }
}
