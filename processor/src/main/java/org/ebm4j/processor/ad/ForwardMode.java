package org.ebm4j.processor.ad;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ebm4j.processor.ir.Block;
import org.ebm4j.processor.ir.Builder;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.IrVerifier;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Shape;
import org.ebm4j.processor.ir.Stmt;
import org.ebm4j.processor.ir.Value;

/**
 * Forward-mode differentiation (a Jacobian–vector product) as a transformation of the IR: every
 * value gets a tangent computed by its op's rule in {@link Op}, next to it; buffers get tangent
 * buffers, additions add tangents. It applies to any program, derived ones included: forward over
 * a gradient in x gives Hessian–vector products H·ẋ, forward over it in θ gives ∂θ∇ₓE·θ̇, which
 * score matching needs.
 */
public final class ForwardMode {
  private final EnergyFunction f;
  private final Map<String, String> directions;
  private final String suffix;
  private final boolean keepOutputs;
  private final Builder b = new Builder();
  private final Map<Integer, Integer> copy = new HashMap<>();
  /** Primal id → tangent id; absent where the tangent is zero. */
  private final Map<Integer, Integer> dot = new HashMap<>();
  /**
   * Values that depend on a moving leaf. Others get no tangent at all: a zero tangent spelled out
   * would multiply primal values (0 · ∞ is NaN) and cost a kernel call per term.
   */
  private final boolean[] active;

  private ForwardMode(EnergyFunction f, Map<String, String> directions, String suffix, boolean keepOutputs) {
    this.f = f;
    this.active = org.ebm4j.processor.analysis.ActivityAnalysis.analyze(
        f, v -> (v.op() == Op.PARAM || v.op() == Op.VAR) && directions.containsKey(v.name()));
    this.directions = directions;
    this.suffix = suffix;
    this.keepOutputs = keepOutputs;
  }

  /**
   * The program that also adds the tangent of each output buffer {@code o} into an output {@code
   * o + suffix} (and, for an energy, its tangent into an output named {@code suffix}).
   *
   * @param directions for each leaf (parameter or variable) that moves, the name of the input (a
   *     VAR leaf of the same shape) holding its direction
   * @param keepOutputs whether the program still writes its original outputs
   */
  public static EnergyFunction jvp(EnergyFunction f, Map<String, String> directions, String suffix, boolean keepOutputs) {
    EnergyFunction g = new ForwardMode(f, directions, suffix, keepOutputs).run();
    IrVerifier.verify(g);
    return g;
  }

  private EnergyFunction run() {
    block(f.body());
    if (f.hasResult() && dot.containsKey(f.result())) {
      b.accumulate(b.leaf(Op.OUT, suffix, Shape.SCALAR), dot.get(f.result()));
    }
    return f.derive(b.values(), b.close());
  }

  private void block(Block block) {
    for (Stmt s : block.stmts()) {
      if (s instanceof Stmt.Let let) {
        let(let.value());
      } else if (s instanceof Stmt.Accumulate acc) {
        b.add(new Stmt.Accumulate(copy.get(acc.slot()), acc.subtract(), copy.get(acc.value()), acc.indices()));
        Integer t = dot.get(acc.value());
        if (t != null && dot.containsKey(acc.slot())) {
          b.add(new Stmt.Accumulate(dot.get(acc.slot()), acc.subtract(), t, acc.indices()));
        }
      } else if (s instanceof Stmt.Loop loop) {
        List<Integer> slots = slots(loop.slots());
        b.open();
        block(loop.body());
        b.add(new Stmt.Loop(loop.loop(), loop.indexName(), loop.start(), loop.end(), b.close(), slots, loop.origin()));
      } else if (s instanceof Stmt.If branch) {
        List<Integer> slots = slots(branch.slots());
        b.open();
        block(branch.then());
        Block then = b.close();
        b.open();
        block(branch.otherwise());
        b.add(new Stmt.If(mapCond(branch), then, b.close(), slots));
      }
    }
  }

  private org.ebm4j.processor.ir.Cond mapCond(Stmt.If branch) {
    return branch.cond() instanceof org.ebm4j.processor.ir.Cond.NonZero nz
        ? new org.ebm4j.processor.ir.Cond.NonZero(copy.get(nz.value()))
        : branch.cond();
  }

  /** Accumulators and their tangents (which start from the start value's tangent, or 0). */
  private List<Integer> slots(List<Integer> slots) {
    List<Integer> out = new ArrayList<>();
    for (int slot : slots) {
      int start = f.value(slot).arg(0);
      int id = b.label(b.accumulator(copy.get(start)), f.value(slot).label());
      copy.put(slot, id);
      out.add(id);
      if (!active[slot]) {
        continue;
      }
      int tangentStart = dot.containsKey(start) ? dot.get(start) : b.constant(0);
      int t = b.accumulator(tangentStart);
      dot.put(slot, t);
      out.add(t);
    }
    return out;
  }

  private void let(Value v) {
    List<Integer> args = new ArrayList<>();
    v.args().forEach(a -> args.add(copy.get(a)));
    switch (v.op()) {
      case OUT -> {
        copy.put(v.id(), keepOutputs ? b.copy(v, args) : b.leaf(Op.ADJOINT, null, v.shape()));
        dot.put(v.id(), b.leaf(Op.OUT, v.name() + suffix, v.shape()));
        return;
      }
      case ADJOINT -> {
        copy.put(v.id(), b.copy(v, args));
        if (active[v.id()]) {
          dot.put(v.id(), b.leaf(Op.ADJOINT, null, v.shape()));
        }
        return;
      }
      default -> copy.put(v.id(), b.copy(v, args));
    }
    if ((v.op() == Op.PARAM || v.op() == Op.VAR) && directions.containsKey(v.name())) {
      dot.put(v.id(), b.leaf(Op.VAR, directions.get(v.name()), v.shape()));
      return;
    }
    if (v.op().kind() == Op.Kind.LEAF) {
      return;
    }
    int t = tangent(b, b.value(copy.get(v.id())), v.args(), dot);
    if (t >= 0) {
      dot.put(v.id(), t);
    }
  }

  /**
   * The tangent of {@code value} (a value of {@code b}) by its op's rule, its operands' tangents
   * looked up by {@code operands} in {@code dot}; −1 where every one is zero.
   */
  static int tangent(Builder b, Value value, List<Integer> operands, Map<Integer, Integer> dot) {
    int[] dots = new int[operands.size()];
    boolean any = false;
    for (int i = 0; i < dots.length; i++) {
      Integer t = dot.get(operands.get(i));
      dots[i] = t == null ? -1 : t;
      any |= t != null;
    }
    return any ? value.op().tangent(b, value, dots) : -1;
  }
}
