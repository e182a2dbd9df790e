package org.ebm4j.processor.diag;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.Trees;
import javax.annotation.processing.Messager;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * The reports of one model: errors go to javac at the smallest tree that shows them, and the
 * pipeline asks {@link #hasErrors()} after each stage to stop that model.
 */
public final class Diagnostics {
  private final Messager messager;
  private final Trees trees;
  private final CompilationUnitTree unit;
  private final Element element;
  private int errors;

  /**
   * @param trees may be null when method bodies cannot be read; errors then go on elements
   * @param unit the model's compilation unit, or null
   * @param element the model class, where errors without a tree are reported
   */
  public Diagnostics(Messager messager, Trees trees, CompilationUnitTree unit, Element element) {
    this.messager = messager;
    this.trees = trees;
    this.unit = unit;
    this.element = element;
  }

  /** Reports an error at {@code tree}, or at the model class when the tree is unknown. */
  public void error(Tree tree, Problem problem, Object... args) {
    errors++;
    if (tree != null && trees != null && unit != null) {
      trees.printMessage(Diagnostic.Kind.ERROR, problem.format(args), tree, unit);
    } else {
      messager.printMessage(Diagnostic.Kind.ERROR, problem.format(args), element);
    }
  }

  /** Reports an error on an element (a field, method or parameter). */
  public void error(Element at, Problem problem, Object... args) {
    errors++;
    messager.printMessage(Diagnostic.Kind.ERROR, problem.format(args), at == null ? element : at);
  }

  /** Reports an error at an annotation on an element, where javac points at its value. */
  public void error(Element at, javax.lang.model.element.AnnotationMirror annotation, Problem problem, Object... args) {
    errors++;
    messager.printMessage(Diagnostic.Kind.ERROR, problem.format(args), at, annotation);
  }

  /** The source tree of a declaration, or null when trees cannot be read. */
  public Tree tree(Element e) {
    return trees == null ? null : trees.getTree(e);
  }

  public boolean hasErrors() {
    return errors > 0;
  }
}
