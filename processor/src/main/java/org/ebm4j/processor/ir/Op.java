package org.ebm4j.processor.ir;

import java.util.ArrayList;
import java.util.List;

/**
 * The operations of the IR, each defined in one place, as JAX keeps a primitive's rules beside
 * it: its spelling in the DSL and arity, its shape rule, its polynomial degree rule (for the
 * structure proofs), its derivatives written with IR ops (partials of element-wise ops, reverse
 * contributions and tangents of tensor ops), and how it lowers to Java (an expression template for
 * element-wise ops, kernel calls for tensor ops). The passes and the lowering read these rules;
 * none of them switches on a particular op's maths.
 *
 * <p>Element-wise ops work on scalars, vectors and (inside derived programs) matrices; binary ones
 * broadcast a scalar operand.
 *
 * <p>Lowering templates: {@code $0}, {@code $1}, ... are operands (an expression for element-wise
 * ops; "array, offset" for a vector and "array, offset, rows, cols" for a matrix in kernel calls),
 * {@code #0} the length of vector operand 0, {@code $c} the op's constant, {@code $out} the view
 * written, {@code $alpha} the scale of an accumulation. {@code Kernels} names the runtime's kernel
 * class for the lowered number type.
 */
public enum Op {
  /** A {@code @Param} (leaf): scalar, vector or matrix. */
  PARAM(Kind.LEAF, "param"),
  /** A variable of the state x (leaf): scalar or vector. */
  VAR(Kind.LEAF, "var"),
  /** A double constant (leaf). */
  CONST(Kind.LEAF, "const"),
  /** An integer expression used as a double (leaf). */
  INT(Kind.LEAF, "int"),
  /** The value of an accumulator after a loop or if: its operand plus what the region added. */
  ACC(Kind.LEAF, "acc"),
  /** A scalar argument of a derived program, such as the weight of a gradient (leaf). */
  ARG(Kind.LEAF, "arg"),
  /**
   * A buffer of a derived program that starts at zero and is only added into until it is read:
   * the adjoint of an intermediate value. Every read comes after the last addition.
   */
  ADJOINT(Kind.LEAF, "adjoint"),
  /** An output of a derived program: the buffer of the derivative in the parameter or variable {@code name}, added into. */
  OUT(Kind.LEAF, "out"),

