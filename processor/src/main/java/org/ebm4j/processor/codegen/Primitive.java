package org.ebm4j.processor.codegen;

import java.util.EnumMap;
import java.util.Map;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Shape;
import org.ebm4j.processor.ir.Value;

/**
 * The single table of IR ops: for each, how to emit its value (forward) and how to propagate its
 * adjoint to its operands (reverse mode). Shape rules live with {@link Op}. Families share
 * helpers: element-wise ops give f and f′ per element, and broadcasting of a scalar operand is
 * reduced back to the scalar by one helper.
 *
 * <p>Every backward rule adds into operand adjoints ({@code +=}) and only for operands that are
 * active in the sweep.
 */
public abstract class Primitive {

  /** Emits code computing {@code v} (its scalar local or its scratch array). */
  public abstract void forward(Sweep s, Value v);

  /** Emits code adding v's adjoint times ∂v/∂operand into each active operand's adjoint. */
  public abstract void backward(Sweep s, Value v);

  /**
   * The values {@link #backward} reads (besides adjoints): by default every operand, so a rule
   * that needs less says so and the forward sweep can skip what no rule reads.
   */
  public java.util.Set<Integer> reads(Sweep s, Value v) {
    return new java.util.HashSet<>(v.args());
  }

  private static final Map<Op, Primitive> TABLE = new EnumMap<>(Op.class);

  public static Primitive of(Op op) {
    Primitive p = TABLE.get(op);
    if (p == null) {
      throw new IllegalStateException("no primitive for " + op);
    }
    return p;
  }

  /** Element-wise functions: y = f(a), written per element, with f′ given by a and y. */
  interface Unary {
    String value(String a, double c);

    String derivative(String a, String y, double c);
  }

  /** Element-wise binary functions, with both partials given by a, b and y. */
  interface Binary {
    String value(String a, String b);

    String left(String a, String b, String y);

    String right(String a, String b, String y);
  }

