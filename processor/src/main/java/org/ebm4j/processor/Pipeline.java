package org.ebm4j.processor;

import com.palantir.javapoet.JavaFile;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.TypeElement;
import org.ebm4j.processor.ad.Derivatives;
import org.ebm4j.processor.analysis.Structure;
import org.ebm4j.processor.analysis.StructureAnalysis;
import org.ebm4j.processor.codegen.ModelEmitter;
import org.ebm4j.processor.diag.Diagnostics;
import org.ebm4j.processor.frontend.ElementsToDeclaration;
import org.ebm4j.processor.frontend.ModelDeclaration;
import org.ebm4j.processor.frontend.TreeToIr;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.IrPrinter;
import org.ebm4j.processor.ir.IrVerifier;
import org.ebm4j.processor.opt.Passes;

/**
 * The compiler's recipe for one model: declaration → energy IR → verified IR → structure →
 * derivatives as IR (reverse mode) → optimisation passes → lowering to Java. Each stage passes a
 * value to the next and can be printed with {@code -Aebm4j.dump=ir,structure,grad,java}; the
 * front end stops the model when it reported an error.
 */
public final class Pipeline {
  private Pipeline() {}

  /** The result of compiling one model: its declaration, IR and structure, and the source. */
  public record Compiled(ModelDeclaration model, EnergyFunction ir, Structure structure, Derivatives programs, JavaFile source) {}

  /**
   * Compiles one {@code @EnergyModel} class, or returns null after reporting its errors.
   *
   * @param dump stages to print ({@code ir}, {@code structure}, {@code grad}, {@code java}) to {@code log}
   * @param disabledPasses optimisation passes not to run ({@link Passes} spellings)
   */
  public static Compiled compile(TypeElement type, Trees trees, Diagnostics diag, Set<String> dump, Set<String> disabledPasses, java.util.function.Consumer<String> log) {
    ModelDeclaration model = ElementsToDeclaration.read(type, diag);
    if (model == null || diag.hasErrors()) {
      return null;
    }
    TreePath path = trees.getPath(model.energyMethod());
    if (path == null || !(path.getLeaf() instanceof MethodTree method)) {
      return null;
    }
    CompilationUnitTree unit = path.getCompilationUnit();
    EnergyFunction ir = TreeToIr.translate(model, method, unit, diag);
    if (ir == null || diag.hasErrors()) {
      return null;
    }
    IrVerifier.verify(ir);
    if (dump.contains("ir")) {
      log.accept("ebm4j IR of " + type.getQualifiedName() + ":\n" + IrPrinter.print(ir));
    }
    Structure structure = StructureAnalysis.analyze(ir);
    if (dump.contains("structure")) {
      log.accept("ebm4j structure of " + type.getQualifiedName() + ": " + structure);
    }
    Derivatives programs = Derivatives.of(ir, List.copyOf(ModelEmitter.gradientSets(model, structure).keySet()), ModelEmitter.batched(ir),
        structure.blocks().entrySet().stream().filter(e -> e.getValue() == org.ebm4j.processor.analysis.Structure.BlockKind.GAUSSIAN).map(java.util.Map.Entry::getKey).toList(),
        ModelEmitter.scores(model, structure)).map(p -> Passes.optimize(p, disabledPasses));
    if (dump.contains("grad")) {
      log.accept("ebm4j gradient in θ of " + type.getQualifiedName() + ":\n" + IrPrinter.print(programs.paramGradient()));
      programs.stateGradients().forEach((vars, g) -> log.accept("ebm4j gradient in " + vars + " of " + type.getQualifiedName() + ":\n" + IrPrinter.print(g)));
      if (programs.scores() != null) {
        programs.scores().objectiveGradients().forEach((form, g) ->
            log.accept("ebm4j gradient in θ of the " + form + " score-matching objective of " + type.getQualifiedName() + ":\n" + IrPrinter.print(g)));
      }
    }
    JavaFile source = ModelEmitter.emit(model, ir, structure, programs, method.getBody().toString());
    if (dump.contains("java")) {
      log.accept(source.toString());
    }
    return new Compiled(model, ir, structure, programs, source);
  }
}
