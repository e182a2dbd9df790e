package org.ebm4j.processor.ad;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.ebm4j.processor.analysis.ActivityAnalysis;
import org.ebm4j.processor.ir.Block;
import org.ebm4j.processor.ir.Builder;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.IntExpr;
import org.ebm4j.processor.ir.IrVerifier;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Stmt;
import org.ebm4j.processor.ir.Value;

/**
 * Reverse-mode differentiation as a transformation of the IR: from an energy, a program (same IR)
 * that adds seed · ∂E/∂leaf into one {@link Op#OUT} buffer per differentiated leaf, named as the
 * leaf. Each op's contribution to its operands' adjoints comes from its rule in {@link Op}, written
 * with IR ops, so the result can be printed, verified, optimised and differentiated again.
 *
 * <p>No tape: the program first computes the energy's body, then walks it backwards. A region
 * (loop or if) only adds into accumulators it never reads, so the adjoint of each term it adds is
 * the accumulator's adjoint: the backward walk replays the region, recomputing an iteration's
 * values and then propagating that iteration's adjoints, with nothing stored per iteration.
 * Values nothing needs are left for the dead-code pass to remove.
 */
public final class ReverseMode {
  private final EnergyFunction f;
  private final boolean[] active;
  private final Builder b = new Builder();
  /** Adjoint buffers that received a contribution (by primal id, scoped by the maps' nesting). */
  private final Set<Integer> contributed = new HashSet<>();

  private ReverseMode(EnergyFunction f, Predicate<Value> wrt) {
    this.f = f;
    this.active = ActivityAnalysis.analyze(f, wrt);
  }

  /**
   * The program {@code OUT[leaf] += seed · ∂E/∂leaf} for every leaf {@code wrt} accepts.
   *
   * @param seed builds the scalar the result's adjoint starts from (e.g. {@code −weight})
   */
  public static EnergyFunction gradient(EnergyFunction f, Predicate<Value> wrt, Function<Builder, Integer> seed) {
    EnergyFunction g = new ReverseMode(f, wrt).run(wrt, seed, false);
    IrVerifier.verify(g);
    return g;
  }

  /**
   * The same program that also keeps {@code f}'s value as its result, for programs built on top of
   * both (the free energy reads E and ∂E/∂h).
   */
  public static EnergyFunction gradientKeepingResult(EnergyFunction f, Predicate<Value> wrt, Function<Builder, Integer> seed) {
    EnergyFunction g = new ReverseMode(f, wrt).run(wrt, seed, true);
    IrVerifier.verify(g);
    return g;
  }

  private EnergyFunction run(Predicate<Value> wrt, Function<Builder, Integer> seed, boolean keepResult) {
    Map<Integer, Integer> copy = new HashMap<>();
    Map<Integer, Integer> adj = new HashMap<>();
    // Output buffers first, so every contribution, at any depth, is in their scope.
    for (Value v : f.values()) {
      if ((v.op() == Op.PARAM || v.op() == Op.VAR) && wrt.test(v)) {
        adj.put(v.id(), b.leaf(Op.OUT, v.name(), v.shape()));
      }
    }
    forward(f.body(), copy, null);
    if (active[f.result()]) {
      buffers(f.body(), copy, adj);
      contribute(f.result(), seed.apply(b), adj, List.of());
      reverse(f.body(), copy, adj);
    }
    return keepResult
        ? new EnergyFunction(b.values(), b.close(), copy.get(f.result()), f.variables())
        : f.derive(b.values(), b.close());
  }

