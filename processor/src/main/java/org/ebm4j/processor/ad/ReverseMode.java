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
  /** Values the sweep must compute: what the backward rules read, or the result, and their inputs. */
  private final boolean[] needed;

  private ReverseMode(Sweep s, EnergyFunction f, boolean backward) {
    this.s = s;
    this.f = f;
    this.needed = needed(backward);
  }

  private boolean[] needed(boolean backward) {
    boolean[] need = new boolean[f.values().size()];
    java.util.ArrayDeque<Integer> work = new java.util.ArrayDeque<>();
    if (backward) {
      for (Value v : f.values()) {
        if (s.active(v.id()) && v.op() != Op.ACC) {
          work.addAll(Primitive.of(v.op()).reads(s, v));
        }
      }
    } else {
      work.add(f.result());
    }
    java.util.Map<Integer, List<Integer>> added = org.ebm4j.processor.analysis.ActivityAnalysis.accumulations(f);
    while (!work.isEmpty()) {
      int id = work.pop();
      if (need[id]) {
        continue;
      }
      need[id] = true;
      work.addAll(f.value(id).args());
      work.addAll(added.getOrDefault(id, List.of()));
    }
    return need;
  }

  /** Whether the block (or a region in it) adds into one of the live accumulators. */
  private static boolean addsInto(Block block, Set<Integer> live) {
    for (Stmt stmt : block.stmts()) {
      if (stmt instanceof Stmt.Accumulate acc && live.contains(acc.slot())) {
        return true;
      }
      if (stmt instanceof Stmt.Loop loop && addsInto(loop.body(), live)) {
        return true;
      }
      if (stmt instanceof Stmt.If branch && (addsInto(branch.then(), live) || addsInto(branch.otherwise(), live))) {
        return true;
      }
    }
    return false;
  }

  private boolean anyNeeded(List<Integer> slots) {
    return slots.stream().anyMatch(slot -> needed[slot]);
  }

  /** Emits the forward sweep of the whole body; values stay in scope for {@link #backward}. */
  public static void forward(Sweep s, EnergyFunction f) {
    new ReverseMode(s, f, s.active(f.result())).forward(f.body(), new HashSet<>());
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
    new ReverseMode(s, f, true).backward(f.body(), seed);
  }

  /**
   * Emits a block's needed values. {@code live} holds the accumulators defined in this sweep: when
   * an iteration is replayed in the reverse sweep, its additions into outer accumulators were
   * already counted, and regions whose accumulators nothing needs are skipped.
   */
  private void forward(Block block, Set<Integer> live) {
    for (Stmt stmt : block.stmts()) {
      if (stmt instanceof Stmt.Let let) {
        if (needed[let.value().id()]) {
          Primitive.of(let.value().op()).forward(s, let.value());
        }
      } else if (stmt instanceof Stmt.Accumulate acc) {
        // Only accumulators defined in this sweep: a recomputed iteration must not add again.
        if (live.contains(acc.slot())) {
          s.code().addStatement("$L $L= $L", s.scalar(acc.slot()), acc.subtract() ? "-" : "+", s.scalar(acc.value()));
        }
      } else if (stmt instanceof Stmt.Loop loop) {
        if (!anyNeeded(loop.slots()) && !addsInto(loop.body(), live)) {
          continue;
        }
        slots(loop.slots(), live);
        openLoop(loop);
        forward(loop.body(), live);
        s.code().endControlFlow();
      } else if (stmt instanceof Stmt.If branch) {
        if (!anyNeeded(branch.slots()) && !addsInto(branch.then(), live) && !addsInto(branch.otherwise(), live)) {
          continue;
        }
        slots(branch.slots(), live);
        s.code().beginControlFlow("if ($L)", branch.cond().render(names()));
        forward(branch.then(), live);
        if (!branch.otherwise().stmts().isEmpty()) {
          s.code().nextControlFlow("else");
          forward(branch.otherwise(), live);
        }
        s.code().endControlFlow();
      }
    }
  }

  private void slots(List<Integer> slots, Set<Integer> live) {
    for (int slot : slots) {
      if (!needed[slot]) {
        continue;
      }
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
          forward(loop.body(), new HashSet<>());
          backward(loop.body(), null);
          s.code().endControlFlow();
        }
        propagateSlots(loop.slots());
      } else if (stmt instanceof Stmt.If branch) {
        if (needsReverse(branch.then()) || needsReverse(branch.otherwise())) {
          s.code().beginControlFlow("if ($L)", branch.cond().render(names()));
          forward(branch.then(), new HashSet<>());
          backward(branch.then(), null);
          if (!branch.otherwise().stmts().isEmpty()) {
            s.code().nextControlFlow("else");
            forward(branch.otherwise(), new HashSet<>());
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
