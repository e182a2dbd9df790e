package org.ebm4j.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import org.junit.jupiter.api.Test;

/**
 * The processor inside environments other than plain javac: wrapped by a build tool (with and
 * without a reachable javac environment behind the wrapper), and failing internally.
 */
class EnvironmentTest {

  /** Runs the real processor with {@code init} given a wrapped environment. */
  private static final class Wrapping extends AbstractProcessor {
    private final EnergyModelProcessor inner = new EnergyModelProcessor();
    private final java.util.function.Function<ProcessingEnvironment, ProcessingEnvironment> wrap;

    Wrapping(java.util.function.Function<ProcessingEnvironment, ProcessingEnvironment> wrap) {
      this.wrap = wrap;
    }

    @Override
    public synchronized void init(ProcessingEnvironment env) {
      super.init(env);
      inner.init(wrap.apply(env));
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return inner.getSupportedAnnotationTypes();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      return inner.process(annotations, round);
    }
  }

  /** Forwards every call; keeps the target only in an array, so it cannot be found by its type. */
  private static ProcessingEnvironment hidden(ProcessingEnvironment env) {
    Object[] target = {env};
    return (ProcessingEnvironment) Proxy.newProxyInstance(
        EnvironmentTest.class.getClassLoader(), new Class<?>[] {ProcessingEnvironment.class},
        (proxy, method, args) -> invoke(method, target[0], args));
  }

  /** A wrapper like Gradle's: a field holds javac's environment; its Filer always fails. */
  static class BrokenFiler implements InvocationHandler {
    final ProcessingEnvironment delegate;

    BrokenFiler(ProcessingEnvironment delegate) {
      this.delegate = delegate;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getName().equals("getFiler")) {
        return Proxy.newProxyInstance(EnvironmentTest.class.getClassLoader(), new Class<?>[] {Filer.class},
            (p, m, a) -> {
              throw new IllegalStateException("simulated failure inside the processor");
            });
      }
      return EnvironmentTest.invoke(method, delegate, args);
    }
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Test
  void unknownOptimisationPassIsReportedOnTheModel() {
    Compilation c = Compile.compile(List.of("-Aebm4j.passes=-cse,-hoisting"), Compile.source("test.Good", DiagnosticsTest.GOOD));
    assertThat(c).hadErrorContaining("-Aebm4j.passes: unknown pass 'hoisting'; the passes are fold-adjoints, simplify, cse, hoist, zero-skip, share-exp, dce");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void unreadableEnvironmentIsReportedNotCrashed() {
    Compilation c = Compiler.javac().withProcessors(new Wrapping(EnvironmentTest::hidden))
        .compile(Compile.source("test.Good", DiagnosticsTest.GOOD));
    assertThat(c).hadErrorContaining("[EBM139]");
    assertThat(c).hadErrorContaining("cannot read method bodies in this build environment");
  }

  @Test
  void wrappedEnvironmentIsUnwrapped() {
    Compilation c = Compiler.javac()
        .withProcessors(new Wrapping(env -> (ProcessingEnvironment) Proxy.newProxyInstance(
            EnvironmentTest.class.getClassLoader(), new Class<?>[] {ProcessingEnvironment.class}, new BrokenFiler(env) {
              @Override
              public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
                return EnvironmentTest.invoke(method, delegate, args);
              }
            })))
        .compile(Compile.source("test.Good", DiagnosticsTest.GOOD));
    assertThat(c).succeeded();
    assertThat(c).generatedSourceFile("test.GoodModel");
  }

  @Test
  void internalFailureBecomesOneErrorOnTheModel() {
    Compilation c = Compiler.javac()
        .withProcessors(new Wrapping(env -> (ProcessingEnvironment) Proxy.newProxyInstance(
            EnvironmentTest.class.getClassLoader(), new Class<?>[] {ProcessingEnvironment.class}, new BrokenFiler(env))))
        .compile(Compile.source("test.Good", DiagnosticsTest.GOOD));
    assertThat(c).hadErrorContaining("[EBM100]");
    assertThat(c).hadErrorContaining("this is an ebm4j bug");
    assertThat(c).hadErrorContaining("simulated failure inside the processor");
    assertThat(c).hadErrorCount(1);
  }
}