  /**
   * Copies a block's statements. {@code live} holds the accumulators whose additions are copied:
   * all (null) in the forward pass; in a replayed iteration only those of regions nested in it,
   * since its additions into outer accumulators were counted when they were computed.
   */
  private void forward(Block block, Map<Integer, Integer> copy, Set<Integer> live) {
    for (Stmt s : block.stmts()) {
      if (s instanceof Stmt.Let let) {
        Value v = let.value();
        copy.put(v.id(), b.copy(v, map(v.args(), copy)));
        if (live != null && v.op() == Op.ADJOINT) {
          // A buffer of the replayed iteration itself: its additions are part of the iteration.
          live.add(v.id());
        }
      } else if (s instanceof Stmt.Accumulate acc) {
        if (live == null || live.contains(f.bufferOf(acc.slot()))) {
          b.add(new Stmt.Accumulate(copy.get(acc.slot()), acc.subtract(), copy.get(acc.value()), acc.indices()));
        }
      } else if (s instanceof Stmt.Loop loop) {
        List<Integer> slots = slots(loop.slots(), copy, live);
        b.open();
        forward(loop.body(), new HashMap<>(copy), live);
        b.add(new Stmt.Loop(loop.loop(), loop.indexName(), loop.start(), loop.end(), b.close(), slots, loop.origin()));
      } else if (s instanceof Stmt.If branch) {
        List<Integer> slots = slots(branch.slots(), copy, live);
        b.open();
        forward(branch.then(), new HashMap<>(copy), live);
        Block then = b.close();
        b.open();
        forward(branch.otherwise(), new HashMap<>(copy), live);
        b.add(new Stmt.If(branch.cond(), then, b.close(), slots));
      }
    }
  }

  private List<Integer> slots(List<Integer> slots, Map<Integer, Integer> copy, Set<Integer> live) {
    List<Integer> out = new ArrayList<>();
    for (int slot : slots) {
      int id = b.label(b.accumulator(copy.get(f.value(slot).arg(0))), f.value(slot).label());
      copy.put(slot, id);
      out.add(id);
      if (live != null) {
        live.add(slot);
      }
    }
    return out;
  }

  /** Zeroed adjoint buffers for the active values a block defines (row views for rows). */
  private void buffers(Block block, Map<Integer, Integer> copy, Map<Integer, Integer> adj) {
    for (Stmt s : block.stmts()) {
      List<Value> defined = new ArrayList<>();
      if (s instanceof Stmt.Let let) {
        defined.add(let.value());
      } else if (s instanceof Stmt.Loop loop) {
        loop.slots().forEach(slot -> defined.add(f.value(slot)));
      } else if (s instanceof Stmt.If branch) {
        branch.slots().forEach(slot -> defined.add(f.value(slot)));
      }
      for (Value v : defined) {
        // Buffers of a derived program (ADJOINT) are values like accumulators: added into, then read.
        if (!active[v.id()] || v.op().kind() == Op.Kind.LEAF && v.op() != Op.ACC && v.op() != Op.ADJOINT) {
          continue;
        }
        if (v.op() == Op.ROW) {
          Integer matrix = adj.get(v.arg(0));
          if (matrix != null) {
            adj.put(v.id(), b.indexed(Op.ROW, matrix, v.indices()));
          }
        } else {
          int buffer = b.leaf(Op.ADJOINT, null, v.shape());
          adj.put(v.id(), v.label() == null ? buffer : b.label(buffer, "d" + v.label()));
        }
      }
    }
  }

  private void reverse(Block block, Map<Integer, Integer> copy, Map<Integer, Integer> adj) {
    List<Stmt> stmts = new ArrayList<>(block.stmts());
    java.util.Collections.reverse(stmts);
    for (Stmt s : stmts) {
      if (s instanceof Stmt.Let let) {
        Value v = let.value();
        if (active[v.id()] && contributed.contains(v.id()) && v.op().kind() != Op.Kind.LEAF) {
          propagate(v, copy, adj);
        }
      } else if (s instanceof Stmt.Accumulate acc) {
        // slot = start + Σ terms: each term's adjoint is the slot's (negated for -=), at the
        // entry it was added to.
        if (active[acc.value()] && received(acc.slot())) {
          int g = adj.get(acc.slot());
          if (!acc.indices().isEmpty()) {
            g = b.element(g, acc.indices());
          }
          contribute(acc.value(), acc.subtract() ? b.neg(g) : g, adj, List.of());
        }
      } else if (s instanceof Stmt.Loop loop) {
        if (needsReverse(loop.body())) {
          b.open();
          Map<Integer, Integer> inner = new HashMap<>(copy);
          Map<Integer, Integer> innerAdj = new HashMap<>(adj);
          forward(loop.body(), inner, new HashSet<>());
          buffers(loop.body(), inner, innerAdj);
          reverse(loop.body(), inner, innerAdj);
          b.add(new Stmt.Loop(loop.loop(), loop.indexName(), loop.start(), loop.end(), b.close(), List.of(), loop.origin()));
        }
        propagateSlots(loop.slots(), adj);
      } else if (s instanceof Stmt.If branch) {
        if (needsReverse(branch.then()) || needsReverse(branch.otherwise())) {
          Block then = replay(branch.then(), copy, adj);
          Block otherwise = replay(branch.otherwise(), copy, adj);
          b.add(new Stmt.If(branch.cond(), then, otherwise, List.of()));
        }
        propagateSlots(branch.slots(), adj);
      }
    }
  }