  static {
    unary(Op.NEG, (a, c) -> "-(" + a + ")", (a, y, c) -> "-1.0");
    unary(Op.EXP, (a, c) -> "Math.exp(" + a + ")", (a, y, c) -> y);
    unary(Op.LOG, (a, c) -> "Math.log(" + a + ")", (a, y, c) -> "1.0 / " + a);
    unary(Op.LOG1P, (a, c) -> "Math.log1p(" + a + ")", (a, y, c) -> "1.0 / (1.0 + " + a + ")");
    unary(Op.SQRT, (a, c) -> "Math.sqrt(" + a + ")", (a, y, c) -> "0.5 / " + y);
    unary(Op.TANH, (a, c) -> "Math.tanh(" + a + ")", (a, y, c) -> "(1.0 - " + y + " * " + y + ")");
    unary(
        Op.POW,
        (a, c) -> c == 2 ? a + " * " + a : "Math.pow(" + a + ", " + c + ")",
        (a, y, c) -> c == 2 ? "2.0 * " + a : c + " * Math.pow(" + a + ", " + (c - 1) + ")");
    // d softplus(a) / da = sigmoid(a)
    unary(Op.SOFTPLUS, (a, c) -> "Kernels.softplus(" + a + ")", (a, y, c) -> "Kernels.sigmoid(" + a + ")");
    unary(Op.SIGMOID, (a, c) -> "Kernels.sigmoid(" + a + ")", (a, y, c) -> y + " * (1.0 - " + y + ")");
    unary(Op.SQUARE, (a, c) -> a + " * " + a, (a, y, c) -> "2.0 * " + a);
    unary(Op.LOG_SIGMOID, (a, c) -> "Kernels.logSigmoid(" + a + ")", (a, y, c) -> "Kernels.sigmoid(-(" + a + "))");

    binary(Op.ADD, (a, b) -> a + " + " + b, (a, b, y) -> "1.0", (a, b, y) -> "1.0");
    binary(Op.SUB, (a, b) -> a + " - " + b, (a, b, y) -> "1.0", (a, b, y) -> "-1.0");
    binary(Op.MUL, (a, b) -> a + " * " + b, (a, b, y) -> b, (a, b, y) -> a);
    // d(a/b)/db = -a/b² = -y/b
    binary(Op.DIV, (a, b) -> a + " / " + b, (a, b, y) -> "1.0 / " + b, (a, b, y) -> "-" + y + " / " + b);

    TABLE.put(Op.DOT, new Reduction() {
      @Override
      public java.util.Set<Integer> reads(Sweep s, Value v) {
        return readsOthers(s, v);
      }

      @Override
      String kernel(Sweep s, Value v) {
        return "Kernels.dot(" + view(s, v.arg(0)) + ", " + view(s, v.arg(1)) + ", " + length(s, v.arg(0)) + ")";
      }

      @Override
      public void backward(Sweep s, Value v) {
        // ∂(a·b)/∂a = b, ∂(a·b)/∂b = a
        for (int k = 0; k < 2; k++) {
          int operand = v.arg(k);
          if (s.active(operand)) {
            s.code().addStatement("Kernels.axpy($L, $L, $L, $L)", s.adjoint(v.id()), view(s, v.arg(1 - k)), adjointView(s, operand), length(s, operand));
          }
        }
      }
    });
    TABLE.put(Op.SUM, new Reduction() {
      @Override
      public java.util.Set<Integer> reads(Sweep s, Value v) {
        return new java.util.HashSet<>();
      }

      @Override
      String kernel(Sweep s, Value v) {
        return "Kernels.sum(" + view(s, v.arg(0)) + ", " + length(s, v.arg(0)) + ")";
      }

      @Override
      public void backward(Sweep s, Value v) {
        perElement(s, v.arg(0), k -> s.adjoint(v.id()));
      }
    });
    TABLE.put(Op.SUM_SQUARES, new Reduction() {
      @Override
      String kernel(Sweep s, Value v) {
        return "Kernels.sumSquares(" + view(s, v.arg(0)) + ", " + length(s, v.arg(0)) + ")";
      }

      @Override
      public void backward(Sweep s, Value v) {
        if (s.active(v.arg(0))) {
          s.code().addStatement("Kernels.axpy(2.0 * $L, $L, $L, $L)", s.adjoint(v.id()), view(s, v.arg(0)), adjointView(s, v.arg(0)), length(s, v.arg(0)));
        }
      }
    });
    TABLE.put(Op.LOG_SUM_EXP, new Reduction() {
      @Override
      public java.util.Set<Integer> reads(Sweep s, Value v) {
        return new java.util.HashSet<>(java.util.List.of(v.arg(0), v.id()));
      }

      @Override
      String kernel(Sweep s, Value v) {
        return "Kernels.logSumExp(" + view(s, v.arg(0)) + ", " + length(s, v.arg(0)) + ")";
      }

      @Override
      public void backward(Sweep s, Value v) {
        // ∂ logΣexp(a) / ∂a_k = exp(a_k − y), the softmax
        perElement(s, v.arg(0), k -> s.adjoint(v.id()) + " * Math.exp(" + element(s, v.arg(0), k) + " - " + s.scalar(v.id()) + ")");
      }
    });
    TABLE.put(Op.BILINEAR, new Reduction() {
      @Override
      public java.util.Set<Integer> reads(Sweep s, Value v) {
        return readsOthers(s, v);
      }

      @Override
      String kernel(Sweep s, Value v) {
        return "Kernels.bilinear(" + view(s, v.arg(0)) + ", " + view(s, v.arg(1)) + ", " + dims(s, v.arg(1)) + ", " + view(s, v.arg(2)) + ")";
      }

      @Override
      public void backward(Sweep s, Value v) {
        // y = vᵀWh: v̄ += ȳ W h, W̄ += ȳ v hᵀ, h̄ += ȳ Wᵀ v
        String g = s.adjoint(v.id());
        if (s.active(v.arg(0))) {
          s.code().addStatement("Kernels.matvecAdd($L, $L, $L, $L, $L)", g, view(s, v.arg(1)), dims(s, v.arg(1)), view(s, v.arg(2)), adjointView(s, v.arg(0)));
        }
        if (s.active(v.arg(1))) {
          s.code().addStatement("Kernels.outerAdd($L, $L, $L, $L, $L, $L)", g, view(s, v.arg(0)), length(s, v.arg(0)), view(s, v.arg(2)), length(s, v.arg(2)), adjointView(s, v.arg(1)));
        }
        if (s.active(v.arg(2))) {
          s.code().addStatement("Kernels.vecmatAdd($L, $L, $L, $L, $L)", g, view(s, v.arg(0)), view(s, v.arg(1)), dims(s, v.arg(1)), adjointView(s, v.arg(2)));
        }
      }
    });
    TABLE.put(Op.MATVEC, new Primitive() {
      @Override
      public java.util.Set<Integer> reads(Sweep s, Value v) {
        return readsOthers(s, v);
      }

      @Override
      public void forward(Sweep s, Value v) {
        s.code().addStatement("Kernels.matvec($L, $L, $L, $L)", view(s, v.arg(0)), dims(s, v.arg(0)), view(s, v.arg(1)), view(s, v.id()));
      }

      @Override
      public void backward(Sweep s, Value v) {
        // y = W x: W̄ += ȳ xᵀ, x̄ += Wᵀ ȳ
        if (s.active(v.arg(0))) {
          s.code().addStatement("Kernels.outerAdd(1.0, $L, $L, $L, $L, $L)", adjointView(s, v.id()), length(s, v.id()), view(s, v.arg(1)), length(s, v.arg(1)), adjointView(s, v.arg(0)));
        }
        if (s.active(v.arg(1))) {
          s.code().addStatement("Kernels.vecmatAdd(1.0, $L, $L, $L, $L)", adjointView(s, v.id()), view(s, v.arg(0)), dims(s, v.arg(0)), adjointView(s, v.arg(1)));
        }
      }
    });
    TABLE.put(Op.VECMAT, new Primitive() {
      @Override
      public java.util.Set<Integer> reads(Sweep s, Value v) {
        return readsOthers(s, v);
      }

      @Override
      public void forward(Sweep s, Value v) {
        s.code().addStatement("Kernels.vecmat($L, $L, $L, $L)", view(s, v.arg(0)), view(s, v.arg(1)), dims(s, v.arg(1)), view(s, v.id()));
      }

      @Override
      public void backward(Sweep s, Value v) {
        // y = xᵀ W: x̄ += W ȳ, W̄ += x ȳᵀ
        if (s.active(v.arg(0))) {
          s.code().addStatement("Kernels.matvecAdd(1.0, $L, $L, $L, $L)", view(s, v.arg(1)), dims(s, v.arg(1)), adjointView(s, v.id()), adjointView(s, v.arg(0)));
        }
        if (s.active(v.arg(1))) {
          s.code().addStatement("Kernels.outerAdd(1.0, $L, $L, $L, $L, $L)", view(s, v.arg(0)), length(s, v.arg(0)), adjointView(s, v.id()), length(s, v.id()), adjointView(s, v.arg(1)));
        }
      }
    });
    TABLE.put(Op.ELEMENT, new Primitive() {
      @Override
      public java.util.Set<Integer> reads(Sweep s, Value v) {
        return new java.util.HashSet<>();
      }

      @Override
      public void forward(Sweep s, Value v) {
        s.code().addStatement("double $L = $L[$L]", s.scalar(v.id()), s.array(v.arg(0)), flat(s, v, s.offset(v.arg(0))));
      }

      @Override
      public void backward(Sweep s, Value v) {
        if (s.active(v.arg(0))) {
          s.code().addStatement("$L[$L] += $L", s.adjointArray(v.arg(0)), flat(s, v, s.adjointOffset(v.arg(0))), s.adjoint(v.id()));
        }
      }
    });
    TABLE.put(Op.ROW, new Primitive() {
      @Override
      public void forward(Sweep s, Value v) {
        // A view: the row's offset is computed where it is used.
      }

      @Override
      public void backward(Sweep s, Value v) {
        // The row's adjoint is a view into the matrix's adjoint: nothing to propagate.
      }
    });
    Primitive leaf = new Primitive() {
      @Override
      public java.util.Set<Integer> reads(Sweep s, Value v) {
        return new java.util.HashSet<>();
      }

      @Override
      public void forward(Sweep s, Value v) {
        switch (v.op()) {
          case CONST -> s.code().addStatement("double $L = $L", s.scalar(v.id()), literal(v.number()));
          case INT -> s.code().addStatement("double $L = $L", s.scalar(v.id()), s.index(v.intValue(), null));
          case ACC -> s.code().addStatement("double $L = $L", s.scalar(v.id()), s.scalar(v.arg(0)));
          default -> {
            // PARAM and VAR are views of params and x.
          }
        }
      }

      @Override
      public void backward(Sweep s, Value v) {
        // Leaves: parameter and state adjoints are accumulated in place; an ACC's adjoint reaches
        // its start value after its region (see ReverseMode).
      }
    };
    for (Op op : new Op[] {Op.PARAM, Op.VAR, Op.CONST, Op.INT, Op.ACC}) {
      TABLE.put(op, leaf);
    }
    for (Op op : Op.values()) {
      // Ops that only derived programs hold are lowered by org.ebm4j.processor.lower.
      boolean derivedOnly = op == Op.ARG || op == Op.ADJOINT || op == Op.OUT || op == Op.OUTER;
      if (!derivedOnly && !TABLE.containsKey(op)) {
        throw new AssertionError("Primitive table misses " + op);
      }
    }
  }

