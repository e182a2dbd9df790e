package org.ebm4j.processor.ir;

import java.util.List;

/**
 * The operations of the IR, with their arity and shape rule. What each op means for the gradient
 * and for generated code lives in {@code org.ebm4j.processor.ad.Primitive}, one entry per op.
 *
 * <p>Element-wise ops work on scalars and vectors alike; binary ones broadcast a scalar operand.
 */
public enum Op {
  /** A {@code @Param} (leaf): scalar, vector or matrix. */
  PARAM(0, Kind.LEAF),
  /** A variable of the state x (leaf): scalar or vector. */
  VAR(0, Kind.LEAF),
  /** A double constant (leaf). */
  CONST(0, Kind.LEAF),
  /** An integer expression used as a double (leaf). */
  INT(0, Kind.LEAF),
  /** The value of an accumulator after a loop or if: its operand plus what the region added. */
  ACC(1, Kind.LEAF),

  NEG(1, Kind.ELEMENTWISE),
  EXP(1, Kind.ELEMENTWISE),
  LOG(1, Kind.ELEMENTWISE),
  LOG1P(1, Kind.ELEMENTWISE),
  SQRT(1, Kind.ELEMENTWISE),
  TANH(1, Kind.ELEMENTWISE),
  /** x^c for a constant c held in {@link Value#number()}. */
  POW(1, Kind.ELEMENTWISE),
  SOFTPLUS(1, Kind.ELEMENTWISE),
  SIGMOID(1, Kind.ELEMENTWISE),
  SQUARE(1, Kind.ELEMENTWISE),

  ADD(2, Kind.ELEMENTWISE),
  SUB(2, Kind.ELEMENTWISE),
  MUL(2, Kind.ELEMENTWISE),
  DIV(2, Kind.ELEMENTWISE),

  /** Σ a_k b_k. */
  DOT(2, Kind.TENSOR),
  /** Σ a_k. */
  SUM(1, Kind.TENSOR),
  /** Σ a_k². */
  SUM_SQUARES(1, Kind.TENSOR),
  /** log Σ e^{a_k}. */
  LOG_SUM_EXP(1, Kind.TENSOR),
  /** vᵀ W h. */
  BILINEAR(3, Kind.TENSOR),
  /** W x. */
  MATVEC(2, Kind.TENSOR),
  /** xᵀ W. */
  VECMAT(2, Kind.TENSOR),
  /** One entry of a vector or matrix, at {@link Value#indices()}. */
  ELEMENT(1, Kind.TENSOR),
  /** One row of a matrix, at {@link Value#indices()}: a vector view, no copy. */
  ROW(1, Kind.TENSOR);

  /** Families of ops that share gradient and emission helpers. */
  public enum Kind {
    LEAF,
    ELEMENTWISE,
    TENSOR
  }

  private final int arity;
  private final Kind kind;

  Op(int arity, Kind kind) {
    this.arity = arity;
    this.kind = kind;
  }

  public int arity() {
    return arity;
  }

  public Kind kind() {
    return kind;
  }

  /** The user-facing name, as in {@code org.ebm4j.dsl.Ops} or {@code Math}. */
  public String spelling() {
    return switch (this) {
      case SUM_SQUARES -> "sumSquares";
      case LOG_SUM_EXP -> "logSumExp";
      default -> name().toLowerCase(java.util.Locale.ROOT);
    };
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
        for (Shape s : in) {
          if (s.isMatrix()) {
            throw new ShapeException(
                spelling() + " works on scalars and vectors, but got a matrix " + s);
          }
        }
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
      throw new ShapeException(spelling() + " needs a matrix as its " + which + " argument, not a " + s);
    }
  }

  private void requireSame(String a, String b) throws ShapeException {
    if (!a.equals(b)) {
      throw new ShapeException(
          spelling() + ": dimension '" + a + "' does not match dimension '" + b + "'");
    }
  }
}
