package org.ebm4j.processor.frontend;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.ArrayTypeTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreeScanner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import org.ebm4j.dsl.Param;
import org.ebm4j.processor.diag.Diagnostics;
import org.ebm4j.processor.diag.Problem;
import org.ebm4j.processor.ir.Block;
import org.ebm4j.processor.ir.Cond;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.IntExpr;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Shape;
import org.ebm4j.processor.ir.Stmt;
import org.ebm4j.processor.frontend.Scopes.Local;
import org.ebm4j.processor.frontend.Scopes.LocalKind;
import org.ebm4j.processor.frontend.Scopes.Region;
import org.ebm4j.processor.ir.Value;

/**
 * Translates the {@code @Energy} method body (javac trees) into IR, rejecting everything outside
 * the differentiable subset at the smallest tree that shows it.
 *
 * <p>Assumes: the declaration was read without errors. Guarantees: an {@link EnergyFunction} that
 * passes {@code IrVerifier}, with shapes inferred and checked for every value; or null after
 * reporting errors. Method bodies are not attributed when processors run, so names and types of
 * the subset are resolved here: locals, energy parameters, fields, {@code Math.*} and {@code
 * Ops.*} (qualified or statically imported).
 *
 * <p>Locals become SSA values. Inside a loop or if body, a double declared outside may only be
 * added to ({@code +=}, {@code -=}) and not read: the body then is a reduction whose iterations are
 * independent, which is what lets the reverse sweep recompute an iteration instead of storing it.
 */
