package org.ebm4j.processor.analysis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.ebm4j.processor.ir.Block;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Stmt;
import org.ebm4j.processor.ir.Value;

/**
 * Which values depend on the inputs being differentiated (the parameters, or some variables).
 * Values that do not get no adjoint at all: the reverse sweep skips them.
 */
public final class ActivityAnalysis {
  private ActivityAnalysis() {}

  /**
   * Marks every value that depends on a leaf accepted by {@code seed}.
   *
   * <p>Assumes a verified function. Guarantees {@code active[id]} for every value id, including
   * accumulators and buffers (adjoints, outputs), which are active when their start value or
   * anything added into them (or into a row view of them) is.
   */
  public static boolean[] analyze(EnergyFunction f, Predicate<Value> seed) {
    boolean[] active = new boolean[f.values().size()];
    Map<Integer, List<Integer>> added = accumulations(f);
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Value v : f.values()) {
        boolean a = seed.test(v) || v.args().stream().anyMatch(arg -> active[arg]);
        if (v.op() == Op.ACC || v.op() == Op.ADJOINT || v.op() == Op.OUT) {
          a |= added.getOrDefault(v.id(), List.of()).stream().anyMatch(x -> active[x]);
        }
        if (a && !active[v.id()]) {
          active[v.id()] = true;
          changed = true;
        }
      }
    }
    return active;
  }

  /** For each accumulator or buffer, the values added into it (or a row view of it) anywhere. */
  public static Map<Integer, List<Integer>> accumulations(EnergyFunction f) {
    Map<Integer, List<Integer>> out = new HashMap<>();
    collect(f, f.body(), out);
    return out;
  }

  private static void collect(EnergyFunction f, Block block, Map<Integer, List<Integer>> out) {
    for (Stmt s : block.stmts()) {
      if (s instanceof Stmt.Accumulate a) {
        out.computeIfAbsent(f.bufferOf(a.slot()), k -> new ArrayList<>()).add(a.value());
      } else if (s instanceof Stmt.Loop loop) {
        collect(f, loop.body(), out);
      } else if (s instanceof Stmt.If branch) {
        collect(f, branch.then(), out);
        collect(f, branch.otherwise(), out);
      }
    }
  }
}
