package org.ebm4j.processor.ir;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a function of the IR on numbers: the reference semantics the transformations and passes
 * are tested against (a pass must not change what a program computes; a derivative rule must
 * agree with its transpose). Slow and simple on purpose: every tensor is its own array.
 */
public final class Interpreter {
  private final EnergyFunction f;
  private final Map<String, Integer> dims;
  private final Map<String, double[]> inputs;
  private final Map<String, double[]> outputs;
  private final Map<Integer, Integer> indices = new HashMap<>();
  /** Value id → (array, offset): scalars are arrays of one entry. */
  private final double[][] data;
  private final int[] offsets;

  /**
   * @param inputs PARAM and VAR arrays by name (flat, row-major), and ARG values as arrays of one
   * @param outputs OUT buffers by name, added into
   */
  public Interpreter(EnergyFunction f, Map<String, Integer> dims, Map<String, double[]> inputs, Map<String, double[]> outputs) {
    this.f = f;
    this.dims = dims;
    this.inputs = inputs;
    this.outputs = outputs;
    this.data = new double[f.values().size()][];
    this.offsets = new int[f.values().size()];
  }

  /** Runs the body; returns the result (NaN for a derived program). */
  public double run() {
    run(f.body());
    return f.hasResult() ? scalar(f.result()) : Double.NaN;
  }

  /** A value's entries after {@link #run} (the last iteration's, for values inside regions). */
  public double[] value(int id) {
    int n = size(f.value(id).shape());
    double[] out = new double[n];
    System.arraycopy(data[id], offsets[id], out, 0, n);
    return out;
  }

  private void run(Block block) {
    for (Stmt s : block.stmts()) {
      if (s instanceof Stmt.Let let) {
        let(let.value());
      } else if (s instanceof Stmt.Accumulate acc) {
        accumulate(acc);
      } else if (s instanceof Stmt.Loop loop) {
        slots(loop.slots());
        int end = eval(loop.end());
        for (int i = eval(loop.start()); i < end; i++) {
          indices.put(loop.loop(), i);
          run(loop.body());
        }
      } else if (s instanceof Stmt.If branch) {
        slots(branch.slots());
        run(test(branch.cond()) ? branch.then() : branch.otherwise());
      }
    }
  }

  private void slots(List<Integer> slots) {
    for (int slot : slots) {
      set(slot, new double[] {scalar(f.value(slot).arg(0))});
    }
  }

  private void accumulate(Stmt.Accumulate acc) {
    double sign = acc.subtract() ? -1 : 1;
    Value target = f.value(acc.slot());
    double[] buffer = data[acc.slot()];
    int at = offsets[acc.slot()];
    Shape vs = f.value(acc.value()).shape();
    if (!acc.indices().isEmpty()) {
      buffer[at + flat(target.shape(), acc.indices())] += sign * scalar(acc.value());
      return;
    }
    int n = size(target.shape());
    for (int k = 0; k < n; k++) {
      buffer[at + k] += sign * (vs.isScalar() ? scalar(acc.value()) : entry(acc.value(), k));
    }
  }

  private void let(Value v) {
    switch (v.op()) {
      case PARAM, VAR -> set(v.id(), require(inputs, v.name()));
      case ARG -> set(v.id(), require(inputs, v.name()));
      case OUT -> set(v.id(), require(outputs, v.name()));
      case ADJOINT -> set(v.id(), new double[size(v.shape())]);
      case CONST -> set(v.id(), new double[] {v.number()});
      case INT -> set(v.id(), new double[] {eval(v.intValue())});
      case ACC -> throw new IllegalStateException("ACC is defined by its region");
      case ELEMENT -> set(v.id(), new double[] {entry(v.arg(0), flat(f.value(v.arg(0)).shape(), v.indices()))});
      case ROW -> {
        int cols = dims.get(f.value(v.arg(0)).shape().dim(1));
        data[v.id()] = data[v.arg(0)];
        offsets[v.id()] = offsets[v.arg(0)] + eval(v.indices().get(0)) * cols;
      }
      default -> set(v.id(), compute(v));
    }
  }

