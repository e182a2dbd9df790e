package org.ebm4j.processor.ad;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ebm4j.processor.ir.Block;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Stmt;
import org.ebm4j.processor.ir.Value;

/**
 * Reverse-mode differentiation of the structured IR, without a tape.
 *
 * <p>The forward sweep computes every top-level value and keeps it. The reverse sweep walks a
 * block's statements backwards applying each {@link Primitive}'s adjoint rule. A region (loop or
 * if) only adds into accumulators it never reads, so the adjoint of every term it adds is the
 * accumulator's adjoint: the reverse sweep runs the region again, recomputing each iteration's
 * values and then propagating that iteration's adjoints, with nothing stored per iteration.
 */
public final class ReverseMode {
  private final Sweep s;
  private final EnergyFunction f;

  private ReverseMode(Sweep s, EnergyFunction f) {
    this.s = s;
    this.f = f;
  }

  /** Emits the forward sweep of the whole body; values stay in scope for {@link #backward}. */
  public static void forward(Sweep s, EnergyFunction f) {
    new ReverseMode(s, f).forward(f.body(), new HashSet<>(), false);
  }

  /**
   * Emits the reverse sweep of the whole body after {@link #forward}: declares adjoints, runs
   * {@code seed} (which adds into the result's adjoint), then propagates to the active leaves.
   *
   * <p>Assumes the sweep's activity marks exactly the values that depend on what is differentiated.
   * Guarantees each active leaf's adjoint (a parameter's gradient entry, a state's) receives
   * {@code +=} the derivative of the result times its seed.
   */
  public static void backward(Sweep s, EnergyFunction f, Runnable seed) {
    new ReverseMode(s, f).backward(f.body(), seed);
  }

  /**
   * Emits a block's values. When {@code recompute}, the block is an iteration being replayed in the
   * reverse sweep: its additions into outer accumulators are already counted, and nested regions
   * without accumulators of their own are skipped, since they only add into outer ones.
   */
  private void forward(Block block, Set<Integer> live, boolean recompute) {
    for (Stmt stmt : block.stmts()) {
      if (stmt instanceof Stmt.Let let) {
        Primitive.of(let.value().op()).forward(s, let.value());
      } else if (stmt instanceof Stmt.Accumulate acc) {
        // Only accumulators defined in this sweep: a recomputed iteration must not add again.
        if (live.contains(acc.slot())) {
          s.code().addStatement("$L $L= $L", s.scalar(acc.slot()), acc.subtract() ? "-" : "+", s.scalar(acc.value()));
        }
      } else if (stmt instanceof Stmt.Loop loop) {
        if (recompute && loop.slots().isEmpty()) {
          continue;
        }
        slots(loop.slots(), live);
        openLoop(loop);
        forward(loop.body(), live, recompute);
        s.code().endControlFlow();
      } else if (stmt instanceof Stmt.If branch) {
        if (recompute && branch.slots().isEmpty()) {
          continue;
        }
        slots(branch.slots(), live);
        s.code().beginControlFlow("if ($L)", branch.cond().render(names()));
        forward(branch.then(), live, recompute);
        if (!branch.otherwise().stmts().isEmpty()) {
          s.code().nextControlFlow("else");
          forward(branch.otherwise(), live, recompute);
        }
        s.code().endControlFlow();
      }
    }
  }

  private void slots(List<Integer> slots, Set<Integer> live) {
    for (int slot : slots) {
      Primitive.of(Op.ACC).forward(s, f.value(slot));
      live.add(slot);
    }
  }

  private void openLoop(Stmt.Loop loop) {
    String i = names().index(loop.loop());
    s.code().beginControlFlow("for (int $L = $L; $L < $L; $L++)", i, loop.start().render(names()), i, loop.end().render(names()), i);
  }

  private org.ebm4j.processor.ir.IntExpr.Names names() {
    return new org.ebm4j.processor.ir.IntExpr.Names() {
      @Override
      public String dimension(String dim) {
        return s.size(dim);
      }

      @Override
      public String index(int loop) {
        return s.index(new org.ebm4j.processor.ir.IntExpr.Index(loop, loopName(loop)), null);
      }
    };
  }

  private String loopName(int loop) {
    return findLoop(f.body(), loop).indexName();
  }

