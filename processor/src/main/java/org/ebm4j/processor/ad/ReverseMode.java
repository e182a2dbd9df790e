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
  /** Loop-invariant element reads emitted before their loop: value id → local. */
  private final java.util.Map<Integer, String> hoisted = new java.util.HashMap<>();

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
          String outside = hoisted.get(let.value().id());
          if (outside != null) {
            s.code().addStatement("double $L = $L", s.scalar(let.value().id()), outside);
          } else {
            Primitive.of(let.value().op()).forward(s, let.value());
          }
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
        List<Integer> lifted = hoist(loop);
        openLoop(loop);
        forward(loop.body(), live);
        s.code().endControlFlow();
        lifted.forEach(hoisted::remove);
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
          List<Integer> lifted = hoist(loop);
          Value guard = zeroGuard(loop);
          List<Integer> ones = new ArrayList<>();
          if (guard != null) {
            s.code().beginControlFlow("if ($L != 0.0)", hoisted.getOrDefault(guard.id(), Primitive.elementExpression(s, guard)));
            if (f.binaryVariables().contains(f.value(guard.arg(0)).name())) {
              // A binary unit that is not 0 is exactly 1: the JIT folds the multiplications by it.
              for (Stmt inner : loop.body().stmts()) {
                if (inner instanceof Stmt.Let let && sameElement(let.value(), guard)) {
                  ones.add(let.value().id());
                }
              }
            }
          }
          ones.forEach(id -> hoisted.put(id, "1.0"));
          openLoop(loop);
          forward(loop.body(), new HashSet<>());
          backward(loop.body(), null);
          s.code().endControlFlow();
          if (guard != null) {
            s.code().endControlFlow();
          }
          ones.forEach(hoisted::remove);
          lifted.forEach(hoisted::remove);
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

  /**
   * A factor every term of the loop is multiplied by, read from the state outside what is
   * differentiated and the same in every iteration, such as x_i in Σ_j w_ij x_i x_j: when it is 0
   * the whole loop adds nothing to any adjoint, so its replay is skipped. With binary units half the
   * rows of a pairwise sum vanish: the selection only a compiler that sees the product can make.
   */
  private Value zeroGuard(Stmt.Loop loop) {
    List<Stmt.Accumulate> terms = new ArrayList<>();
    if (!collectTerms(loop.body(), terms) || terms.isEmpty()) {
      return null;
    }
    for (Stmt stmt : loop.body().stmts()) {
      if (stmt instanceof Stmt.Let let && isInvariantStateElement(let.value(), loop.loop())
          && terms.stream().allMatch(t -> proportional(t.value(), let.value()))) {
        return let.value();
      }
    }
    return null;
  }

  /** The accumulations of a block and its regions; false if it holds an if (kept simple). */
  private static boolean collectTerms(Block block, List<Stmt.Accumulate> out) {
    for (Stmt stmt : block.stmts()) {
      if (stmt instanceof Stmt.Accumulate acc) {
        out.add(acc);
      } else if (stmt instanceof Stmt.Loop inner) {
        if (!collectTerms(inner.body(), out)) {
          return false;
        }
      } else if (stmt instanceof Stmt.If) {
        return false;
      }
    }
    return true;
  }

  private boolean isInvariantStateElement(Value v, int loop) {
    return v.op() == Op.ELEMENT && f.value(v.arg(0)).op() == Op.VAR && !s.active(v.id())
        && v.indices().stream().noneMatch(e -> mentions(e, loop));
  }

  private static boolean mentions(org.ebm4j.processor.ir.IntExpr e, int loop) {
    if (e instanceof org.ebm4j.processor.ir.IntExpr.Index i) {
      return i.loop() == loop;
    }
    if (e instanceof org.ebm4j.processor.ir.IntExpr.Binary b) {
      return mentions(b.left(), loop) || mentions(b.right(), loop);
    }
    if (e instanceof org.ebm4j.processor.ir.IntExpr.Negate n) {
      return mentions(n.operand(), loop);
    }
    return false;
  }

  /** Whether {@code term} is {@code factor} times something: a product (or negation) containing it. */
  private boolean proportional(int term, Value factor) {
    Value t = f.value(term);
    if (t.id() == factor.id() || sameElement(t, factor)) {
      return true;
    }
    if (t.op() == Op.MUL) {
      return proportional(t.arg(0), factor) || proportional(t.arg(1), factor);
    }
    if (t.op() == Op.NEG) {
      return proportional(t.arg(0), factor);
    }
    return false;
  }

  /** Two reads of the same element (the frontend re-reads x[i] in each region that uses it). */
  private static boolean sameElement(Value a, Value b) {
    return a.op() == Op.ELEMENT && b.op() == Op.ELEMENT && a.args().equals(b.args()) && a.indices().equals(b.indices());
  }

  /**
   * Reads the loop's invariant elements of the state and the parameters (indices free of the loop's
   * own index) into locals before it. Inside, every store goes to an array the JIT cannot tell
   * apart from the one read, so it would reload them on each iteration and not vectorize.
   */
  private List<Integer> hoist(Stmt.Loop loop) {
    List<Integer> lifted = new ArrayList<>();
    for (Stmt stmt : loop.body().stmts()) {
      if (stmt instanceof Stmt.Let let && needed[let.value().id()] && !hoisted.containsKey(let.value().id())) {
        Value v = let.value();
        Op source = v.op() == Op.ELEMENT ? f.value(v.arg(0)).op() : null;
        if ((source == Op.VAR || source == Op.PARAM) && v.indices().stream().noneMatch(e -> mentions(e, loop.loop()))) {
          String name = s.fresh("inv");
          s.code().addStatement("double $L = $L", name, Primitive.elementExpression(s, v));
          hoisted.put(v.id(), name);
          lifted.add(v.id());
        }
      }
    }
    return lifted;
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
