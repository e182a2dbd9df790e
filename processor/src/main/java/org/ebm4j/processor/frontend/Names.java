package org.ebm4j.processor.frontend;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ParenthesizedTree;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import org.ebm4j.processor.ir.Op;

/**
 * What a name in an energy body refers to, from the spec class and the imports of its file: the
 * class's own fields and methods, and which calls are {@code Math} or {@code Ops} functions. The
 * functions themselves are defined by the ops ({@link Op#inDsl}).
 */
final class Names {
  static final String OPS = "org.ebm4j.dsl.Ops";
  /** The {@code Math} functions an energy may call. */
  static final Set<String> MATH_FUNCTIONS = Set.of("exp", "log", "log1p", "sqrt", "tanh", "pow");
  /** The {@code Ops} functions: the ops that say they are in the DSL, and the vector arithmetic. */
  static final Set<String> OPS_FUNCTIONS = opsFunctions();

  private static Set<String> opsFunctions() {
    Set<String> out = new java.util.TreeSet<>(List.of("add", "sub", "scale"));
    for (Op op : Op.values()) {
      if (op.inDsl()) {
        out.add(op.spelling());
      }
    }
    return Set.copyOf(out);
  }

  /**
   * A call resolved to a function of {@code Math} or of {@code Ops}; {@code alsoMath} when both
   * are statically imported and Java's overloading picks {@code Math}'s for a scalar argument.
   */
  record Callee(String name, boolean math, boolean alsoMath) {
    Callee(String name, boolean math) {
      this(name, math, false);
    }
  }

  private final Map<String, Element> fields = new HashMap<>();
  private final Set<String> ownMethods = new HashSet<>();
  private final boolean opsImportedStatically;
  private final Set<String> opsImportedNames = new HashSet<>();
  private final boolean mathImportedStatically;
  private final Set<String> mathImportedNames = new HashSet<>();
  private final boolean opsImported;

  Names(ModelDeclaration model, CompilationUnitTree unit) {
    for (Element member : model.type().getEnclosedElements()) {
      if (member.getKind() == ElementKind.FIELD) {
        fields.put(member.getSimpleName().toString(), member);
      } else if (member.getKind() == ElementKind.METHOD) {
        ownMethods.add(member.getSimpleName().toString());
      }
    }
    boolean opsStar = false;
    boolean mathStar = false;
    boolean ops = model.packageName().equals("org.ebm4j.dsl");
    for (ImportTree imp : unit.getImports()) {
      String name = imp.getQualifiedIdentifier().toString();
      if (imp.isStatic()) {
        opsStar |= name.equals(OPS + ".*");
        mathStar |= name.equals("java.lang.Math.*");
        if (name.startsWith(OPS + ".")) {
          opsImportedNames.add(name.substring(OPS.length() + 1));
        }
        if (name.startsWith("java.lang.Math.")) {
          mathImportedNames.add(name.substring("java.lang.Math.".length()));
        }
      } else {
        ops |= name.equals(OPS) || name.equals("org.ebm4j.dsl.*");
      }
    }
    this.opsImportedStatically = opsStar;
    this.mathImportedStatically = mathStar;
    this.opsImported = ops;
  }

  /** A field of the spec class, or null. */
  Element field(String name) {
    return fields.get(name);
  }

  boolean isField(String name) {
    return fields.containsKey(name);
  }

  /** The function a call means, or null when it is none an energy may call. */
  Callee callee(MethodInvocationTree call) {
    ExpressionTree select = strip(call.getMethodSelect());
    if (select instanceof MemberSelectTree m) {
      String name = m.getIdentifier().toString();
      ExpressionTree owner = strip(m.getExpression());
      if (isMath(owner)) {
        return new Callee(name, true);
      }
      return isOps(owner) ? new Callee(name, false) : null;
    }
    if (select instanceof IdentifierTree id) {
      String name = id.getName().toString();
      if (ownMethods.contains(name)) {
        return null;
      }
      if ((opsImportedStatically || opsImportedNames.contains(name)) && OPS_FUNCTIONS.contains(name)) {
        boolean math = (mathImportedStatically || mathImportedNames.contains(name)) && MATH_FUNCTIONS.contains(name);
        return new Callee(name, false, math);
      }
      if ((mathImportedStatically || mathImportedNames.contains(name)) && MATH_FUNCTIONS.contains(name)) {
        return new Callee(name, true);
      }
    }
    return null;
  }

  /** {@code Math}, {@code java.lang.Math} or {@code StrictMath}. */
  boolean isMath(ExpressionTree owner) {
    String text = owner.toString();
    return text.equals("Math") || text.equals("java.lang.Math") || text.equals("StrictMath");
  }

  /** {@code org.ebm4j.dsl.Ops}, or {@code Ops} where it is imported. */
  boolean isOps(ExpressionTree owner) {
    String text = owner.toString();
    return text.equals(OPS) || (text.equals("Ops") && opsImported);
  }

  private static ExpressionTree strip(ExpressionTree e) {
    while (e instanceof ParenthesizedTree p) {
      e = p.getExpression();
    }
    return e;
  }
}