  private static Stmt.Loop findLoop(Block block, int id) {
    for (Stmt stmt : block.stmts()) {
      if (stmt instanceof Stmt.Loop loop) {
        if (loop.loop() == id) {
          return loop;
        }
        Stmt.Loop inner = findLoop(loop.body(), id);
        if (inner != null) {
          return inner;
        }
      } else if (stmt instanceof Stmt.If branch) {
        Stmt.Loop inner = findLoop(branch.then(), id);
        if (inner == null) {
          inner = findLoop(branch.otherwise(), id);
        }
        if (inner != null) {
          return inner;
        }
      }
    }
    return null;
  }

  private void backward(Block block, Runnable seed) {
    declareAdjoints(block);
    if (seed != null) {
      seed.run();
    }
    List<Stmt> stmts = new ArrayList<>(block.stmts());
    java.util.Collections.reverse(stmts);
    for (Stmt stmt : stmts) {
      if (stmt instanceof Stmt.Let let) {
        if (s.active(let.value().id())) {
          Primitive.of(let.value().op()).backward(s, let.value());
        }
      } else if (stmt instanceof Stmt.Accumulate acc) {
        // slot = start + Σ terms: each term's adjoint is the slot's (negated for -=).
        if (s.active(acc.value())) {
          s.code().addStatement("$L $L= $L", s.adjoint(acc.value()), acc.subtract() ? "-" : "+", s.adjoint(acc.slot()));
        }
      } else if (stmt instanceof Stmt.Loop loop) {
        if (needsReverse(loop.body())) {
          openLoop(loop);
          forward(loop.body(), new HashSet<>(), true);
          backward(loop.body(), null);
          s.code().endControlFlow();
        }
        propagateSlots(loop.slots());
      } else if (stmt instanceof Stmt.If branch) {
        if (needsReverse(branch.then()) || needsReverse(branch.otherwise())) {
          s.code().beginControlFlow("if ($L)", branch.cond().render(names()));
          forward(branch.then(), new HashSet<>(), true);
          backward(branch.then(), null);
          if (!branch.otherwise().stmts().isEmpty()) {
            s.code().nextControlFlow("else");
            forward(branch.otherwise(), new HashSet<>(), true);
            backward(branch.otherwise(), null);
          }
          s.code().endControlFlow();
        }
        propagateSlots(branch.slots());
      }
    }
  }

  /** The accumulator's start value receives the accumulator's adjoint unchanged. */
  private void propagateSlots(List<Integer> slots) {
    for (int slot : slots) {
      Value acc = f.value(slot);
      if (s.active(slot) && s.active(acc.arg(0))) {
        s.code().addStatement("$L += $L", s.adjoint(acc.arg(0)), s.adjoint(slot));
      }
    }
  }

  private void declareAdjoints(Block block) {
    for (Stmt stmt : block.stmts()) {
      List<Value> defined = new ArrayList<>();
      if (stmt instanceof Stmt.Let let) {
        defined.add(let.value());
      } else if (stmt instanceof Stmt.Loop loop) {
        loop.slots().forEach(slot -> defined.add(f.value(slot)));
      } else if (stmt instanceof Stmt.If branch) {
        branch.slots().forEach(slot -> defined.add(f.value(slot)));
      }
      for (Value v : defined) {
        if (!s.active(v.id()) || v.op() == Op.PARAM || v.op() == Op.VAR || v.op() == Op.ROW) {
          continue;
        }
        if (v.shape().isScalar()) {
          s.code().addStatement("double $L = 0.0", s.adjoint(v.id()));
        } else {
          s.code().addStatement("java.util.Arrays.fill($L, 0.0)", s.adjointArray(v.id()));
        }
      }
    }
  }

  /** Whether anything the block adds into an accumulator depends on what is differentiated. */
  private boolean needsReverse(Block block) {
    for (Stmt stmt : block.stmts()) {
      if (stmt instanceof Stmt.Accumulate acc && s.active(acc.value())) {
        return true;
      }
      if (stmt instanceof Stmt.Loop loop && needsReverse(loop.body())) {
        return true;
      }
      if (stmt instanceof Stmt.If branch && (needsReverse(branch.then()) || needsReverse(branch.otherwise()))) {
        return true;
      }
    }
    return false;
  }
}
