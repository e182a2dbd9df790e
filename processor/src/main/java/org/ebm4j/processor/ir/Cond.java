package org.ebm4j.processor.ir;

/**
 * Conditions of {@code if} statements: comparisons of {@link IntExpr}s and their combinations, and
 * in derived programs the test that a scalar value is not zero (a zero-skip guard).
 */
public sealed interface Cond {

  /** {@code left op right}; op is one of == != &lt; &lt;= &gt; &gt;=. */
  record Compare(String op, IntExpr left, IntExpr right) implements Cond {
    @Override
    public String toString() {
      return left + " " + op + " " + right;
    }
  }

  /** {@code left && right} or {@code left || right}. */
  record Logical(boolean and, Cond left, Cond right) implements Cond {
    @Override
    public String toString() {
      return "(" + left + (and ? " && " : " || ") + right + ")";
    }
  }

  /** {@code !operand}. */
  record Not(Cond operand) implements Cond {
    @Override
    public String toString() {
      return "!(" + operand + ")";
    }
  }

  /** {@code value != 0} for a scalar value. */
  record NonZero(int value) implements Cond {
    @Override
    public String toString() {
      return "%" + value + " != 0";
    }
  }
}