  private double[] compute(Value v) {
    int n = size(v.shape());
    double[] out = new double[n];
    if (v.op().kind() == Op.Kind.ELEMENTWISE) {
      for (int k = 0; k < n; k++) {
        double a = broadcast(v.arg(0), k);
        double b = v.args().size() > 1 ? broadcast(v.arg(1), k) : 0;
        out[k] = v.op().eval(a, b, v.number());
      }
      return out;
    }
    switch (v.op()) {
      case DOT -> out[0] = dot(v.arg(0), 0, 1, v.arg(1), 0, 1, len(v.arg(0)));
      case SUM -> {
        for (int k = 0; k < len(v.arg(0)); k++) {
          out[0] += entry(v.arg(0), k);
        }
      }
      case SUM_SQUARES -> out[0] = dot(v.arg(0), 0, 1, v.arg(0), 0, 1, len(v.arg(0)));
      case LOG_SUM_EXP -> {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < len(v.arg(0)); k++) {
          max = Math.max(max, entry(v.arg(0), k));
        }
        double s = 0;
        for (int k = 0; k < len(v.arg(0)); k++) {
          s += Math.exp(entry(v.arg(0), k) - max);
        }
        out[0] = max + Math.log(s);
      }
      case MATVEC -> {
        int m = rows(v.arg(0));
        int c = cols(v.arg(0));
        for (int i = 0; i < m; i++) {
          out[i] = dot(v.arg(0), i * c, 1, v.arg(1), 0, 1, c);
        }
      }
      case VECMAT -> {
        int m = rows(v.arg(1));
        int c = cols(v.arg(1));
        for (int j = 0; j < c; j++) {
          out[j] = dot(v.arg(0), 0, 1, v.arg(1), j, c, m);
        }
      }
      case BILINEAR -> {
        int m = rows(v.arg(1));
        int c = cols(v.arg(1));
        for (int i = 0; i < m; i++) {
          out[0] += entry(v.arg(0), i) * dot(v.arg(1), i * c, 1, v.arg(2), 0, 1, c);
        }
      }
      case OUTER -> {
        int m = len(v.arg(0));
        int c = len(v.arg(1));
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < c; j++) {
            out[i * c + j] = entry(v.arg(0), i) * entry(v.arg(1), j);
          }
        }
      }
      case TRANSPOSE -> {
        int m = rows(v.arg(0));
        int c = cols(v.arg(0));
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < c; j++) {
            out[j * m + i] = entry(v.arg(0), i * c + j);
          }
        }
      }
      case ROW_DOTS -> {
        int m = rows(v.arg(0));
        int c = cols(v.arg(0));
        for (int i = 0; i < m; i++) {
          out[i] = dot(v.arg(0), i * c, 1, v.arg(1), i * c, 1, c);
        }
      }
      case DIAGONAL -> {
        int m = rows(v.arg(0));
        for (int i = 0; i < m; i++) {
          out[i] = entry(v.arg(0), i * m + i);
        }
      }
      case DIAG_EMBED -> {
        int m = len(v.arg(0));
        for (int i = 0; i < m; i++) {
          out[i * m + i] = entry(v.arg(0), i);
        }
      }
      case ROW_SCALE -> {
        int m = rows(v.arg(1));
        int c = cols(v.arg(1));
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < c; j++) {
            out[i * c + j] = entry(v.arg(0), i) * entry(v.arg(1), i * c + j);
          }
        }
      }
      default -> throw new IllegalStateException("no semantics for " + v.op());
    }
    return out;
  }

  private double dot(int a, int ao, int as, int b, int bo, int bs, int n) {
    double s = 0;
    for (int k = 0; k < n; k++) {
      s += entry(a, ao + k * as) * entry(b, bo + k * bs);
    }
    return s;
  }

  private boolean test(Cond c) {
    if (c instanceof Cond.Compare cmp) {
      int l = eval(cmp.left());
      int r = eval(cmp.right());
      return switch (cmp.op()) {
        case "==" -> l == r;
        case "!=" -> l != r;
        case "<" -> l < r;
        case "<=" -> l <= r;
        case ">" -> l > r;
        default -> l >= r;
      };
    }
    if (c instanceof Cond.Logical l) {
      return l.and() ? test(l.left()) && test(l.right()) : test(l.left()) || test(l.right());
    }
    if (c instanceof Cond.Not n) {
      return !test(n.operand());
    }
    return scalar(((Cond.NonZero) c).value()) != 0;
  }

  int eval(IntExpr e) {
    if (e instanceof IntExpr.Const c) {
      return c.value();
    }
    if (e instanceof IntExpr.Dim d) {
      return dims.get(d.name());
    }
    if (e instanceof IntExpr.Index i) {
      return indices.get(i.loop());
    }
    if (e instanceof IntExpr.Negate n) {
      return -eval(n.operand());
    }
    IntExpr.Binary b = (IntExpr.Binary) e;
    int l = eval(b.left());
    int r = eval(b.right());
    return switch (b.op()) {
      case '+' -> l + r;
      case '-' -> l - r;
      case '*' -> l * r;
      case '/' -> l / r;
      default -> l % r;
    };
  }

  private int flat(Shape shape, List<IntExpr> idx) {
    int i = java.util.Objects.checkIndex(eval(idx.get(0)), dims.get(shape.dim(0)));
    if (shape.isVector()) {
      return i;
    }
    return i * dims.get(shape.dim(1)) + java.util.Objects.checkIndex(eval(idx.get(1)), dims.get(shape.dim(1)));
  }

  private double broadcast(int id, int k) {
    return f.value(id).shape().isScalar() ? scalar(id) : entry(id, k);
  }

  private double entry(int id, int k) {
    return data[id][offsets[id] + k];
  }

  private double scalar(int id) {
    return data[id][offsets[id]];
  }

  private int len(int id) {
    return dims.get(f.value(id).shape().dim(0));
  }

  private int rows(int id) {
    return dims.get(f.value(id).shape().dim(0));
  }

  private int cols(int id) {
    return dims.get(f.value(id).shape().dim(1));
  }

  private int size(Shape s) {
    int n = 1;
    for (String d : s.dims()) {
      n *= dims.get(d);
    }
    return n;
  }

  private void set(int id, double[] array) {
    data[id] = array;
    offsets[id] = 0;
  }

  private static double[] require(Map<String, double[]> map, String name) {
    double[] a = map.get(name);
    if (a == null) {
      throw new IllegalArgumentException("no array for '" + name + "'");
    }
    return a;
  }
}