public final class TreeToIr {
  /** Thrown after an error was reported, to abandon the current statement. */
  private static final class Reported extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Reported() {
      super(null, null, false, false);
    }
  }

  /** What an expression evaluates to: an int expression or a double-valued IR value. */
  private sealed interface Operand {}

  private record IntOperand(IntExpr expr) implements Operand {}

  private record ValueOperand(int id) implements Operand {}

  private final ModelDeclaration model;
  private final Diagnostics diag;
  private final List<Value> values = new ArrayList<>();
  private final Map<String, Integer> leaves = new HashMap<>();
  private final Names names;
  private List<Stmt> current = new ArrayList<>();
  private final Scopes scopes = new Scopes();
  private int loops;

  private TreeToIr(ModelDeclaration model, Diagnostics diag, CompilationUnitTree unit) {
    this.model = model;
    this.diag = diag;
    this.names = new Names(model, unit);
  }

  /** Translates the energy method's body, or returns null after reporting errors. */
  public static EnergyFunction translate(
      ModelDeclaration model, MethodTree method, CompilationUnitTree unit, Diagnostics diag) {
    return new TreeToIr(model, diag, unit).translate(method);
  }

  private EnergyFunction translate(MethodTree method) {
    scopes.push();
    // Leaves come first so every use, at any depth, refers to one top-level definition.
    for (ModelDeclaration.ParamDecl p : model.params()) {
      leaves.put(p.name(), leaf(Op.PARAM, p.name(), new Shape(p.dims()), null));
    }
    for (ModelDeclaration.VariableDecl v : model.variables()) {
      leaves.put(v.name(), leaf(Op.VAR, v.name(), new Shape(v.dims()), null));
    }
    BlockTree body = method.getBody();
    if (body == null) {
      diag.error(model.energyMethod(), Problem.RETURN_PLACEMENT, "the energy method has no body");
      return null;
    }
    List<? extends StatementTree> stmts = body.getStatements();
    int result = -1;
    for (int i = 0; i < stmts.size(); i++) {
      StatementTree s = stmts.get(i);
      if (s instanceof ReturnTree ret && i == stmts.size() - 1) {
        try {
          if (ret.getExpression() == null) {
            diag.error(ret, Problem.RETURN_PLACEMENT, "'return;' returns no value");
            throw new Reported();
          }
          int value = scalar(ret.getExpression(), expression(ret.getExpression()));
          result = model.logDensity() ? let(Op.NEG, List.of(value), ret) : value;
        } catch (Reported e) {
          // reported
        }
      } else {
        statement(s);
      }
    }
    if (stmts.isEmpty() || !(stmts.get(stmts.size() - 1) instanceof ReturnTree)) {
      diag.error(
          stmts.isEmpty() ? body : stmts.get(stmts.size() - 1),
          Problem.RETURN_PLACEMENT,
          "the energy body does not end with a return statement");
    }
    if (diag.hasErrors() || result < 0) {
      return null;
    }
    List<org.ebm4j.processor.ir.Variable> variables = model.variables().stream()
        .map(v -> new org.ebm4j.processor.ir.Variable(v.name(), v.visible(), v.domain(), v.dims(), v.states())).toList();
    return new EnergyFunction(values, new Block(current), result, variables);
  }

  // ---------------------------------------------------------------- statements

  private void statement(StatementTree s) {
    try {
      switch (s.getKind()) {
        case VARIABLE -> declaration((VariableTree) s);
        case EXPRESSION_STATEMENT -> expressionStatement((ExpressionStatementTree) s);
        case FOR_LOOP -> loop((ForLoopTree) s);
        case IF -> branch((IfTree) s);
        case BLOCK -> {
          scopes.push();
          try {
            for (StatementTree inner : ((BlockTree) s).getStatements()) {
              statement(inner);
            }
          } finally {
            scopes.pop();
          }
        }
        case EMPTY_STATEMENT -> {}
        case RETURN -> {
          diag.error(s, Problem.RETURN_PLACEMENT, "'" + s + "' returns early");
        }
        case WHILE_LOOP, DO_WHILE_LOOP ->
            unsupported(s, "a while loop", "use a for loop over a declared dimension, e.g. 'for (int i = 0; i < v.length; i++)'");
        case ENHANCED_FOR_LOOP ->
            unsupported(s, "a for-each loop", "use an index loop, e.g. 'for (int i = 0; i < v.length; i++)', and read v[i]");
        case BREAK, CONTINUE ->
            unsupported(s, "'" + s.toString().trim() + "'", "put the rest of the body under an integer 'if' instead");
        case SWITCH ->
            unsupported(s, "a switch statement", "use 'if' on integer conditions");
        case TRY, THROW, SYNCHRONIZED, ASSERT ->
            unsupported(s, "a " + s.getKind().toString().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " statement", "an energy is a pure formula; remove it");
        case LABELED_STATEMENT -> unsupported(s, "a labeled statement", "remove the label");
        case CLASS -> unsupported(s, "a local class", "declare helpers outside the model; an energy body may only compute");
        default -> unsupported(s, "this statement", "use local doubles, for loops, integer ifs and one final return");
      }
    } catch (Reported e) {
      // Reported already; go on with the next statement so independent errors appear together.
    }
  }

  private void unsupported(Tree tree, String what, String instead) {
    diag.error(tree, Problem.UNSUPPORTED_STATEMENT, what, instead);
  }

  private void declaration(VariableTree decl) {
    String name = decl.getName().toString();
    ExpressionTree init = decl.getInitializer();
    if (isVar(decl.getType())) {
      // 'var': the kind follows from the initializer.
      Local local = scopes.declare(name, LocalKind.DOUBLE);
      Operand value;
      try {
        value = expression(init);
      } catch (Reported e) {
        local.poisoned = true;
        throw e;
      }
      LocalKind kind =
          value instanceof IntOperand ? LocalKind.INT
              : values.get(((ValueOperand) value).id()).shape().isScalar() ? LocalKind.DOUBLE : LocalKind.VECTOR;
      Local typed = scopes.declare(name, kind);
      assign(typed, value, init);
      return;
    }
    LocalKind kind = localKind(decl);
    Local local = scopes.declare(name, kind);
    if (init == null) {
      if (kind != LocalKind.DOUBLE) {
        local.poisoned = true;
        diag.error(decl, Problem.LOCAL_TYPE, name, "declare it with its value, e.g. 'int n = v.length;'");
        throw new Reported();
      }
      return;
    }
    try {
      Operand value = expression(init);
      assign(local, value, init);
    } catch (Reported e) {
      local.poisoned = true;
      throw e;
    }
  }

  private static boolean isVar(Tree type) {
    return type == null || (type instanceof IdentifierTree id && id.getName().contentEquals("var"));
  }

  private LocalKind localKind(VariableTree decl) {
    Tree type = decl.getType();
    if (type instanceof PrimitiveTypeTree p) {
      if (p.getPrimitiveTypeKind() == TypeKind.DOUBLE) {
        return LocalKind.DOUBLE;
      }
      if (p.getPrimitiveTypeKind() == TypeKind.INT) {
        return LocalKind.INT;
      }
    } else if (type instanceof ArrayTypeTree a
        && a.getType() instanceof PrimitiveTypeTree p
        && p.getPrimitiveTypeKind() == TypeKind.DOUBLE) {
      return LocalKind.VECTOR;
    }
    diag.error(
        decl,
        Problem.LOCAL_TYPE,
        decl.getName(),
        "type '" + type + "' is not supported; locals are double, double[] (the result of an Ops"
            + " call) or int");
    throw new Reported();
  }

  /** Binds a local to a new value (its declaration, or an assignment at its own level). */
  private void assign(Local local, Operand value, Tree at) {
    switch (local.kind) {
      case INT -> {
        if (!(value instanceof IntOperand i)) {
          diag.error(at, Problem.LOCAL_TYPE, local.name, "an int local must hold an int expression of lengths, indices and constants");
          throw new Reported();
        }
        local.intValue = i.expr();
      }
      case DOUBLE -> local.value = label(scalar(at, value), local.name);
      case VECTOR -> {
        int id = toValue(value, at);
        if (!values.get(id).shape().isVector()) {
          diag.error(at, Problem.SHAPE_MISMATCH, at, "a double[] local must hold a vector, not a " + values.get(id).shape());
          throw new Reported();
        }
        local.value = label(id, local.name);
      }
      default -> throw new IllegalStateException(local.kind.toString());
    }
  }

  /**
   * Names the value a local holds after the local, for generated code, when the value was just
   * computed in this block (not a parameter, variable or literal, and not named already).
   */
  private int label(int id, String name) {
    Value v = values.get(id);
    if (v.label() != null || v.op().kind() == Op.Kind.LEAF) {
      return id;
    }
    for (int i = current.size() - 1; i >= 0; i--) {
      if (current.get(i) instanceof Stmt.Let let && let.value().id() == id) {
        Value named = v.withLabel(name);
        values.set(id, named);
        current.set(i, new Stmt.Let(named));
        break;
      }
    }
    return id;
  }

  private void expressionStatement(ExpressionStatementTree s) {
    ExpressionTree e = s.getExpression();
    switch (e.getKind()) {
      case ASSIGNMENT -> {
        AssignmentTree a = (AssignmentTree) e;
        Local target = target(a.getVariable(), a);
        if (target.declaredIn != scopes.region() && target.kind == LocalKind.DOUBLE) {
          // 'e = e + t' inside a region is the accumulation 'e += t'.
          ExpressionTree rhs = strip(a.getExpression());
          if (rhs instanceof BinaryTree b
              && (b.getKind() == Tree.Kind.PLUS || b.getKind() == Tree.Kind.MINUS)) {
            if (isName(b.getLeftOperand(), target.name)) {
              accumulate(target, b.getRightOperand(), b.getKind() == Tree.Kind.MINUS, a);
              return;
            }
            if (b.getKind() == Tree.Kind.PLUS && isName(b.getRightOperand(), target.name)) {
              accumulate(target, b.getLeftOperand(), false, a);
              return;
            }
          }
          outerWrite(target, a);
        }
        checkWritable(target, a);
        assign(target, expression(a.getExpression()), a.getExpression());
      }
      case PLUS_ASSIGNMENT, MINUS_ASSIGNMENT, MULTIPLY_ASSIGNMENT, DIVIDE_ASSIGNMENT -> {
        CompoundAssignmentTree c = (CompoundAssignmentTree) e;
        Local target = target(c.getVariable(), c);
        boolean additive =
            c.getKind() == Tree.Kind.PLUS_ASSIGNMENT || c.getKind() == Tree.Kind.MINUS_ASSIGNMENT;
        if (target.declaredIn != scopes.region() && target.kind == LocalKind.DOUBLE) {
          if (additive) {
            accumulate(target, c.getExpression(), c.getKind() == Tree.Kind.MINUS_ASSIGNMENT, c);
            return;
          }
          outerWrite(target, c);
        }
        checkWritable(target, c);
        if (target.kind != LocalKind.DOUBLE) {
          diag.error(c, Problem.LOCAL_TYPE, target.name, "compound assignment works on double locals only; write '" + target.name + " = add(" + target.name + ", ...)' for a vector");
          throw new Reported();
        }
        int right = scalar(c.getExpression(), expression(c.getExpression()));
        Op op =
            switch (c.getKind()) {
              case PLUS_ASSIGNMENT -> Op.ADD;
              case MINUS_ASSIGNMENT -> Op.SUB;
              case MULTIPLY_ASSIGNMENT -> Op.MUL;
              default -> Op.DIV;
            };
        target.value = let(op, List.of(read(target, c), right), c);
      }
      case POSTFIX_INCREMENT, PREFIX_INCREMENT, POSTFIX_DECREMENT, PREFIX_DECREMENT -> {
        UnaryTree u = (UnaryTree) e;
        Local target = target(u.getExpression(), u);
        if (target.declaredIn != scopes.region() && target.kind == LocalKind.DOUBLE) {
          outerWrite(target, u);
        }
        checkWritable(target, u);
        int one = constant(1.0, u);
        boolean up = u.getKind() == Tree.Kind.POSTFIX_INCREMENT || u.getKind() == Tree.Kind.PREFIX_INCREMENT;
        target.value = let(up ? Op.ADD : Op.SUB, List.of(read(target, u), one), u);
      }
      case METHOD_INVOCATION -> {
        expression(e);
        unsupported(s, "a call whose result is not used", "assign it to a local or use it in the energy");
      }
      default -> unsupported(s, "'" + s.toString().trim() + "'", "use assignments to local doubles");
    }
  }

  private void checkWritable(Local target, Tree at) {
    if (target.kind == LocalKind.INT || target.kind == LocalKind.INDEX) {
      diag.error(at, Problem.INT_REASSIGNED, at, target.name);
      throw new Reported();
    }
    if (target.declaredIn != scopes.region()) {
      outerWrite(target, at);
    }
  }

  private void outerWrite(Local target, Tree at) {
    diag.error(
        at,
        Problem.LOOP_CARRIED,
        at,
        "inside a " + scopes.region().what + " body, '" + target.name + "' (declared outside it) may only be"
            + " added to, as in '" + target.name + " += term;', so that every iteration stays"
            + " independent");
    throw new Reported();
  }

  /** Resolves an assignment target to a local, rejecting fields, arrays and parameters. */
  private Local target(ExpressionTree variable, Tree at) {
    variable = strip(variable);
    if (variable instanceof ArrayAccessTree) {
      diag.error(at, Problem.ARRAY_WRITE, at);
      throw new Reported();
    }
    if (variable instanceof MemberSelectTree) {
      diag.error(at, Problem.FIELD_WRITE, at);
      throw new Reported();
    }
    if (variable instanceof IdentifierTree id) {
      String name = id.getName().toString();
      Local local = lookup(name);
      if (local != null) {
        if (local.poisoned) {
          throw new Reported();
        }
        return local;
      }
      if (leaves.containsKey(name) && model.variables().stream().anyMatch(v -> v.name().equals(name))) {
        diag.error(at, Problem.UNSUPPORTED_STATEMENT, "assigning to the energy parameter '" + name + "'", "declare a local instead");
        throw new Reported();
      }
      if (names.isField(name)) {
        diag.error(at, Problem.FIELD_WRITE, at);
        throw new Reported();
      }
      diag.error(id, Problem.UNKNOWN_NAME, name);
      throw new Reported();
    }
    diag.error(at, Problem.UNSUPPORTED_STATEMENT, "'" + at + "'", "assign to a local double");
    throw new Reported();
  }

  /** {@code target += term} inside a region: add into the accumulator of the owning region. */
  private void accumulate(Local target, ExpressionTree term, boolean subtract, Tree at) {
    int value = scalar(term, expression(term));
    // The slot belongs to the outermost region below the local's own scope.
    Region owner = scopes.region();
    while (owner.parent != target.declaredIn) {
      owner = owner.parent;
    }
    Integer slot = owner.slots.get(target);
    if (slot == null) {
      if (target.value < 0) {
        diag.error(at, Problem.LOOP_CARRIED, at, "'" + target.name + "' has no value yet; initialise it before the loop, e.g. 'double " + target.name + " = 0;'");
        throw new Reported();
      }
      slot = newValue(Op.ACC, List.of(target.value), Shape.SCALAR, null, 0, null, List.of(), at);
      values.set(slot, values.get(slot).withLabel(target.name));
      owner.slots.put(target, slot);
    }
    current.add(new Stmt.Accumulate(slot, subtract, value));
  }

  private void loop(ForLoopTree loop) {
    if (loop.getInitializer().size() != 1
        || !(loop.getInitializer().get(0) instanceof VariableTree init)
        || !(init.getType() instanceof PrimitiveTypeTree type)
        || type.getPrimitiveTypeKind() != TypeKind.INT
        || init.getInitializer() == null) {
      diag.error(loop, Problem.LOOP_FORM, header(loop), "declare one int index with its start, e.g. 'int i = 0'");
      throw new Reported();
    }
    String index = init.getName().toString();
    IntExpr start = intExpression(init.getInitializer());
    ExpressionTree condition = loop.getCondition() == null ? null : strip(loop.getCondition());
    IntExpr end = null;
    if (condition instanceof BinaryTree b) {
      if (isName(b.getLeftOperand(), index)
          && (b.getKind() == Tree.Kind.LESS_THAN || b.getKind() == Tree.Kind.LESS_THAN_EQUAL)) {
        end = intExpression(b.getRightOperand());
        if (b.getKind() == Tree.Kind.LESS_THAN_EQUAL) {
          end = new IntExpr.Binary('+', end, new IntExpr.Const(1));
        }
      } else if (isName(b.getRightOperand(), index)
          && (b.getKind() == Tree.Kind.GREATER_THAN || b.getKind() == Tree.Kind.GREATER_THAN_EQUAL)) {
        end = intExpression(b.getLeftOperand());
        if (b.getKind() == Tree.Kind.GREATER_THAN_EQUAL) {
          end = new IntExpr.Binary('+', end, new IntExpr.Const(1));
        }
      }
    }
    if (end == null) {
      diag.error(loop, Problem.LOOP_FORM, header(loop), "the condition must be '" + index + " < end' with an int end such as v.length");
      throw new Reported();
    }
    if (loop.getUpdate().size() != 1 || !isIncrement(loop.getUpdate().get(0).getExpression(), index)) {
      diag.error(loop, Problem.LOOP_FORM, header(loop), "the update must be '" + index + "++'");
      throw new Reported();
    }
    int id = loops++;
    Region outside = scopes.region();
    Region body = enter("for", loop.getStatement());
    Local indexLocal = scopes.declare(index, LocalKind.INDEX, outside);
    indexLocal.intValue = new IntExpr.Index(id, index);
    List<Stmt> outer = current;
    current = new ArrayList<>();
    try {
      statement(loop.getStatement());
    } finally {
      List<Stmt> stmts = current;
      current = outer;
      leave(body);
      current.add(new Stmt.Loop(id, index, start, end, new Block(stmts), List.copyOf(body.slots.values()), loop));
    }
  }

  private static String header(ForLoopTree loop) {
    String text = loop.toString();
    int brace = text.indexOf(')');
    return brace > 0 ? text.substring(0, brace + 1) : text;
  }

  private boolean isIncrement(ExpressionTree e, String index) {
    e = strip(e);
    if (e instanceof UnaryTree u
        && (u.getKind() == Tree.Kind.POSTFIX_INCREMENT || u.getKind() == Tree.Kind.PREFIX_INCREMENT)) {
      return isName(u.getExpression(), index);
    }
    if (e instanceof CompoundAssignmentTree c && c.getKind() == Tree.Kind.PLUS_ASSIGNMENT) {
      return isName(c.getVariable(), index) && isIntLiteral(c.getExpression(), 1);
    }
    if (e instanceof AssignmentTree a && isName(a.getVariable(), index)
        && strip(a.getExpression()) instanceof BinaryTree b && b.getKind() == Tree.Kind.PLUS) {
      return (isName(b.getLeftOperand(), index) && isIntLiteral(b.getRightOperand(), 1))
          || (isName(b.getRightOperand(), index) && isIntLiteral(b.getLeftOperand(), 1));
    }
    return false;
  }

  private void branch(IfTree tree) {
    Cond cond = condition(tree.getCondition());
    Region body = enter("if", tree);
    List<Stmt> outer = current;
    List<Stmt> then = new ArrayList<>();
    List<Stmt> otherwise = new ArrayList<>();
    try {
      current = then;
      statement(tree.getThenStatement());
      scopes.pop();
      scopes.push();
      current = otherwise;
      if (tree.getElseStatement() != null) {
        statement(tree.getElseStatement());
      }
    } finally {
      current = outer;
      leave(body);
      current.add(new Stmt.If(cond, new Block(then), new Block(otherwise), List.copyOf(body.slots.values())));
    }
  }

  private Region enter(String what, Tree body) {
    Set<String> written = new HashSet<>();
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitAssignment(AssignmentTree node, Void unused) {
        note(node.getVariable());
        return super.visitAssignment(node, unused);
      }

      @Override
      public Void visitCompoundAssignment(CompoundAssignmentTree node, Void unused) {
        note(node.getVariable());
        return super.visitCompoundAssignment(node, unused);
      }

      private void note(ExpressionTree variable) {
        if (strip(variable) instanceof IdentifierTree id) {
          written.add(id.getName().toString());
        }
      }
    }.scan(body, null);
    return scopes.enter(written, what);
  }

  private void leave(Region body) {
    scopes.leave(body);
  }

  // ---------------------------------------------------------------- conditions

  private Cond condition(ExpressionTree e) {
    e = strip(e);
    switch (e.getKind()) {
      case CONDITIONAL_AND, CONDITIONAL_OR -> {
        BinaryTree b = (BinaryTree) e;
        return new Cond.Logical(e.getKind() == Tree.Kind.CONDITIONAL_AND, condition(b.getLeftOperand()), condition(b.getRightOperand()));
      }
      case LOGICAL_COMPLEMENT -> {
        return new Cond.Not(condition(((UnaryTree) e).getExpression()));
      }
      case EQUAL_TO, NOT_EQUAL_TO, LESS_THAN, LESS_THAN_EQUAL, GREATER_THAN, GREATER_THAN_EQUAL -> {
        BinaryTree b = (BinaryTree) e;
        Operand left = expression(b.getLeftOperand());
        Operand right = expression(b.getRightOperand());
        if (left instanceof IntOperand l && right instanceof IntOperand r) {
          String op =
              switch (e.getKind()) {
                case EQUAL_TO -> "==";
                case NOT_EQUAL_TO -> "!=";
                case LESS_THAN -> "<";
                case LESS_THAN_EQUAL -> "<=";
                case GREATER_THAN -> ">";
                default -> ">=";
              };
          return new Cond.Compare(op, l.expr(), r.expr());
        }
        diag.error(e, Problem.NON_INTEGER_CONDITION, e);
        throw new Reported();
      }
      default -> {
        diag.error(e, Problem.UNSUPPORTED_EXPRESSION, "the condition '" + e + "'", "compare ints with ==, !=, <, <=, >, >= and combine them with &&, ||, !");
        throw new Reported();
      }
    }
  }

  // ---------------------------------------------------------------- expressions

  private IntExpr intExpression(ExpressionTree e) {
    Operand o = expression(e);
    if (o instanceof IntOperand i) {
      return i.expr();
    }
    diag.error(e, Problem.BAD_INDEX, e, "expected an int expression (lengths, loop indices, int constants), found a double");
    throw new Reported();
  }

  private Operand expression(ExpressionTree e) {
    switch (e.getKind()) {
      case PARENTHESIZED:
        return expression(((ParenthesizedTree) e).getExpression());
      case INT_LITERAL:
        return new IntOperand(new IntExpr.Const((Integer) ((LiteralTree) e).getValue()));
      case DOUBLE_LITERAL, FLOAT_LITERAL, LONG_LITERAL:
        return new ValueOperand(constant(((Number) ((LiteralTree) e).getValue()).doubleValue(), e));
      case IDENTIFIER:
        return identifier((IdentifierTree) e);
      case MEMBER_SELECT:
        return memberSelect((MemberSelectTree) e);
      case ARRAY_ACCESS:
        return arrayAccess((ArrayAccessTree) e);
      case TYPE_CAST:
        return cast((TypeCastTree) e);
      case UNARY_MINUS, UNARY_PLUS:
        {
          Operand o = expression(((UnaryTree) e).getExpression());
          if (e.getKind() == Tree.Kind.UNARY_PLUS) {
            return o;
          }
          if (o instanceof IntOperand i) {
            return new IntOperand(new IntExpr.Negate(i.expr()));
          }
          return new ValueOperand(let(Op.NEG, List.of(((ValueOperand) o).id()), e));
        }
      case PLUS, MINUS, MULTIPLY, DIVIDE, REMAINDER:
        return arithmetic((BinaryTree) e);
      case METHOD_INVOCATION:
        return call((MethodInvocationTree) e);
      case NEW_ARRAY, NEW_CLASS:
        diag.error(e, Problem.ALLOCATION, e);
        throw new Reported();
      case CONDITIONAL_EXPRESSION:
        diag.error(e, Problem.UNSUPPORTED_EXPRESSION, "the conditional expression '" + e + "'", "for a choice on int indices use an 'if' statement; on a binary unit x write x * a + (1 - x) * b");
        throw new Reported();
      case LAMBDA_EXPRESSION, MEMBER_REFERENCE:
        diag.error(e, Problem.UNSUPPORTED_EXPRESSION, "a lambda or method reference", "write the computation inline");
        throw new Reported();
      case ASSIGNMENT, PLUS_ASSIGNMENT, MINUS_ASSIGNMENT, MULTIPLY_ASSIGNMENT, DIVIDE_ASSIGNMENT,
          POSTFIX_INCREMENT, PREFIX_INCREMENT, POSTFIX_DECREMENT, PREFIX_DECREMENT:
        diag.error(e, Problem.UNSUPPORTED_EXPRESSION, "an assignment inside an expression ('" + e + "')", "make it a statement of its own");
        throw new Reported();
      case EQUAL_TO, NOT_EQUAL_TO, LESS_THAN, LESS_THAN_EQUAL, GREATER_THAN, GREATER_THAN_EQUAL,
          CONDITIONAL_AND, CONDITIONAL_OR, LOGICAL_COMPLEMENT:
        diag.error(e, Problem.UNSUPPORTED_EXPRESSION, "the boolean '" + e + "'", "conditions may only appear in 'if' statements");
        throw new Reported();
      default:
        diag.error(e, Problem.UNSUPPORTED_EXPRESSION, "'" + e + "'", "use double arithmetic, Math.exp/log/log1p/sqrt/tanh/pow and the Ops functions");
        throw new Reported();
    }
  }

  private Operand cast(TypeCastTree cast) {
    Operand o = expression(cast.getExpression());
    if (cast.getType() instanceof PrimitiveTypeTree p) {
      if (p.getPrimitiveTypeKind() == TypeKind.DOUBLE) {
        return o instanceof IntOperand i ? new ValueOperand(intValue(i.expr(), cast)) : o;
      }
      if (p.getPrimitiveTypeKind() == TypeKind.INT && o instanceof IntOperand) {
        return o;
      }
    }
    diag.error(cast, Problem.UNSUPPORTED_EXPRESSION, "the cast '" + cast + "'", "only (double) of an int is supported; rounding a double is not differentiable");
    throw new Reported();
  }

  private Operand arithmetic(BinaryTree b) {
    Operand left = expression(b.getLeftOperand());
    Operand right = expression(b.getRightOperand());
    char symbol =
        switch (b.getKind()) {
          case PLUS -> '+';
          case MINUS -> '-';
          case MULTIPLY -> '*';
          case DIVIDE -> '/';
          default -> '%';
        };
    if (left instanceof IntOperand l && right instanceof IntOperand r) {
      // Java's int arithmetic, as the spec class computes it.
      return new IntOperand(new IntExpr.Binary(symbol, l.expr(), r.expr()));
    }
    if (symbol == '%') {
      diag.error(b, Problem.UNSUPPORTED_EXPRESSION, "'%' on doubles ('" + b + "')", "use % only on ints");
      throw new Reported();
    }
    int l = scalar(b.getLeftOperand(), left);
    int r = scalar(b.getRightOperand(), right);
    Op op =
        switch (symbol) {
          case '+' -> Op.ADD;
          case '-' -> Op.SUB;
          case '*' -> Op.MUL;
          default -> Op.DIV;
        };
    return new ValueOperand(let(op, List.of(l, r), b));
  }

  private Operand identifier(IdentifierTree id) {
    String name = id.getName().toString();
    Local local = lookup(name);
    if (local != null) {
      return readLocal(local, id);
    }
    if (isVariable(name)) {
      return new ValueOperand(leaves.get(name));
    }
    if (names.isField(name)) {
      return field(name, id);
    }
    diag.error(id, Problem.UNKNOWN_NAME, name);
    throw new Reported();
  }

  private boolean isVariable(String name) {
    return model.variables().stream().anyMatch(v -> v.name().equals(name));
  }

  private Operand readLocal(Local local, Tree at) {
    if (local.poisoned) {
      throw new Reported();
    }
    if (local.kind == LocalKind.INT || local.kind == LocalKind.INDEX) {
      return new IntOperand(local.intValue);
    }
    return new ValueOperand(read(local, at));
  }

  /** The current value of a double or vector local, refusing reads of a region's accumulators. */
  private int read(Local local, Tree at) {
    for (Region r = scopes.region(); r != null && r != local.declaredIn; r = r.parent) {
      if (r.written.contains(local.name)) {
        diag.error(
            at,
            Problem.LOOP_CARRIED,
            at,
            "reads '" + local.name + "' inside a " + r.what + " body that also adds to it; a body may"
                + " only add into a double declared outside. Use a separate local for the"
                + " partial sum");
        throw new Reported();
      }
    }
    if (local.value < 0) {
      diag.error(at, Problem.LOCAL_TYPE, local.name, "it is read before it is assigned");
      throw new Reported();
    }
    return local.value;
  }

  private Operand field(String name, Tree at) {
    Element field = names.field(name);
    if (field.getAnnotation(Param.class) != null) {
      return new ValueOperand(leaves.get(name));
    }
    Object constant = field instanceof VariableElement v ? v.getConstantValue() : null;
    if (field.getModifiers().contains(Modifier.STATIC) && constant instanceof Number n) {
      if (constant instanceof Integer i) {
        return new IntOperand(new IntExpr.Const(i));
      }
      return new ValueOperand(constant(n.doubleValue(), at));
    }
    diag.error(at, Problem.NOT_A_PARAM, at, name);
    throw new Reported();
  }

  private Operand memberSelect(MemberSelectTree select) {
    String member = select.getIdentifier().toString();
    ExpressionTree target = strip(select.getExpression());
    if (member.equals("length")) {
      // v.length, w.length or w[i].length: the size of the selected axis.
      int axis = 0;
      ExpressionTree base = target;
      if (base instanceof ArrayAccessTree access) {
        intExpression(access.getIndex());
        base = strip(access.getExpression());
        axis = 1;
      }
      Operand array = expression(base);
      if (array instanceof ValueOperand v && values.get(v.id()).shape().rank() > axis) {
        return new IntOperand(new IntExpr.Dim(values.get(v.id()).shape().dim(axis)));
      }
      diag.error(select, Problem.BAD_INDEX, select, "'.length' needs an array");
      throw new Reported();
    }
    if (target instanceof IdentifierTree id && id.getName().contentEquals("this")) {
      if (names.isField(member)) {
        return field(member, select);
      }
      diag.error(select, Problem.UNKNOWN_NAME, select);
      throw new Reported();
    }
    if (names.isMath(target) && (member.equals("PI") || member.equals("E"))) {
      return new ValueOperand(constant(member.equals("PI") ? Math.PI : Math.E, select));
    }
    diag.error(select, Problem.UNSUPPORTED_EXPRESSION, "'" + select + "'", "read @Param fields, energy parameters and locals by name");
    throw new Reported();
  }

  private Operand arrayAccess(ArrayAccessTree access) {
    List<IntExpr> indices = new ArrayList<>();
    ExpressionTree base = access;
    while (strip(base) instanceof ArrayAccessTree a) {
      indices.add(0, intExpression(a.getIndex()));
      base = a.getExpression();
    }
    int array = toValue(expression(base), base);
    Shape shape = values.get(array).shape();
    if (shape.isScalar() || indices.size() > shape.rank()) {
      diag.error(access, Problem.BAD_INDEX, access, "'" + strip(base) + "' is a " + shape + " value and takes at most " + shape.rank() + " subscript(s)");
      throw new Reported();
    }
    Op op = indices.size() == shape.rank() ? Op.ELEMENT : Op.ROW;
    return new ValueOperand(letIndexed(op, array, indices, access));
  }

  private Operand call(MethodInvocationTree call) {
    Names.Callee callee = names.callee(call);
    if (callee == null) {
      diag.error(call, Problem.UNKNOWN_CALL, call);
      throw new Reported();
    }
    String name = callee.name();
    boolean math = callee.math();
    List<? extends ExpressionTree> argTrees = call.getArguments();
    if (math) {
      return new ValueOperand(mathCall(call, name, argTrees));
    }
    if (!Names.OPS_FUNCTIONS.contains(name)) {
      diag.error(call, Problem.BAD_CALL, call, "Ops has no function '" + name + "'; it has " + new java.util.TreeSet<>(Names.OPS_FUNCTIONS));
      throw new Reported();
    }
    List<Integer> args = new ArrayList<>();
    for (ExpressionTree a : argTrees) {
      args.add(toValue(expression(a), a));
    }
    return new ValueOperand(opsCall(call, name, args, callee.alsoMath()));
  }

  private int mathCall(MethodInvocationTree call, String name, List<? extends ExpressionTree> argTrees) {
    if (!Names.MATH_FUNCTIONS.contains(name)) {
      diag.error(call, Problem.BAD_CALL, call, "Math." + name + " is not supported; an energy may use Math.exp, log, log1p, sqrt, tanh and pow(x, constant), and the Ops functions (softplus, sigmoid, square, ...)");
      throw new Reported();
    }
    int arity = name.equals("pow") ? 2 : 1;
    if (argTrees.size() != arity) {
      diag.error(call, Problem.BAD_CALL, call, "Math." + name + " takes " + arity + " argument(s)");
      throw new Reported();
    }
    int x = scalar(argTrees.get(0), expression(argTrees.get(0)));
    if (name.equals("pow")) {
      Double exponent = literal(argTrees.get(1));
      if (exponent == null) {
        diag.error(argTrees.get(1), Problem.POW_EXPONENT, call);
        throw new Reported();
      }
      return newValue(Op.POW, List.of(x), Shape.SCALAR, null, exponent, null, List.of(), call);
    }
    Op op =
        switch (name) {
          case "exp" -> Op.EXP;
          case "log" -> Op.LOG;
          case "log1p" -> Op.LOG1P;
          case "sqrt" -> Op.SQRT;
          default -> Op.TANH;
        };
    return let(op, List.of(x), call);
  }

  private int opsCall(MethodInvocationTree call, String name, List<Integer> args, boolean mathToo) {
    Op named = Op.ofSpelling(name);
    int arity = name.equals("add") || name.equals("sub") || name.equals("scale") ? 2 : named.arity();
    if (args.size() != arity) {
      diag.error(call, Problem.BAD_CALL, call, name + " takes " + arity + " argument(s), got " + args.size());
      throw new Reported();
    }
    switch (name) {
      case "add", "sub" -> {
        for (int a : args) {
          if (!values.get(a).shape().isVector()) {
            diag.error(call, Problem.BAD_CALL, call, name + " adds two vectors; for scalars write a " + (name.equals("add") ? "+" : "-") + " b");
            throw new Reported();
          }
        }
        return let(name.equals("add") ? Op.ADD : Op.SUB, args, call);
      }
      case "scale" -> {
        Shape first = values.get(args.get(0)).shape();
        Shape second = values.get(args.get(1)).shape();
        if (first.isScalar() && second.isVector()) {
          return let(Op.MUL, args, call);
        }
        if (first.isVector() && second.isScalar()) {
          return let(Op.MUL, List.of(args.get(1), args.get(0)), call);
        }
        diag.error(call, Problem.BAD_CALL, call, "scale multiplies a vector by a scalar: scale(s, v)");
        throw new Reported();
      }
      default -> {
        if (named.kind() == Op.Kind.ELEMENTWISE && Names.MATH_FUNCTIONS.contains(name) && !mathToo && !values.get(args.get(0)).shape().isVector()) {
          // Ops has only the vector form of the functions Math has.
          diag.error(call, Problem.BAD_CALL, call, "Ops." + name + " takes a vector; for a scalar use Math." + name);
          throw new Reported();
        }
        return let(named, args, call);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private static ExpressionTree strip(ExpressionTree e) {
    while (e instanceof ParenthesizedTree p) {
      e = p.getExpression();
    }
    return e;
  }

  private static boolean isName(ExpressionTree e, String name) {
    return strip(e) instanceof IdentifierTree id && id.getName().contentEquals(name);
  }

  private static boolean isIntLiteral(ExpressionTree e, int value) {
    return strip(e) instanceof LiteralTree l && Integer.valueOf(value).equals(l.getValue());
  }

  /** A numeric literal, possibly negated, or null. */
  private static Double literal(ExpressionTree e) {
    e = strip(e);
    if (e instanceof UnaryTree u && e.getKind() == Tree.Kind.UNARY_MINUS) {
      Double inner = literal(u.getExpression());
      return inner == null ? null : -inner;
    }
    if (e instanceof LiteralTree l && l.getValue() instanceof Number n) {
      return n.doubleValue();
    }
    return null;
  }

  private Local lookup(String name) {
    return scopes.lookup(name);
  }

  /** A scalar value for an operand (ints convert), or an error naming the vector. */
  private int scalar(Tree at, Operand o) {
    int id = toValue(o, at);
    if (!values.get(id).shape().isScalar()) {
      diag.error(at, Problem.VECTOR_AS_SCALAR, at, "this is a " + values.get(id).shape() + " value where a scalar is needed; reduce it with sum, dot or sumSquares, or index it");
      throw new Reported();
    }
    return id;
  }

  private int toValue(Operand o, Tree at) {
    if (o instanceof IntOperand i) {
      return intValue(i.expr(), at);
    }
    return ((ValueOperand) o).id();
  }

  private int constant(double number, Tree at) {
    return newValue(Op.CONST, List.of(), Shape.SCALAR, null, number, null, List.of(), at);
  }

  private int intValue(IntExpr e, Tree at) {
    return newValue(Op.INT, List.of(), Shape.SCALAR, null, 0, e, List.of(), at);
  }

  private int leaf(Op op, String name, Shape shape, Tree at) {
    return newValue(op, List.of(), shape, name, 0, null, List.of(), at);
  }

  private int let(Op op, List<Integer> args, Tree at) {
    List<Shape> shapes = args.stream().map(a -> values.get(a).shape()).toList();
    try {
      Shape shape = op.inferShape(shapes, 0);
      return newValue(op, args, shape, null, 0, null, List.of(), at);
    } catch (Op.ShapeException e) {
      diag.error(at, Problem.SHAPE_MISMATCH, at, e.getMessage());
      throw new Reported();
    }
  }

  private int letIndexed(Op op, int array, List<IntExpr> indices, Tree at) {
    try {
      Shape shape = op.inferShape(List.of(values.get(array).shape()), indices.size());
      return newValue(op, List.of(array), shape, null, 0, null, indices, at);
    } catch (Op.ShapeException e) {
      diag.error(at, Problem.BAD_INDEX, at, e.getMessage());
      throw new Reported();
    }
  }

  private int newValue(
      Op op, List<Integer> args, Shape shape, String name, double number, IntExpr intValue, List<IntExpr> indices, Tree at) {
    int id = values.size();
    Value v = new Value(id, op, args, shape, name, number, intValue, indices, at);
    values.add(v);
    if (op == Op.ACC) {
      // An accumulator is defined just before its region, in the region's enclosing block:
      // the Loop/If statement lists it, so it is not a statement of the body.
      return id;
    }
    current.add(new Stmt.Let(v));
    return id;
  }
}
