package org.ebm4j.processor.ir;

/**
 * Integer expressions of the energy body: loop indices, bounds and subscripts. They are built from
 * dimension sizes, loop indices and constants, so they never depend on x or θ.
 */
public sealed interface IntExpr {

  /** Java source for this expression, given how dimensions and loop indices are spelled. */
  String render(Names names);

  /** How the backend spells dimension sizes and loop indices. */
  interface Names {
    String dimension(String dim);

    String index(int loop);
  }

  /** An integer literal. */
  record Const(int value) implements IntExpr {
    @Override
    public String render(Names names) {
      return Integer.toString(value);
    }

    @Override
    public String toString() {
      return Integer.toString(value);
    }
  }

  /** The size of a named dimension (from an array's {@code .length}). */
  record Dim(String name) implements IntExpr {
    @Override
    public String render(Names names) {
      return names.dimension(name);
    }

    @Override
    public String toString() {
      return "|" + name + "|";
    }
  }

  /** The index of loop number {@code loop}; {@code name} is the user's name for it. */
  record Index(int loop, String name) implements IntExpr {
    @Override
    public String render(Names names) {
      return names.index(loop);
    }

    @Override
    public String toString() {
      return name + "#" + loop;
    }
  }

  /** {@code a op b} with Java's int semantics; op is one of + - * / %. */
  record Binary(char op, IntExpr left, IntExpr right) implements IntExpr {
    @Override
    public String render(Names names) {
      return "(" + left.render(names) + " " + op + " " + right.render(names) + ")";
    }

    @Override
    public String toString() {
      return "(" + left + " " + op + " " + right + ")";
    }
  }

  /** {@code -a}. */
  record Negate(IntExpr operand) implements IntExpr {
    @Override
    public String render(Names names) {
      return "(-" + operand.render(names) + ")";
    }

    @Override
    public String toString() {
      return "(-" + operand + ")";
    }
  }
}
