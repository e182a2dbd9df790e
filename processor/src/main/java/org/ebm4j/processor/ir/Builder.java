package org.ebm4j.processor.ir;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Writes IR: new values get the next id and a {@code Let} in the block being written. Derivative
 * rules ({@link Op}) and the transformations build programs with it; shapes come from each op's
 * shape rule, so a rule that combines shapes wrongly fails here, where it is written.
 */
public final class Builder {
  private final List<Value> values;
  private final Deque<List<Stmt>> blocks = new ArrayDeque<>();

  /** A builder of a new program. */
  public Builder() {
    this(new ArrayList<>());
  }

  /** A builder adding to {@code values} (kept: ids stay those of the list). */
  public Builder(List<Value> values) {
    this.values = values;
    blocks.push(new ArrayList<>());
  }

  public List<Value> values() {
    return values;
  }

  public Value value(int id) {
    return values.get(id);
  }

  public Shape shape(int id) {
    return values.get(id).shape();
  }

  /** Starts a nested block; statements go there until {@link #close}. */
  public void open() {
    blocks.push(new ArrayList<>());
  }

  /** Ends the innermost block and returns it. */
  public Block close() {
    return new Block(blocks.pop());
  }

  /** Appends a statement to the current block. */
  public void add(Stmt s) {
    blocks.peek().add(s);
  }

  /** The statements of the current block so far. */
  public List<Stmt> current() {
    return blocks.peek();
  }

  /** Defines {@code op(args)} with its inferred shape. */
  public int let(Op op, List<Integer> args) {
    return let(op, args, 0);
  }

  /** Defines {@code op(args)} with a constant attribute (POW's exponent). */
  public int let(Op op, List<Integer> args, double number) {
    List<Shape> shapes = args.stream().map(this::shape).toList();
    try {
      return define(op, args, op.inferShape(shapes, 0), null, number, null, List.of(), null);
    } catch (Op.ShapeException e) {
      throw new IllegalStateException("ill-shaped IR " + op.spelling() + args + ": " + e.getMessage(), e);
    }
  }

  /** Defines an ELEMENT or ROW of {@code array} at {@code indices}. */
  public int indexed(Op op, int array, List<IntExpr> indices) {
    try {
      return define(op, List.of(array), op.inferShape(List.of(shape(array)), indices.size()), null, 0, null, indices, null);
    } catch (Op.ShapeException e) {
      throw new IllegalStateException("ill-indexed IR: " + e.getMessage(), e);
    }
  }

  /** Defines a leaf: PARAM, VAR, ARG, OUT (named) or ADJOINT (a zeroed buffer). */
  public int leaf(Op op, String name, Shape shape) {
    return define(op, List.of(), shape, name, 0, null, List.of(), null);
  }

  public int constant(double c) {
    return define(Op.CONST, List.of(), Shape.SCALAR, null, c, null, List.of(), null);
  }

  public int integer(IntExpr e) {
    return define(Op.INT, List.of(), Shape.SCALAR, null, 0, e, List.of(), null);
  }

  /** An accumulator slot for a region; the Loop or If statement lists it (it is not a Let). */
  public int accumulator(int start) {
    int id = values.size();
    values.add(new Value(id, Op.ACC, List.of(start), shape(start), null, 0, null, List.of(), null));
    return id;
  }

  /** Defines a copy of {@code v} with new operands (same op, attributes and label). */
  public int copy(Value v, List<Integer> args) {
    int id = define(v.op(), args, v.shape(), v.name(), v.number(), v.intValue(), v.indices(), v.origin());
    return v.label() == null ? id : label(id, v.label());
  }

  /**
   * Gives a value defined in the current block a label (a name for generated code), unless it has
   * one. Returns the id.
   */
  public int label(int id, String label) {
    Value v = values.get(id);
    if (v.label() != null || label == null) {
      return id;
    }
    Value labelled = v.withLabel(label);
    if (v.op() == Op.ACC) {
      // An accumulator is listed by its region, not defined by a Let.
      values.set(id, labelled);
      return id;
    }
    List<Stmt> stmts = blocks.peek();
    for (int i = stmts.size() - 1; i >= 0; i--) {
      if (stmts.get(i) instanceof Stmt.Let let && let.value().id() == id) {
        stmts.set(i, new Stmt.Let(labelled));
        values.set(id, labelled);
        return id;
      }
    }
    return id;
  }

  public int add(int a, int b) {
    return let(Op.ADD, List.of(a, b));
  }

  public int sub(int a, int b) {
    return let(Op.SUB, List.of(a, b));
  }

  public int mul(int a, int b) {
    return let(Op.MUL, List.of(a, b));
  }

  public int div(int a, int b) {
    return let(Op.DIV, List.of(a, b));
  }

  public int neg(int a) {
    return let(Op.NEG, List.of(a));
  }

  /**
   * {@code op(args)} for the op of this DSL spelling: how a derivative rule inside {@link Op} names
   * another op (an enum constant cannot name a later one in its own initializer).
   */
  public int call(String spelling, int... args) {
    Op op = Op.ofSpelling(spelling);
    if (op == null) {
      throw new IllegalArgumentException("no op '" + spelling + "'");
    }
    return let(op, java.util.Arrays.stream(args).boxed().toList());
  }

  public int square(int a) {
    return let(Op.SQUARE, List.of(a));
  }

  public int sigmoid(int a) {
    return let(Op.SIGMOID, List.of(a));
  }

  public int exp(int a) {
    return let(Op.EXP, List.of(a));
  }

  public int pow(int a, double c) {
    return let(Op.POW, List.of(a), c);
  }

  public int dot(int a, int b) {
    return let(Op.DOT, List.of(a, b));
  }

  public int sum(int a) {
    return let(Op.SUM, List.of(a));
  }

  public int matvec(int w, int x) {
    return let(Op.MATVEC, List.of(w, x));
  }

  public int vecmat(int x, int w) {
    return let(Op.VECMAT, List.of(x, w));
  }

  public int outer(int a, int b) {
    return let(Op.OUTER, List.of(a, b));
  }

  public int transpose(int m) {
    return let(Op.TRANSPOSE, List.of(m));
  }

  public int diagonal(int m) {
    return let(Op.DIAGONAL, List.of(m));
  }

  public int diagEmbed(int d) {
    return let(Op.DIAG_EMBED, List.of(d));
  }

  public int rowDots(int a, int b) {
    return let(Op.ROW_DOTS, List.of(a, b));
  }

  public int rowScale(int s, int m) {
    return let(Op.ROW_SCALE, List.of(s, m));
  }

  public int bilinear(int v, int w, int h) {
    return let(Op.BILINEAR, List.of(v, w, h));
  }

  public int element(int a, List<IntExpr> indices) {
    return indexed(Op.ELEMENT, a, indices);
  }

  public int row(int a, List<IntExpr> indices) {
    return indexed(Op.ROW, a, indices);
  }

  /** {@code slot += value} (whole buffer; a scalar value is added to every entry). */
  public void accumulate(int slot, int value) {
    add(new Stmt.Accumulate(slot, false, value, List.of()));
  }

  /** {@code slot[indices] += value}. */
  public void accumulate(int slot, int value, List<IntExpr> indices) {
    add(new Stmt.Accumulate(slot, false, value, indices));
  }

  private int define(Op op, List<Integer> args, Shape shape, String name, double number, IntExpr intValue, List<IntExpr> indices, Object origin) {
    int id = values.size();
    Value v = new Value(id, op, args, shape, name, number, intValue, indices, origin);
    values.add(v);
    add(new Stmt.Let(v));
    return id;
  }
}