  /** For multilinear ops: the partial in one operand reads every other operand. */
  static java.util.Set<Integer> readsOthers(Sweep s, Value v) {
    java.util.Set<Integer> out = new java.util.HashSet<>();
    for (int i = 0; i < v.args().size(); i++) {
      if (s.active(v.arg(i))) {
        for (int j = 0; j < v.args().size(); j++) {
          if (j != i) {
            out.add(v.arg(j));
          }
        }
      }
    }
    return out;
  }

  /** A double literal in Java syntax. */
  static String literal(double d) {
    return Double.toString(d);
  }

  /** Ops reducing to a scalar through a kernel call. */
  private abstract static class Reduction extends Primitive {
    abstract String kernel(Sweep s, Value v);

    @Override
    public void forward(Sweep s, Value v) {
      s.code().addStatement("double $L = $L", s.scalar(v.id()), kernel(s, v));
    }
  }

  static String view(Sweep s, int id) {
    return s.array(id) + ", " + s.offset(id);
  }

  static String adjointView(Sweep s, int id) {
    return s.adjointArray(id) + ", " + s.adjointOffset(id);
  }

  static String length(Sweep s, int id) {
    return s.size(s.value(id).shape().dim(0));
  }

  static String dims(Sweep s, int matrix) {
    Shape shape = s.value(matrix).shape();
    return s.size(shape.dim(0)) + ", " + s.size(shape.dim(1));
  }

