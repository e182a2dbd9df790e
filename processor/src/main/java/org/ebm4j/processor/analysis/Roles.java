package org.ebm4j.processor.analysis;

import java.util.ArrayList;
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
 * Parameters proven to enter log p̃ = −E only through one term of its top-level sum: a coupling
 * c · aᵀ W b between two variables, or a bias c · θᵀ a of one. Their gradients are then the
 * sufficient statistics c · a bᵀ and c · a, which centering, and any method that reasons about
 * exponential-family parameters, needs without probing the model.
 *
 * @param couplings {@code param, left variable, right variable, coefficient}
 * @param biases {@code param, variable, coefficient}
 */
public record Roles(List<Coupling> couplings, List<Bias> biases) {
  /** A coupling; {@code term} is the IR value of its term in the energy's top-level sum. */
  public record Coupling(String param, String left, String right, double coefficient, int term) {}

  public record Bias(String param, String variable, double coefficient) {}

  public Roles {
    couplings = List.copyOf(couplings);
    biases = List.copyOf(biases);
  }

  public boolean isEmpty() {
    return couplings.isEmpty() && biases.isEmpty();
  }

  /** The roles in {@code f}: its result split into signed terms through +, −, negation and constant factors. */
  public static Roles of(EnergyFunction f) {
    int[] uses = new int[f.values().size()];
    count(f, f.body(), uses);
    List<Coupling> couplings = new ArrayList<>();
    List<Bias> biases = new ArrayList<>();
    Map<Integer, Double> terms = new HashMap<>();
    // log p̃ = −E
    terms(f, f.result(), -1, uses, terms, true);
    for (Map.Entry<Integer, Double> t : terms.entrySet()) {
      Value v = f.value(t.getKey());
      double c = t.getValue();
      // The term must be used by the sum alone (the result by nothing).
      if (uses[v.id()] != (v.id() == f.result() ? 0 : 1)) {
        continue;
      }
      if (v.op() == Op.BILINEAR && is(f, v.arg(0), Op.VAR) && is(f, v.arg(1), Op.PARAM) && is(f, v.arg(2), Op.VAR) && uses[v.arg(1)] == 1) {
        couplings.add(new Coupling(f.value(v.arg(1)).name(), f.value(v.arg(0)).name(), f.value(v.arg(2)).name(), c, v.id()));
      } else if (v.op() == Op.DOT && coupling(f, v, uses) != null) {
        Coupling found = coupling(f, v, uses);
        couplings.add(new Coupling(found.param(), found.left(), found.right(), c, v.id()));
      } else if (v.op() == Op.DOT) {
        for (int i = 0; i < 2; i++) {
          if (is(f, v.arg(i), Op.PARAM) && is(f, v.arg(1 - i), Op.VAR) && uses[v.arg(i)] == 1) {
            biases.add(new Bias(f.value(v.arg(i)).name(), f.value(v.arg(1 - i)).name(), c));
          }
        }
      }
    }
    couplings.sort(java.util.Comparator.comparing(Coupling::param));
    biases.sort(java.util.Comparator.comparing(Bias::param));
    return new Roles(couplings, biases);
  }

  /**
   * aᵀWb written as {@code dot(a, matvec(W, b))} or {@code dot(vecmat(a, W), b)} (either order),
   * W a parameter used there alone: the coupling (coefficient 1), else null.
   */
  private static Coupling coupling(EnergyFunction f, Value dot, int[] uses) {
    for (int i = 0; i < 2; i++) {
      Value inner = f.value(dot.arg(i));
      int other = dot.arg(1 - i);
      if (!is(f, other, Op.VAR) || uses[inner.id()] != 1) {
        continue;
      }
      if (inner.op() == Op.MATVEC && is(f, inner.arg(0), Op.PARAM) && is(f, inner.arg(1), Op.VAR) && uses[inner.arg(0)] == 1) {
        return new Coupling(f.value(inner.arg(0)).name(), f.value(other).name(), f.value(inner.arg(1)).name(), 1, dot.id());
      }
      if (inner.op() == Op.VECMAT && is(f, inner.arg(0), Op.VAR) && is(f, inner.arg(1), Op.PARAM) && uses[inner.arg(1)] == 1) {
        return new Coupling(f.value(inner.arg(1)).name(), f.value(inner.arg(0)).name(), f.value(other).name(), 1, dot.id());
      }
    }
    return null;
  }

  /** Splits value {@code id} into terms with coefficients; a shared value is a term of its own. */
  private static void terms(EnergyFunction f, int id, double coefficient, int[] uses, Map<Integer, Double> out, boolean root) {
    Value v = f.value(id);
    boolean splittable = root || uses[id] == 1;
    if (splittable && v.shape().isScalar()) {
      switch (v.op()) {
        case ADD -> {
          terms(f, v.arg(0), coefficient, uses, out, false);
          terms(f, v.arg(1), coefficient, uses, out, false);
          return;
        }
        case SUB -> {
          terms(f, v.arg(0), coefficient, uses, out, false);
          terms(f, v.arg(1), -coefficient, uses, out, false);
          return;
        }
        case NEG -> {
          terms(f, v.arg(0), -coefficient, uses, out, false);
          return;
        }
        case MUL -> {
          for (int i = 0; i < 2; i++) {
            Double factor = constant(f.value(v.arg(i)));
            if (factor != null) {
              terms(f, v.arg(1 - i), coefficient * factor, uses, out, false);
              return;
            }
          }
        }
        default -> {}
      }
    }
    out.merge(id, coefficient, Double::sum);
  }

  /** A literal: a double constant or an integer one (2 in {@code 2 * bilinear(...)}). */
  private static Double constant(Value v) {
    if (v.op() == Op.CONST) {
      return v.number();
    }
    if (v.op() == Op.INT && v.intValue() instanceof org.ebm4j.processor.ir.IntExpr.Const c) {
      return (double) c.value();
    }
    return null;
  }

  private static boolean is(EnergyFunction f, int id, Op op) {
    return f.value(id).op() == op;
  }

  private static void count(EnergyFunction f, Block block, int[] uses) {
    for (Stmt s : block.stmts()) {
      if (s instanceof Stmt.Let let) {
        let.value().args().forEach(a -> uses[a]++);
      } else if (s instanceof Stmt.Accumulate acc) {
        uses[acc.value()]++;
        uses[acc.slot()]++;
      } else if (s instanceof Stmt.Loop loop) {
        loop.slots().forEach(slot -> uses[f.value(slot).arg(0)]++);
        count(f, loop.body(), uses);
      } else if (s instanceof Stmt.If branch) {
        branch.slots().forEach(slot -> uses[f.value(slot).arg(0)]++);
        if (branch.cond() instanceof Cond.NonZero nz) {
          uses[nz.value()]++;
        }
        count(f, branch.then(), uses);
        count(f, branch.otherwise(), uses);
      }
    }
  }
}