  private Block replay(Block block, Map<Integer, Integer> copy, Map<Integer, Integer> adj) {
    b.open();
    Map<Integer, Integer> inner = new HashMap<>(copy);
    Map<Integer, Integer> innerAdj = new HashMap<>(adj);
    forward(block, inner, new HashSet<>());
    buffers(block, inner, innerAdj);
    reverse(block, inner, innerAdj);
    return b.close();
  }

  /** Adds v's adjoint, through its op's rule, into its active operands' adjoints. */
  private void propagate(Value v, Map<Integer, Integer> copy, Map<Integer, Integer> adj) {
    int ybar = adj.get(v.id());
    Value nv = b.value(copy.get(v.id()));
    switch (v.op().kind()) {
      case ELEMENTWISE -> {
        for (int i = 0; i < v.args().size(); i++) {
          int operand = v.arg(i);
          if (!active[operand]) {
            continue;
          }
          int term = b.mul(ybar, v.op().partial(b, nv, i));
          if (f.value(operand).shape().isScalar() && !v.shape().isScalar()) {
            // A broadcast operand's adjoint is the sum over the entries it was spread to.
            term = b.let(Op.SUM, List.of(term));
          }
          contribute(operand, term, adj, List.of());
        }
      }
      case TENSOR -> {
        if (v.op() == Op.ELEMENT) {
          if (active[v.arg(0)]) {
            contribute(v.arg(0), ybar, adj, v.indices());
          }
        } else if (v.op() != Op.ROW) {
          // A row's adjoint is a view of its matrix's: nothing to propagate.
          for (int i = 0; i < v.args().size(); i++) {
            int contribution = active[v.arg(i)] ? v.op().contribution(b, nv, i, ybar) : -1;
            if (contribution >= 0) {
              contribute(v.arg(i), contribution, adj, List.of());
            }
          }
        }
      }
      default -> throw new IllegalStateException("no adjoint rule for " + v.op());
    }
  }

  private void contribute(int primal, int value, Map<Integer, Integer> adj, List<IntExpr> indices) {
    Integer buffer = adj.get(primal);
    if (buffer == null) {
      throw new IllegalStateException("no adjoint buffer for %" + primal + " (" + f.value(primal).op() + ")");
    }
    b.accumulate(buffer, value, indices);
    contributed.add(primal);
    Value v = f.value(primal);
    if (v.op() == Op.ROW) {
      contributed.add(v.arg(0));
    }
  }

  /** The accumulator's start value receives the accumulator's adjoint unchanged. */
  private void propagateSlots(List<Integer> slots, Map<Integer, Integer> adj) {
    for (int slot : slots) {
      int start = f.value(slot).arg(0);
      if (contributed.contains(slot) && active[start]) {
        contribute(start, adj.get(slot), adj, List.of());
      }
    }
  }

  /** Whether a slot's adjoint (or, for a row view, its buffer's) received a contribution. */
  private boolean received(int slot) {
    return contributed.contains(slot) || contributed.contains(f.bufferOf(slot));
  }

  /** Whether anything the block adds into an accumulator depends on what is differentiated. */
  private boolean needsReverse(Block block) {
    for (Stmt stmt : block.stmts()) {
      if (stmt instanceof Stmt.Accumulate acc && active[acc.value()] && received(acc.slot())) {
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

  private static List<Integer> map(List<Integer> ids, Map<Integer, Integer> copy) {
    List<Integer> out = new ArrayList<>(ids.size());
    for (int id : ids) {
      Integer c = copy.get(id);
      if (c == null) {
        throw new IllegalStateException("%" + id + " is not in scope");
      }
      out.add(c);
    }
    return out;
  }
}
