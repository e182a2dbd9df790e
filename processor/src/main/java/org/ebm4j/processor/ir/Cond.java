package org.ebm4j.processor.ir;

/** Conditions of {@code if} statements: comparisons of {@link IntExpr}s and their combinations. */
public sealed interface Cond {

  /** Java source for this condition. */
  String render(IntExpr.Names names);

  /** {@code left op right}; op is one of == != &lt; &lt;= &gt; &gt;=. */
  record Compare(String op, IntExpr left, IntExpr right) implements Cond {
    @Override
    public String render(IntExpr.Names names) {
      return left.render(names) + " " + op + " " + right.render(names);
    }

    @Override
    public String toString() {
      return left + " " + op + " " + right;
    }
  }

  /** {@code left && right} or {@code left || right}. */
  record Logical(boolean and, Cond left, Cond right) implements Cond {
    @Override
    public String render(IntExpr.Names names) {
      return "(" + left.render(names) + (and ? " && " : " || ") + right.render(names) + ")";
    }

    @Override
    public String toString() {
      return "(" + left + (and ? " && " : " || ") + right + ")";
    }
  }

  /** {@code !operand}. */
  record Not(Cond operand) implements Cond {
    @Override
    public String render(IntExpr.Names names) {
      return "!(" + operand.render(names) + ")";
    }

    @Override
    public String toString() {
      return "!(" + operand + ")";
    }
  }
}