  /** The Java expression reading an ELEMENT value, usable wherever its operand is in scope. */
  public static String elementExpression(Sweep s, Value v) {
    return s.array(v.arg(0)) + "[" + flat(s, v, s.offset(v.arg(0))) + "]";
  }

  /** The flat index of an ELEMENT, offset by {@code base}. */
  private static String flat(Sweep s, Value v, String base) {
    Shape shape = s.value(v.arg(0)).shape();
    String i = s.index(v.indices().get(0), shape.dim(0));
    if (shape.isVector()) {
      return base + " + " + i;
    }
    String j = s.index(v.indices().get(1), shape.dim(1));
    return base + " + " + i + " * " + s.size(shape.dim(1)) + " + " + j;
  }

  /** Element k of a scalar (itself) or a vector value. */
  static String element(Sweep s, int id, String k) {
    Value v = s.value(id);
    return v.shape().isScalar() ? s.scalar(id) : s.array(id) + "[" + s.offset(id) + " + " + k + "]";
  }

  /** Adds {@code term(k)} into each element of operand's adjoint (an active vector). */
  private static void perElement(Sweep s, int operand, java.util.function.Function<String, String> term) {
    if (!s.active(operand)) {
      return;
    }
    String k = s.fresh("k");
    s.code().beginControlFlow("for (int $L = 0; $L < $L; $L++)", k, k, length(s, operand), k);
    s.code().addStatement("$L[$L + $L] += $L", s.adjointArray(operand), s.adjointOffset(operand), k, term.apply(k));
    s.code().endControlFlow();
  }

  private static void unary(Op op, java.util.function.BiFunction<String, Double, String> f, Derivative df) {
    TABLE.put(op, new Elementwise() {
      @Override
      String value(Sweep s, Value v, String k) {
        return f.apply(element(s, v.arg(0), k), v.number());
      }

      @Override
      String partial(Sweep s, Value v, int operand, String k) {
        return df.apply(element(s, v.arg(0), k), element(s, v.id(), k), v.number());
      }
    });
  }

  private interface Derivative {
    String apply(String a, String y, double c);
  }

  private interface Partial {
    String apply(String a, String b, String y);
  }

