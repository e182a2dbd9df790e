package org.ebm4j.processor.ir;

import java.util.HashSet;
import java.util.Set;

/**
 * Checks the IR's invariants: every operand is defined before use and in scope, arities match,
 * accumulations target ACC values of an enclosing region or (in derived programs) buffers, and no
 * buffer is added into after it has been read. Run after every transformation and pass.
 */
public final class IrVerifier {
  private IrVerifier() {}

  /** Throws {@link IllegalStateException} naming the first broken invariant. */
  public static void verify(EnergyFunction f) {
    Set<Integer> defined = new HashSet<>();
    new IrVerifier.Reads(f).check(f.body());
    verify(f, f.body(), defined, new HashSet<>());
    if (!f.hasResult()) {
      return;
    }
    if (!defined.contains(f.result())) {
      throw new IllegalStateException("result %" + f.result() + " is not defined at top level");
    }
    if (!f.value(f.result()).shape().isScalar()) {
      throw new IllegalStateException("result %" + f.result() + " is not a scalar");
    }
  }

  private static void verify(EnergyFunction f, Block block, Set<Integer> defined, Set<Integer> slots) {
    Set<Integer> scope = new HashSet<>(defined);
    for (Stmt stmt : block.stmts()) {
      if (stmt instanceof Stmt.Let let) {
        Value v = let.value();
        if (f.value(v.id()) != v) {
          throw new IllegalStateException("value %" + v.id() + " is not at its index");
        }
        if (v.args().size() != v.op().arity()) {
          throw new IllegalStateException(IrPrinter.line(v) + ": wrong arity");
        }
        for (int a : v.args()) {
          if (!scope.contains(a)) {
            throw new IllegalStateException(IrPrinter.line(v) + ": %" + a + " used before definition");
          }
        }
        scope.add(v.id());
      } else if (stmt instanceof Stmt.Accumulate acc) {
        if (f.isBuffer(acc.slot())) {
          if (!scope.contains(acc.slot())) {
            throw new IllegalStateException("accumulation into %" + acc.slot() + " before its definition");
          }
        } else if (!slots.contains(acc.slot())) {
          throw new IllegalStateException("accumulation into %" + acc.slot() + " outside its region");
        }
        if (!scope.contains(acc.value())) {
          throw new IllegalStateException("accumulation of undefined %" + acc.value());
        }
      } else if (stmt instanceof Stmt.Loop loop) {
        scope.addAll(region(f, loop.slots(), scope));
        Set<Integer> inner = new HashSet<>(slots);
        inner.addAll(loop.slots());
        verify(f, loop.body(), scope, inner);
      } else if (stmt instanceof Stmt.If branch) {
        scope.addAll(region(f, branch.slots(), scope));
        Set<Integer> inner = new HashSet<>(slots);
        inner.addAll(branch.slots());
        verify(f, branch.then(), scope, inner);
        verify(f, branch.otherwise(), scope, inner);
      }
    }
    defined.addAll(scope);
  }

  /** Checks, in program order, that no ADJOINT is added into after a read of it. */
  private static final class Reads {
    private final EnergyFunction f;
    private final Set<Integer> read = new HashSet<>();

    Reads(EnergyFunction f) {
      this.f = f;
    }

    void check(Block block) {
      for (Stmt stmt : block.stmts()) {
        if (stmt instanceof Stmt.Let let) {
          if (let.value().op() != Op.ROW) {
            for (int a : let.value().args()) {
              if (f.value(a).op() == Op.ADJOINT) {
                read.add(a);
              }
            }
          }
        } else if (stmt instanceof Stmt.Accumulate acc) {
          if (f.value(acc.value()).op() == Op.ADJOINT) {
            read.add(acc.value());
          }
          int buffer = f.bufferOf(acc.slot());
          if (f.value(buffer).op() == Op.ADJOINT && read.contains(buffer)) {
            throw new IllegalStateException("adjoint %" + buffer + " is added into after it was read");
          }
        } else if (stmt instanceof Stmt.Loop loop) {
          check(loop.body());
        } else if (stmt instanceof Stmt.If branch) {
          check(branch.then());
          check(branch.otherwise());
        }
      }
    }
  }

  private static Set<Integer> region(EnergyFunction f, Iterable<Integer> slots, Set<Integer> scope) {
    Set<Integer> out = new HashSet<>();
    for (int slot : slots) {
      Value acc = f.value(slot);
      if (acc.op() != Op.ACC || !scope.contains(acc.arg(0))) {
        throw new IllegalStateException("slot %" + slot + " is not an ACC of a defined value");
      }
      out.add(slot);
    }
    return out;
  }
}