  NEG(
      "neg",
      (a, b, c) -> -a,
      (a, c) -> "-" + a.get(0),
      (b, v, i) -> b.constant(-1),
      (d, c) -> d.get(0)),
  EXP("exp", (a, b, c) -> Math.exp(a), (a, c) -> "Math.exp(" + a.get(0) + ")", (b, v, i) -> v.id(), Op::nonpolynomial),
  LOG("log", (a, b, c) -> Math.log(a), (a, c) -> "Math.log(" + a.get(0) + ")", (b, v, i) -> b.div(b.constant(1), v.arg(0)), Op::nonpolynomial),
  LOG1P(
      "log1p",
      (a, b, c) -> Math.log1p(a),
      (a, c) -> "Math.log1p(" + a.get(0) + ")",
      (b, v, i) -> b.div(b.constant(1), b.add(b.constant(1), v.arg(0))),
      Op::nonpolynomial),
  SQRT("sqrt", (a, b, c) -> Math.sqrt(a), (a, c) -> "Math.sqrt(" + a.get(0) + ")", (b, v, i) -> b.div(b.constant(0.5), v.id()), Op::nonpolynomial),
  TANH(
      "tanh",
      (a, b, c) -> Math.tanh(a),
      (a, c) -> "Kernels.tanh(" + a.get(0) + ")",
      (b, v, i) -> b.sub(b.constant(1), b.square(v.id())),
      Op::nonpolynomial),
  /** x^c for a constant c held in {@link Value#number()}. */
  POW(
      "pow",
      (a, b, c) -> Math.pow(a, c),
      (a, c) -> c == 2 ? a.get(0) + " * " + a.get(0) : "Math.pow(" + a.get(0) + ", " + c + ")",
      (b, v, i) -> v.number() == 2
          ? b.mul(b.constant(2), v.arg(0))
          : b.mul(b.constant(v.number()), b.pow(v.arg(0), v.number() - 1)),
      Op::powerDegree),
  // d softplus(a) / da = sigmoid(a)
  SOFTPLUS("softplus", (a, b, c) -> Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a))), (a, c) -> "Kernels.softplus(" + a.get(0) + ")", (b, v, i) -> b.sigmoid(v.arg(0)), Op::nonpolynomial),
  SIGMOID(
      "sigmoid",
      (a, b, c) -> 1 / (1 + Math.exp(-a)),
      (a, c) -> "Kernels.sigmoid(" + a.get(0) + ")",
      (b, v, i) -> b.mul(v.id(), b.sub(b.constant(1), v.id())),
      Op::nonpolynomial),
  SQUARE("square", (a, b, c) -> a * a, (a, c) -> a.get(0) + " * " + a.get(0), (b, v, i) -> b.mul(b.constant(2), v.arg(0)), (d, c) -> 2 * d.get(0)),
  /** log σ(a) = −softplus(−a), finite for every a; d/da = σ(−a). */
  LOG_SIGMOID(
      "logSigmoid",
      (a, b, c) -> -(Math.max(-a, 0) + Math.log1p(Math.exp(-Math.abs(a)))),
      (a, c) -> "Kernels.logSigmoid(" + a.get(0) + ")",
      (b, v, i) -> b.sigmoid(b.neg(v.arg(0))),
      Op::nonpolynomial),

  /** log cosh a, without overflow; d/da = tanh a. */
  LOG_COSH(
      "logCosh",
      (a, b, c) -> Math.abs(a) + Math.log1p(Math.exp(-2 * Math.abs(a))) - Math.log(2),
      (a, c) -> "Kernels.logCosh(" + a.get(0) + ")",
      (b, v, i) -> b.call("tanh", v.arg(0)),
      Op::nonpolynomial),

  /** sign(a) (derived programs only). */
  SIGNUM("signum", (a, b, c) -> Math.signum(a), (a, c) -> "Math.signum(" + a.get(0) + ")", (b, v, i) -> b.constant(0), Op::nonpolynomial),
  /**
   * e^{−|a|} (derived programs only: written by the {@code share-exp} pass, from which tanh, σ and
   * softplus of a follow without an exp each).
   */
  EXP_NEG_ABS(
      "expNegAbs",
      (a, b, c) -> Math.exp(-Math.abs(a)),
      (a, c) -> "Kernels.expNegAbs(" + a.get(0) + ")",
      (b, v, i) -> b.neg(b.mul(v.id(), b.let(Op.SIGNUM, List.of(v.arg(0))))),
      Op::nonpolynomial),
  /**
   * tanh a from e = e^{−|a|}: sign(a)(1 − e²)/(1 + e²), or tanh's series where |a| < 1e-3 (there
   * 1 − e² would cancel). Partials for |a| ≥ 1e-3, where the value depends on a only through e.
   */
  TANH_E(
      "tanhE",
      2,
      (a, b, c) -> Math.abs(a) < 1e-3 ? a * (1 - a * a * (1.0 / 3 - a * a * (2.0 / 15))) : Math.signum(a) * (1 - b * b) / (1 + b * b),
      (a, c) -> "Kernels.tanhE(" + a.get(0) + ", " + a.get(1) + ")",
      (b, v, i) -> i == 0 ? b.constant(0)
          : b.mul(b.let(Op.SIGNUM, List.of(v.arg(0))), b.div(b.mul(b.constant(-4), v.arg(1)), b.square(b.add(b.constant(1), b.square(v.arg(1)))))),
      Op::nonpolynomial),
  /** σ(a) from e = e^{−|a|}: 1/(1 + e) for a ≥ 0, e/(1 + e) below. */
  SIGMOID_E(
      "sigmoidE",
      2,
      (a, b, c) -> (a >= 0 ? 1 : b) / (1 + b),
      (a, c) -> "Kernels.sigmoidE(" + a.get(0) + ", " + a.get(1) + ")",
      (b, v, i) -> i == 0 ? b.constant(0) : b.div(b.neg(b.let(Op.SIGNUM, List.of(v.arg(0)))), b.square(b.add(b.constant(1), v.arg(1)))),
      Op::nonpolynomial),
  /** softplus(a) from e = e^{−|a|}: max(a, 0) + log(1 + e). */
  SOFTPLUS_E(
      "softplusE",
      2,
      (a, b, c) -> Math.max(a, 0) + Math.log(1 + b),
      (a, c) -> "Kernels.softplusE(" + a.get(0) + ", " + a.get(1) + ")",
      (b, v, i) -> i == 0 ? b.mul(b.constant(0.5), b.add(b.let(Op.SIGNUM, List.of(v.arg(0))), b.constant(1))) : b.div(b.constant(1), b.add(b.constant(1), v.arg(1))),
      Op::nonpolynomial),

  ADD("add", (a, b, c) -> a + b, (a, c) -> a.get(0) + " + " + a.get(1), (b, v, i) -> b.constant(1), (d, c) -> Math.max(d.get(0), d.get(1))),
  SUB(
      "sub",
      (a, b, c) -> a - b,
      (a, c) -> a.get(0) + " - " + a.get(1),
      (b, v, i) -> b.constant(i == 0 ? 1 : -1),
      (d, c) -> Math.max(d.get(0), d.get(1))),
  MUL("mul", (a, b, c) -> a * b, (a, c) -> a.get(0) + " * " + a.get(1), (b, v, i) -> v.arg(1 - i), (d, c) -> d.get(0) + d.get(1)),
  // d(a/b)/db = -a/b² = -y/b
  DIV(
      "div",
      (a, b, c) -> a / b,
      (a, c) -> a.get(0) + " / " + a.get(1),
      (b, v, i) -> i == 0 ? b.div(b.constant(1), v.arg(1)) : b.neg(b.div(v.id(), v.arg(1))),
      Op::quotientDegree),

  /** Σ a_k b_k. */
  DOT(
      "dot",
      2,
      (b, v, i, ybar) -> b.mul(ybar, v.arg(1 - i)),
      (b, v, t) -> sumOf(b, t[0] < 0 ? -1 : b.dot(t[0], v.arg(1)), t[1] < 0 ? -1 : b.dot(v.arg(0), t[1])),
      "Kernels.dot($0, $1, #0)",
      null,
      Op::multilinear),
  /** Σ a_k. */
  SUM("sum", 1, (b, v, i, ybar) -> ybar, (b, v, t) -> b.sum(t[0]), "Kernels.sum($0, #0)", null, Op::multilinear),
  /** Σ a_k². */
  SUM_SQUARES(
      "sumSquares",
      1,
      (b, v, i, ybar) -> b.mul(b.mul(b.constant(2), ybar), v.arg(0)),
      (b, v, t) -> b.mul(b.constant(2), b.dot(v.arg(0), t[0])),
      "Kernels.sumSquares($0, #0)",
      null,
      (d, c) -> 2 * d.get(0)),
  /** log Σ e^{a_k}; ∂/∂a_k = e^{a_k − y}, the softmax. */
  LOG_SUM_EXP(
      "logSumExp",
      1,
      (b, v, i, ybar) -> b.mul(ybar, b.exp(b.sub(v.arg(0), v.id()))),
      (b, v, t) -> b.dot(b.exp(b.sub(v.arg(0), v.id())), t[0]),
      "Kernels.logSumExp($0, #0)",
      null,
      Op::nonpolynomial),
  /** vᵀ W h: v̄ += ȳ W h, W̄ += ȳ v hᵀ, h̄ += ȳ Wᵀ v. */
  BILINEAR(
      "bilinear",
      3,
      (b, v, i, ybar) -> switch (i) {
        case 0 -> b.mul(ybar, b.matvec(v.arg(1), v.arg(2)));
        case 1 -> b.outer(b.mul(ybar, v.arg(0)), v.arg(2));
        default -> b.mul(ybar, b.vecmat(v.arg(0), v.arg(1)));
      },
      (b, v, t) -> sumOf(
          b,
          t[0] < 0 ? -1 : b.bilinear(t[0], v.arg(1), v.arg(2)),
          t[1] < 0 ? -1 : b.bilinear(v.arg(0), t[1], v.arg(2)),
          t[2] < 0 ? -1 : b.bilinear(v.arg(0), v.arg(1), t[2])),
      "Kernels.bilinear($0, $1, $2)",
      null,
      Op::multilinear),
  /** W x: W̄ += ȳ xᵀ, x̄ += Wᵀ ȳ. */
  MATVEC(
      "matvec",
      2,
      (b, v, i, ybar) -> i == 0 ? b.outer(ybar, v.arg(1)) : b.vecmat(ybar, v.arg(0)),
      (b, v, t) -> sumOf(b, t[0] < 0 ? -1 : b.matvec(t[0], v.arg(1)), t[1] < 0 ? -1 : b.matvec(v.arg(0), t[1])),
      "Kernels.matvec($0, $1, $out)",
      "Kernels.matvecAdd($alpha, $0, $1, $out)",
      Op::multilinear),
  /** xᵀ W: x̄ += W ȳ, W̄ += x ȳᵀ. */
  VECMAT(
      "vecmat",
      2,
      (b, v, i, ybar) -> i == 0 ? b.matvec(v.arg(1), ybar) : b.outer(v.arg(0), ybar),
      (b, v, t) -> sumOf(b, t[0] < 0 ? -1 : b.vecmat(t[0], v.arg(1)), t[1] < 0 ? -1 : b.vecmat(v.arg(0), t[1])),
      "Kernels.vecmat($0, $1, $out)",
      "Kernels.vecmatAdd($alpha, $0, $1, $out)",
      Op::multilinear),
  /** a bᵀ, a matrix (in derived programs: the adjoint of a weight matrix). */
  OUTER(
      "outer",
      2,
      (b, v, i, ybar) -> i == 0 ? b.matvec(ybar, v.arg(1)) : b.vecmat(v.arg(0), ybar),
      (b, v, t) -> sumOf(b, t[0] < 0 ? -1 : b.outer(t[0], v.arg(1)), t[1] < 0 ? -1 : b.outer(v.arg(0), t[1])),
      null,
      "Kernels.outerAdd($alpha, $0, #0, $1, #1, $out)",
      Op::multilinear),
  /** Mᵀ (derived programs only: the Jacobian of xᵀW in x is Wᵀ). */
  TRANSPOSE(
      "transpose",
      1,
      (b, v, i, ybar) -> b.transpose(ybar),
      (b, v, t) -> b.transpose(t[0]),
      "Kernels.transpose($0, $out)",
      "Kernels.transposeAdd($alpha, $0, $out)",
      Op::multilinear),
  /** y_i = Σ_k A_ik B_ik (derived programs only: two Jacobians contracted over their directions). */
  ROW_DOTS(
      "rowDots",
      2,
      // rowDots(M, M), the rows' sums of squares: one contribution of 2ȳ, so that it can be added in place.
      (b, v, i, ybar) -> v.arg(0) != v.arg(1) ? b.rowScale(ybar, v.arg(1 - i)) : i == 0 ? b.rowScale(b.mul(b.constant(2), ybar), v.arg(0)) : -1,
      (b, v, t) -> sumOf(b, t[0] < 0 ? -1 : b.rowDots(t[0], v.arg(1)), t[1] < 0 ? -1 : b.rowDots(v.arg(0), t[1])),
      "Kernels.rowDots($0, $1, $out)",
      "Kernels.rowDotsAdd($alpha, $0, $1, $out)",
      Op::multilinear),
  /** diag(s) M, y_ik = s_i M_ik (derived programs only: the adjoint of a {@code rowDots} operand). */
  ROW_SCALE(
      "rowScale",
      2,
      (b, v, i, ybar) -> i == 0 ? b.rowDots(ybar, v.arg(1)) : b.rowScale(v.arg(0), ybar),
      (b, v, t) -> sumOf(b, t[0] < 0 ? -1 : b.rowScale(t[0], v.arg(1)), t[1] < 0 ? -1 : b.rowScale(v.arg(0), t[1])),
      "Kernels.rowScale($0, $1, $out)",
      "Kernels.rowScaleAdd($alpha, $0, $1, $out)",
      Op::multilinear),
  /** The diagonal of a square matrix (derived programs only: the Laplacian of a quadratic form vᵀAv is 2 tr A). */
  DIAGONAL(
      "diagonal",
      1,
      (b, v, i, ybar) -> b.diagEmbed(ybar),
      (b, v, t) -> b.diagonal(t[0]),
      "Kernels.diagonal($0, $out)",
      "Kernels.diagonalAdd($alpha, $0, $out)",
      Op::multilinear),
  /** diag(s), the square matrix with s on its diagonal (derived programs only: the adjoint of {@code diagonal}). */
  DIAG_EMBED(
      "diagEmbed",
      1,
      (b, v, i, ybar) -> b.diagonal(ybar),
      (b, v, t) -> b.diagEmbed(t[0]),
      "Kernels.diagEmbed($0, #0, $out)",
      "Kernels.diagEmbedAdd($alpha, $0, #0, $out)",
      Op::multilinear),
  /** One entry of a vector or matrix, at {@link Value#indices()}. Its adjoint is added at the same entry. */
  ELEMENT("element", 1, null, (b, v, t) -> b.element(t[0], v.indices()), null, null, Op::multilinear),
  /** One row of a matrix, at {@link Value#indices()}: a view, no copy; its adjoint is the same row of the matrix's. */
  ROW("row", 1, null, (b, v, t) -> b.row(t[0], v.indices()), null, null, Op::multilinear);

  /** Degrees from this one up are "not a polynomial". */
  public static final int NONPOLYNOMIAL = 3;

  /** Families of ops that share rules in the passes and the lowering. */
  public enum Kind {
    LEAF,
    ELEMENTWISE,
    TENSOR
  }

  /** The partial derivative of an element-wise op in one operand, element by element, as IR. */
  public interface Partial {
    /** @param v the value, in the program {@code b} builds; returns the id of ∂v/∂(operand i). */
    int of(Builder b, Value v, int i);
  }

  /** What a tensor op adds to the adjoint of one operand, as IR. */
  public interface Reverse {
    /**
     * @param ybar the id of v's adjoint; returns the id of the contribution to operand i's adjoint,
     *     or −1 where an earlier operand is the same value and its contribution covers both
     */
    int contribution(Builder b, Value v, int i, int ybar);
  }

  /** The tangent of a value from its operands' tangents, as IR. */
  public interface Tangent {
    /** @param dots the operands' tangent ids, −1 where an operand's tangent is zero; never all −1. */
    int of(Builder b, Value v, int[] dots);
  }

  /** The value of an element-wise op on numbers: a, b its operands (b unused if unary), c its constant. */
  public interface Eval {
    double of(double a, double b, double c);
  }

  /** Java source of an element-wise op from its operands' sources (each parenthesised as needed). */
  public interface Spelling {
    String java(List<String> operands, double constant);
  }

  /** The polynomial degree of the result from the operands' (capped at {@link #NONPOLYNOMIAL}). */
  public interface Degree {
    int of(List<Integer> operands, double constant);
  }

  private final Kind kind;
  private final String spelling;
  private final int arity;
  private final Spelling java;
  private final Partial partial;
  private final Reverse reverse;
  private final Tangent tangent;
  private final String kernel;
  private final String accumulateKernel;
  private final Degree degree;
  private Eval evaluation;

  Op(Kind kind, String spelling) {
    this(kind, spelling, kind == Kind.LEAF && spelling.equals("acc") ? 1 : 0, null, null, null, null, null, null, null);
  }

  /** An element-wise op: unary unless its spelling is one of the four arithmetic ops. */
  Op(String spelling, Eval eval, Spelling java, Partial partial, Degree degree) {
    this(spelling, List.of("add", "sub", "mul", "div").contains(spelling) ? 2 : 1, eval, java, partial, degree);
  }

  /** An element-wise op of this arity. */
  Op(String spelling, int arity, Eval eval, Spelling java, Partial partial, Degree degree) {
    this(Kind.ELEMENTWISE, spelling, arity, java, partial, null, null, null, null, degree);
    this.evaluation = eval;
  }

  /** A tensor op. */
  Op(String spelling, int arity, Reverse reverse, Tangent tangent, String kernel, String accumulateKernel, Degree degree) {
    this(Kind.TENSOR, spelling, arity, null, null, reverse, tangent, kernel, accumulateKernel, degree);
  }

  Op(Kind kind, String spelling, int arity, Spelling java, Partial partial, Reverse reverse, Tangent tangent, String kernel, String accumulateKernel, Degree degree) {
    this.kind = kind;
    this.spelling = spelling;
    this.arity = arity;
    this.java = java;
    this.partial = partial;
    this.reverse = reverse;
    this.tangent = tangent;
    this.kernel = kernel;
    this.accumulateKernel = accumulateKernel;
    this.degree = degree;
  }

  public int arity() {
    return arity;
  }

  public Kind kind() {
    return kind;
  }

  /** The user-facing name, as in {@code org.ebm4j.dsl.Ops} or {@code Math}, and in IR dumps. */
  public String spelling() {
    return spelling;
  }

  /** Whether {@code org.ebm4j.dsl.Ops} has a function of this spelling (element-wise ones for scalars and vectors). */
  public boolean inDsl() {
    return switch (this) {
      case DOT, SUM, SUM_SQUARES, LOG_SUM_EXP, BILINEAR, MATVEC, VECMAT, EXP, LOG, TANH, SOFTPLUS, SIGMOID, SQUARE, LOG_SIGMOID, LOG_COSH -> true;
      default -> false;
    };
  }

  /** The op a DSL function of this name and arity denotes, or null. */
  public static Op ofSpelling(String name) {
    for (Op op : values()) {
      if (op.kind != Kind.LEAF && op.spelling.equals(name)) {
        return op;
      }
    }
    return null;
  }

  /**
   * The value of an element-wise op on numbers, written independently of its Java template (the
   * reference semantics of the interpreter, and constant folding).
   */
  public double eval(double a, double b, double constant) {
    if (evaluation == null) {
      throw new IllegalStateException(this + " is not element-wise");
    }
    return evaluation.of(a, b, constant);
  }

  /** The Java expression of an element-wise op. */
  public String java(List<String> operands, double constant) {
    return java.java(operands, constant);
  }

  /** ∂v/∂(operand i) of an element-wise op, built as IR. */
  public int partial(Builder b, Value v, int i) {
    return partial.of(b, v, i);
  }

  /** Whether {@link #contribution} applies (every tensor op but ELEMENT and ROW, whose adjoints are views or entries). */
  public boolean hasReverseRule() {
    return reverse != null;
  }

  /** What a tensor op adds to operand i's adjoint, built as IR. */
  public int contribution(Builder b, Value v, int i, int ybar) {
    return reverse.contribution(b, v, i, ybar);
  }

  /**
   * The tangent of v from its operands' tangents ({@code -1} for zero), built as IR. Element-wise
   * ops use their partials: ẏ = Σᵢ ∂y/∂aᵢ · ȧᵢ.
   */
  public int tangent(Builder b, Value v, int[] dots) {
    if (kind == Kind.ELEMENTWISE) {
      int sum = -1;
      for (int i = 0; i < dots.length; i++) {
        if (dots[i] >= 0) {
          int term = b.mul(partial(b, v, i), dots[i]);
          sum = sum < 0 ? term : b.add(sum, term);
        }
      }
      return sum;
    }
    return tangent.of(b, v, dots);
  }

  /**
   * The batched rule: the call computing this op for every row of a batch at once, when operand
   * rows are per state and the matrix is shared (W xᵣ for all r is X Wᵀ, one matrix product), or
   * null. Placeholders as in the other templates, and {@code $rows}; {@code $B0} is per-row
   * operand 0 as "array, offset, row stride", {@code $V0} shared operand 0 as "array, offset",
   * {@code @0r}/{@code @0c} the rows/columns of matrix operand 0, {@code $OUT} the per-row result.
   */
  public String batchKernel() {
    return switch (this) {
      case MATVEC -> "Blas.gemm(false, true, $rows, @0r, @0c, 1.0, $B1, $V0, @0c, 0.0, $OUT)";
      case VECMAT -> "Blas.gemm(false, false, $rows, @1c, @1r, 1.0, $B0, $V1, @1c, 0.0, $OUT)";
      default -> null;
    };
  }

  /**
   * The batched rule for adding g_r times this op's value, for every row r, into a buffer: per-row
   * rows for MATVEC and VECMAT (diag(g) H Wᵀ, diag(g) V W), the sum over rows for OUTER (Aᵀ diag(g)
   * B, the gradient of a weight matrix). {@code $G} is the row scales (or null for ones), {@code
   * $VOUT} a shared output as "array, offset", {@code $scratch} the batch scratch.
   */
  public String batchAccumulateKernel() {
    return switch (this) {
      case MATVEC -> "Blas.scaledRowsTimesTransposeAdd($B1, $rows, @0c, $G, $V0, @0r, $OUT, $scratch)";
      case VECMAT -> "Blas.sparseTimesAdd($B0, $rows, @1r, $G, $V1, @1c, $OUT, $scratch)";
      case OUTER -> "Blas.sparseTransposeTimesAdd($B0, $rows, #0, $G, $B1, #1, $VOUT, $scratch)";
      case ROW_SCALE -> "Blas.rowScaleRowsAdd($B0, $rows, $G, $V1, @1r, @1c, $VOUT, $scratch)";
      case DIAG_EMBED -> "Blas.diagEmbedRowsAdd($B0, $rows, #0, $G, $VOUT)";
      default -> null;
    };
  }

  /**
   * Whether the batched accumulation ({@link #batchAccumulateKernel}) sums over rows into a shared
   * buffer (a matrix's adjoint, its template's {@code $VOUT}), rather than adding row by row into
   * per-row buffers.
   */
  public boolean sumsRows() {
    String template = batchAccumulateKernel();
    return template != null && template.contains("$VOUT");
  }

  /** The kernel call computing a tensor op's value, or null for ELEMENT, ROW and OUTER. */
  public String kernel() {
    return kernel;
  }

  /** The kernel call adding {@code alpha} times the op's value into a buffer, or null. */
  public String accumulateKernel() {
    return accumulateKernel;
  }

  /** The polynomial degree of v in some variables from its operands' degrees in them. */
  public int degree(List<Integer> operands, double constant) {
    return Math.min(NONPOLYNOMIAL, degree.of(operands, constant));
  }

  private static int nonpolynomial(List<Integer> operands, double constant) {
    return operands.stream().allMatch(d -> d == 0) ? 0 : NONPOLYNOMIAL;
  }

  private static int powerDegree(List<Integer> d, double c) {
    return c >= 0 && c == Math.rint(c) && c <= NONPOLYNOMIAL ? (int) c * d.get(0) : NONPOLYNOMIAL;
  }

  private static int quotientDegree(List<Integer> d, double c) {
    return d.get(1) == 0 ? d.get(0) : NONPOLYNOMIAL;
  }

  private static int multilinear(List<Integer> operands, double constant) {
    return operands.stream().mapToInt(Integer::intValue).sum();
  }

  private static int sumOf(Builder b, int... terms) {
    int sum = -1;
    for (int t : terms) {
      if (t >= 0) {
        sum = sum < 0 ? t : b.add(sum, t);
      }
    }
    return sum;
  }

  /** Thrown by {@link #inferShape} with a message for the user. */
  public static final class ShapeException extends Exception {
    private static final long serialVersionUID = 1L;

    public ShapeException(String message) {
      super(message);
    }
  }

  /**
   * The result shape for operands of the given shapes ({@code indexCount} subscripts for ELEMENT
   * and ROW).
   */
  public Shape inferShape(List<Shape> in, int indexCount) throws ShapeException {
    switch (kind) {
      case ELEMENTWISE:
        if (in.size() == 1) {
          return in.get(0);
        }
        Shape a = in.get(0);
        Shape b = in.get(1);
        if (a.isScalar()) {
          return b;
        }
        if (b.isScalar() || a.equals(b)) {
          return a;
        }
        throw new ShapeException(spelling() + " of vectors of different dimensions " + a + " and " + b);
      case TENSOR:
        return inferTensorShape(in, indexCount);
      default:
        throw new IllegalStateException("leaf " + this + " has no shape rule");
    }
  }

  private Shape inferTensorShape(List<Shape> in, int indexCount) throws ShapeException {
    switch (this) {
      case DOT:
        requireVector(in.get(0), "first");
        requireVector(in.get(1), "second");
        requireSame(in.get(0).dim(0), in.get(1).dim(0));
        return Shape.SCALAR;
      case SUM:
      case SUM_SQUARES:
      case LOG_SUM_EXP:
        requireVector(in.get(0), "");
        return Shape.SCALAR;
      case BILINEAR:
        requireVector(in.get(0), "first");
        requireMatrix(in.get(1), "second");
        requireVector(in.get(2), "third");
        requireSame(in.get(0).dim(0), in.get(1).dim(0));
        requireSame(in.get(1).dim(1), in.get(2).dim(0));
        return Shape.SCALAR;
      case MATVEC:
        requireMatrix(in.get(0), "first");
        requireVector(in.get(1), "second");
        requireSame(in.get(0).dim(1), in.get(1).dim(0));
        return Shape.vector(in.get(0).dim(0));
      case VECMAT:
        requireVector(in.get(0), "first");
        requireMatrix(in.get(1), "second");
        requireSame(in.get(0).dim(0), in.get(1).dim(0));
        return Shape.vector(in.get(1).dim(1));
      case OUTER:
        requireVector(in.get(0), "first");
        requireVector(in.get(1), "second");
        return Shape.matrix(in.get(0).dim(0), in.get(1).dim(0));
      case TRANSPOSE:
        requireMatrix(in.get(0), "");
        return Shape.matrix(in.get(0).dim(1), in.get(0).dim(0));
      case ROW_DOTS:
        requireMatrix(in.get(0), "first");
        requireMatrix(in.get(1), "second");
        requireSame(in.get(0).dim(0), in.get(1).dim(0));
        requireSame(in.get(0).dim(1), in.get(1).dim(1));
        return Shape.vector(in.get(0).dim(0));
      case DIAGONAL:
        requireMatrix(in.get(0), "");
        requireSame(in.get(0).dim(0), in.get(0).dim(1));
        return Shape.vector(in.get(0).dim(0));
      case DIAG_EMBED:
        requireVector(in.get(0), "");
        return Shape.matrix(in.get(0).dim(0), in.get(0).dim(0));
      case ROW_SCALE:
        requireVector(in.get(0), "first");
        requireMatrix(in.get(1), "second");
        requireSame(in.get(0).dim(0), in.get(1).dim(0));
        return in.get(1);
      case ELEMENT:
        if (in.get(0).rank() != indexCount) {
          throw new ShapeException(
              "a " + in.get(0) + " value takes " + in.get(0).rank() + " subscripts, not " + indexCount);
        }
        return Shape.SCALAR;
      case ROW:
        if (!in.get(0).isMatrix() || indexCount != 1) {
          throw new ShapeException("only a matrix can be indexed by a single row subscript");
        }
        return Shape.vector(in.get(0).dim(1));
      default:
        throw new IllegalStateException(this.toString());
    }
  }

  private void requireVector(Shape s, String which) throws ShapeException {
    if (!s.isVector()) {
      throw new ShapeException(
          spelling() + " needs a vector as its " + (which.isEmpty() ? "" : which + " ") + "argument, not a " + s);
    }
  }

  private void requireMatrix(Shape s, String which) throws ShapeException {
    if (!s.isMatrix()) {
      throw new ShapeException(spelling() + " needs a matrix as its " + (which.isEmpty() ? "" : which + " ") + "argument, not a " + s);
    }
  }

  private void requireSame(String a, String b) throws ShapeException {
    if (!a.equals(b)) {
      throw new ShapeException(
          spelling() + ": dimension '" + a + "' does not match dimension '" + b + "'");
    }
  }
}