  private static void binary(Op op, java.util.function.BinaryOperator<String> f, Partial left, Partial right) {
    TABLE.put(op, new Elementwise() {
      @Override
      String value(Sweep s, Value v, String k) {
        return f.apply(element(s, v.arg(0), k), element(s, v.arg(1), k));
      }

      @Override
      String partial(Sweep s, Value v, int operand, String k) {
        String a = "(" + element(s, v.arg(0), k) + ")";
        String b = "(" + element(s, v.arg(1), k) + ")";
        String y = element(s, v.id(), k);
        return (operand == 0 ? left : right).apply(a, b, y);
      }
    });
  }

  /** Element-wise ops over scalars or vectors, with scalar operands broadcast. */
  private abstract static class Elementwise extends Primitive {
    abstract String value(Sweep s, Value v, String k);

    abstract String partial(Sweep s, Value v, int operand, String k);

    /** What the partials of the active operands mention, found by spelling them with markers. */
    @Override
    public java.util.Set<Integer> reads(Sweep s, Value v) {
      java.util.Set<Integer> out = new java.util.HashSet<>();
      Sweep probe = new Probe(s);
      for (int i = 0; i < v.args().size(); i++) {
        if (!s.active(v.arg(i))) {
          continue;
        }
        String text = partial(probe, v, i, "k");
        for (int j = 0; j < v.args().size(); j++) {
          if (text.contains(Probe.mark(v.arg(j)))) {
            out.add(v.arg(j));
          }
        }
        if (text.contains(Probe.mark(v.id()))) {
          out.add(v.id());
        }
      }
      return out;
    }

    @Override
    public void forward(Sweep s, Value v) {
      if (v.shape().isScalar()) {
        s.code().addStatement("double $L = $L", s.scalar(v.id()), value(s, v, null));
        return;
      }
      String k = s.fresh("k");
      s.code().beginControlFlow("for (int $L = 0; $L < $L; $L++)", k, k, length(s, v.id()), k);
      s.code().addStatement("$L[$L + $L] = $L", s.array(v.id()), s.offset(v.id()), k, value(s, v, k));
      s.code().endControlFlow();
    }

    @Override
    public void backward(Sweep s, Value v) {
      if (v.shape().isScalar()) {
        for (int i = 0; i < v.args().size(); i++) {
          if (s.active(v.arg(i))) {
            s.code().addStatement("$L += $L * $L", s.adjoint(v.arg(i)), s.adjoint(v.id()), partial(s, v, i, null));
          }
        }
        return;
      }
      String k = s.fresh("k");
      s.code().beginControlFlow("for (int $L = 0; $L < $L; $L++)", k, k, length(s, v.id()), k);
      String g = s.adjointArray(v.id()) + "[" + s.adjointOffset(v.id()) + " + " + k + "]";
      for (int i = 0; i < v.args().size(); i++) {
        int operand = v.arg(i);
        if (!s.active(operand)) {
          continue;
        }
        String term = g + " * " + partial(s, v, i, k);
        if (s.value(operand).shape().isScalar()) {
          // Broadcast operand: its adjoint is the sum over the elements it was spread to.
          s.code().addStatement("$L += $L", s.adjoint(operand), term);
        } else {
          s.code().addStatement("$L[$L + $L] += $L", s.adjointArray(operand), s.adjointOffset(operand), k, term);
        }
      }
      s.code().endControlFlow();
    }
  }

  /** A sweep that spells every value as a unique marker, to see what an expression mentions. */
  private static final class Probe implements Sweep {
    private final Sweep base;

    Probe(Sweep base) {
      this.base = base;
    }

    static String mark(int id) {
      return "\u0001" + id + "\u0002";
    }

    @Override
    public Value value(int id) {
      return base.value(id);
    }

    @Override
    public boolean active(int id) {
      return base.active(id);
    }

    @Override
    public String scalar(int id) {
      return mark(id);
    }

    @Override
    public String array(int id) {
      return mark(id);
    }

    @Override
    public String offset(int id) {
      return "0";
    }

    @Override
    public String adjoint(int id) {
      return "g";
    }

    @Override
    public String adjointArray(int id) {
      return "g";
    }

    @Override
    public String adjointOffset(int id) {
      return "0";
    }

    @Override
    public String size(String dim) {
      return dim;
    }

    @Override
    public String index(org.ebm4j.processor.ir.IntExpr e, String dim) {
      return "i";
    }

    @Override
    public String fresh(String prefix) {
      return prefix;
    }

    @Override
    public com.palantir.javapoet.CodeBlock.Builder code() {
      throw new UnsupportedOperationException();
    }
  }
}
