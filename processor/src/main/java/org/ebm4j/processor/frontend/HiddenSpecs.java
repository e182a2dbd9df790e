package org.ebm4j.processor.frontend;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import java.util.Set;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;
import org.ebm4j.processor.diag.Problem;

/**
 * {@code @EnergyModel} classes that javac never hands to processors: those declared in a method,
 * initializer, lambda or anonymous class. Found in the trees, so a spec is never silently ignored.
 */
public final class HiddenSpecs {
  private static final String ENERGY_MODEL = "org.ebm4j.dsl.EnergyModel";

  private HiddenSpecs() {}

  /**
   * Reports {@code @EnergyModel} classes declared inside a method, initializer, lambda or anonymous
   * class: javac never hands them to processors, so without this they would be silently ignored.
   */
  public static void report(Trees trees, RoundEnvironment round) {
    Set<CompilationUnitTree> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Element root : round.getRootElements()) {
      TreePath path = trees.getPath(root);
      if (path == null || !seen.add(path.getCompilationUnit())) {
        continue;
      }
      CompilationUnitTree unit = path.getCompilationUnit();
      boolean imported = unit.getImports().stream().map(i -> i.getQualifiedIdentifier().toString())
          .anyMatch(i -> i.equals(ENERGY_MODEL) || i.equals("org.ebm4j.dsl.*"));
      new com.sun.source.util.TreeScanner<Void, String>() {
        @Override
        public Void visitMethod(com.sun.source.tree.MethodTree m, String inside) {
          return super.visitMethod(m, "method " + m.getName() + "()");
        }

        @Override
        public Void visitBlock(com.sun.source.tree.BlockTree b, String inside) {
          return super.visitBlock(b, inside == null ? "an initializer block" : inside);
        }

        @Override
        public Void visitLambdaExpression(com.sun.source.tree.LambdaExpressionTree l, String inside) {
          return super.visitLambdaExpression(l, "a lambda");
        }

        @Override
        public Void visitNewClass(com.sun.source.tree.NewClassTree n, String inside) {
          return super.visitNewClass(n, n.getClassBody() == null ? inside : "an anonymous class");
        }

        @Override
        public Void visitClass(com.sun.source.tree.ClassTree c, String inside) {
          if (inside != null && c.getSimpleName().length() > 0) {
            for (com.sun.source.tree.AnnotationTree a : c.getModifiers().getAnnotations()) {
              String name = a.getAnnotationType().toString();
              if (name.equals(ENERGY_MODEL) || (imported && name.equals("EnergyModel"))) {
                trees.printMessage(Diagnostic.Kind.ERROR, Problem.LOCAL_SPEC.format(c.getSimpleName(), inside), c, unit);
              }
            }
          }
          // A named class's members start afresh; an anonymous one's body stays "inside".
          return super.visitClass(c, c.getSimpleName().length() > 0 ? (inside == null ? null : inside) : inside);
        }
      }.scan(unit, null);
    }
  }

}
