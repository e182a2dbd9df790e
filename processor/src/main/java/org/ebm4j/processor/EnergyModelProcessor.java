package org.ebm4j.processor;

import com.google.auto.service.AutoService;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import org.ebm4j.processor.diag.Diagnostics;
import org.ebm4j.processor.diag.Problem;

/**
 * The annotation processor: compiles every {@code @EnergyModel} class into a generated model. No
 * exception reaches javac; an internal failure becomes one error on the model class.
 *
 * <p>Option {@code -Aebm4j.dump=ir,structure,grad,java} prints those stages as notes; {@code
 * -Aebm4j.passes=-cse,-hoist} switches optimisation passes off ({@code none}: all of them).
 */
@AutoService(Processor.class)
public final class EnergyModelProcessor extends AbstractProcessor {
  static final String ENERGY_MODEL = "org.ebm4j.dsl.EnergyModel";

  private Trees trees;
  private String treesProblem;
  private Set<String> dump = Set.of();
  private Set<String> disabledPasses = Set.of();
  private String passesProblem;

  /**
   * Every annotation type: javac hands a processor only the classes it can see, so to find
   * {@code @EnergyModel} classes declared inside methods (which it would silently skip) this one
   * must run on every compilation.
   */
  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of("*");
  }

  @Override
  public Set<String> getSupportedOptions() {
    return Set.of("ebm4j.dump", "ebm4j.passes");
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public synchronized void init(ProcessingEnvironment env) {
    super.init(env);
    String option = env.getOptions().get("ebm4j.dump");
    if (option != null) {
      dump = new HashSet<>(Arrays.asList(option.split(",")));
    }
    try {
      disabledPasses = org.ebm4j.processor.opt.Passes.disabled(env.getOptions().get("ebm4j.passes"));
    } catch (IllegalArgumentException e) {
      passesProblem = "-Aebm4j.passes: " + e.getMessage();
    }
    try {
      trees = Trees.instance(env);
    } catch (IllegalArgumentException e) {
      // IDEs and Gradle's incremental mode wrap the environment: look for javac's behind it.
      ProcessingEnvironment inner = unwrap(env);
      try {
        trees = inner == null ? null : Trees.instance(inner);
      } catch (IllegalArgumentException again) {
        trees = null;
      }
      if (trees == null) {
        treesProblem = env.getClass().getName();
      }
    }
  }

  private static ProcessingEnvironment unwrap(ProcessingEnvironment env) {
    Object candidate = env;
    for (int depth = 0; depth < 4 && candidate != null; depth++) {
      Object holder = Proxy.isProxyClass(candidate.getClass()) ? Proxy.getInvocationHandler(candidate) : candidate;
      Object next = null;
      for (Class<?> c = holder.getClass(); c != null && next == null; c = c.getSuperclass()) {
        for (Field field : c.getDeclaredFields()) {
          if (ProcessingEnvironment.class.isAssignableFrom(field.getType())) {
            try {
              field.setAccessible(true);
              next = field.get(holder);
            } catch (ReflectiveOperationException | RuntimeException e) {
              next = null;
            }
            if (next != null && next != candidate) {
              break;
            }
          }
        }
      }
      if (next == null || next == candidate) {
        return null;
      }
      try {
        Trees.instance((ProcessingEnvironment) next);
        return (ProcessingEnvironment) next;
      } catch (IllegalArgumentException e) {
        candidate = next;
      }
    }
    return null;
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    TypeElement marker = processingEnv.getElementUtils().getTypeElement(ENERGY_MODEL);
    if (marker == null) {
      return false;
    }
    if (trees != null) {
      org.ebm4j.processor.frontend.HiddenSpecs.report(trees, round);
    }
    for (Element element : round.getElementsAnnotatedWith(marker)) {
      if (!(element instanceof TypeElement type)) {
        continue;
      }
      process(type);
    }
    // Claim the round's annotations (javac's -Xlint:processing warns about unclaimed ones) only
    // when they are ours or the platform's, so no other processor loses its own to the "*" above.
    return annotations.stream().map(a -> a.getQualifiedName().toString())
        .allMatch(name -> name.startsWith("org.ebm4j.dsl.") || name.startsWith("java.lang.") || name.equals("javax.annotation.processing.Generated"));
  }

  /**
   * Runs {@code work} on a thread with a deep stack: the analyses recurse along chains of values,
   * and an energy of thousands of terms chains that deep, beyond javac's thread's stack. The
   * caller waits, so javac's objects are still used by one thread at a time.
   */
  private static <T> T withDeepStack(java.util.function.Supplier<T> work) {
    Object[] result = new Object[1];
    Throwable[] failure = new Throwable[1];
    Thread t = new Thread(null, () -> {
      try {
        result[0] = work.get();
      } catch (Throwable e) {
        failure[0] = e;
      }
    }, "ebm4j-processor", 1L << 30);
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while compiling a model", e);
    }
    if (failure[0] instanceof RuntimeException r) {
      throw r;
    }
    if (failure[0] instanceof Error err) {
      throw err;
    }
    @SuppressWarnings("unchecked")
    T value = (T) result[0];
    return value;
  }

  private void process(TypeElement type) {
    if (trees == null) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, Problem.BUILD_TOOL.format(treesProblem), type);
      return;
    }
    if (passesProblem != null) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, passesProblem, type);
      return;
    }
    TreePath path = trees.getPath(type);
    CompilationUnitTree unit = path == null ? null : path.getCompilationUnit();
    Diagnostics diag = new Diagnostics(processingEnv.getMessager(), trees, unit, type);
    try {
      Pipeline.Compiled compiled = withDeepStack(
          () -> Pipeline.compile(type, trees, diag, dump, disabledPasses, text -> processingEnv.getMessager().printMessage(Diagnostic.Kind.NOTE, text)));
      if (compiled != null) {
        compiled.source().writeTo(processingEnv.getFiler());
      }
    } catch (IOException e) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, "ebm4j could not write the generated model for " + type.getQualifiedName() + ": " + e.getMessage(), type);
    } catch (RuntimeException | StackOverflowError e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, Problem.INTERNAL_ERROR.format(type.getQualifiedName(), trace), type);
    }
  }
}
