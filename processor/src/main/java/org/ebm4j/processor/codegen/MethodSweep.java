package org.ebm4j.processor.codegen;

import com.palantir.javapoet.CodeBlock;
import java.util.HashMap;
import java.util.Map;
import org.ebm4j.processor.ir.Block;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.IntExpr;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Stmt;
import org.ebm4j.processor.ir.Value;

/**
 * How IR values are spelled inside one generated method: parameters are views of {@code params}
 * (adjoints of {@code grad}), variables views of {@code x} (adjoints of {@code gx}), scalar values
 * locals {@code t7} (adjoints {@code g7}), vector values scratch fields of the same names.
 */
final class MethodSweep implements Sweep {
  private final EnergyFunction f;
  private final boolean[] active;
  private final Map<Integer, Stmt.Loop> loops = new HashMap<>();
  private final CodeBlock.Builder code = CodeBlock.builder();
  private int fresh;

  /** @param active which values have adjoints; null for a forward-only method */
  MethodSweep(EnergyFunction f, boolean[] active) {
    this.f = f;
    this.active = active;
    collectLoops(f.body());
  }

  private void collectLoops(Block block) {
    for (Stmt stmt : block.stmts()) {
      if (stmt instanceof Stmt.Loop loop) {
        loops.put(loop.loop(), loop);
        collectLoops(loop.body());
      } else if (stmt instanceof Stmt.If branch) {
        collectLoops(branch.then());
        collectLoops(branch.otherwise());
      }
    }
  }

  static String dimField(String dim) {
    return "dim_" + dim;
  }

  static String paramOffset(String name) {
    return "param_" + name;
  }

  static String stateOffset(String name) {
    return "state_" + name;
  }

  @Override
  public Value value(int id) {
    return f.value(id);
  }

  @Override
  public boolean active(int id) {
    return active != null && active[id];
  }

  @Override
  public String scalar(int id) {
    Value v = f.value(id);
    return switch (v.op()) {
      case PARAM -> "params[" + paramOffset(v.name()) + "]";
      case VAR -> "x[" + stateOffset(v.name()) + "]";
      default -> "t" + id;
    };
  }

  @Override
  public String array(int id) {
    Value v = f.value(id);
    return switch (v.op()) {
      case PARAM -> "params";
      case VAR -> "x";
      case ROW -> array(v.arg(0));
      default -> "t" + id;
    };
  }

  @Override
  public String offset(int id) {
    return offset(id, false);
  }

  private String offset(int id, boolean adjoint) {
    Value v = f.value(id);
    return switch (v.op()) {
      case PARAM -> paramOffset(v.name());
      case VAR -> stateOffset(v.name());
      case ROW -> {
        Value matrix = f.value(v.arg(0));
        String row = index(v.indices().get(0), matrix.shape().dim(0));
        yield "(" + offset(v.arg(0), adjoint) + " + " + row + " * " + size(matrix.shape().dim(1)) + ")";
      }
      default -> "0";
    };
  }

  @Override
  public String adjoint(int id) {
    Value v = f.value(id);
    return switch (v.op()) {
      case PARAM -> "grad[" + paramOffset(v.name()) + "]";
      case VAR -> "gx[" + stateOffset(v.name()) + "]";
      default -> "g" + id;
    };
  }

  @Override
  public String adjointArray(int id) {
    Value v = f.value(id);
    return switch (v.op()) {
      case PARAM -> "grad";
      case VAR -> "gx";
      case ROW -> adjointArray(v.arg(0));
      default -> "g" + id;
    };
  }

  @Override
  public String adjointOffset(int id) {
    return offset(id, true);
  }

  @Override
  public String size(String dim) {
    return dimField(dim);
  }

  @Override
  public String index(IntExpr e, String dim) {
    String text = e.render(names());
    if (dim == null || inRange(e, dim)) {
      return text;
    }
    return "java.util.Objects.checkIndex(" + text + ", " + size(dim) + ")";
  }

  private IntExpr.Names names() {
    return new IntExpr.Names() {
      @Override
      public String dimension(String dim) {
        return size(dim);
      }

      @Override
      public String index(int loop) {
        return loops.get(loop).indexName() + "_" + loop;
      }
    };
  }

  /** Proves 0 ≤ e &lt; |dim| for the common case: a loop index running up to |dim| from ≥ 0. */
  private boolean inRange(IntExpr e, String dim) {
    if (!(e instanceof IntExpr.Index index)) {
      return false;
    }
    Stmt.Loop loop = loops.get(index.loop());
    IntExpr end = loop.end();
    boolean bounded =
        end.equals(new IntExpr.Dim(dim))
            || (end instanceof IntExpr.Binary b
                && b.op() == '-'
                && b.left().equals(new IntExpr.Dim(dim))
                && nonNegative(b.right()));
    return bounded && nonNegative(loop.start());
  }

  private boolean nonNegative(IntExpr e) {
    if (e instanceof IntExpr.Const c) {
      return c.value() >= 0;
    }
    if (e instanceof IntExpr.Dim) {
      return true;
    }
    if (e instanceof IntExpr.Index index) {
      return nonNegative(loops.get(index.loop()).start());
    }
    if (e instanceof IntExpr.Binary b && (b.op() == '+' || b.op() == '*')) {
      return nonNegative(b.left()) && nonNegative(b.right());
    }
    return false;
  }

  @Override
  public String fresh(String prefix) {
    return prefix + fresh++;
  }

  @Override
  public CodeBlock.Builder code() {
    return code;
  }

  /** Whether a value lives in a scratch field (a vector that is not a view). */
  static boolean isScratchVector(Value v) {
    return v.shape().isVector() && v.op() != Op.PARAM && v.op() != Op.VAR && v.op() != Op.ROW;
  }
}
