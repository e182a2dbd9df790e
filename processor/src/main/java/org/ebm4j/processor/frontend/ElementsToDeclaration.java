package org.ebm4j.processor.frontend;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import org.ebm4j.dsl.Binary;
import org.ebm4j.dsl.Categorical;
import org.ebm4j.dsl.Energy;
import org.ebm4j.dsl.EnergyModel;
import org.ebm4j.dsl.Latent;
import org.ebm4j.dsl.LogDensity;
import org.ebm4j.dsl.Param;
import org.ebm4j.dsl.Real;
import org.ebm4j.dsl.Shape;
import org.ebm4j.dsl.Spin;
import org.ebm4j.dsl.Visible;
import org.ebm4j.model.Domain;
import org.ebm4j.processor.diag.Diagnostics;
import org.ebm4j.processor.diag.Problem;

/**
 * Reads an {@code @EnergyModel} class's annotations and signatures into a {@link
 * ModelDeclaration}, reporting every malformed declaration on its element.
 */
public final class ElementsToDeclaration {
  private static final Pattern INIT =
      Pattern.compile("\\s*(zeros|constant|normal|uniform)\\s*(?:\\((.*)\\))?\\s*");

  private ElementsToDeclaration() {}

  /** The declaration, or null when an error was reported. */
  public static ModelDeclaration read(TypeElement type, Diagnostics diag) {
    if (type.getKind() != ElementKind.CLASS
        || (type.getNestingKind() != NestingKind.TOP_LEVEL
            && (!type.getModifiers().contains(Modifier.STATIC) || type.getModifiers().contains(Modifier.PRIVATE)
                || type.getNestingKind() != NestingKind.MEMBER))) {
      diag.error(type, Problem.NOT_A_CLASS, describe(type));
      return null;
    }
    if (type.getModifiers().contains(Modifier.ABSTRACT)) {
      diag.error(type, Problem.ABSTRACT_SPEC, type.getSimpleName());
      return null;
    }
    if (!annotationValuesResolve(type, diag)) {
      return null;
    }
    List<ModelDeclaration.ParamDecl> params = new ArrayList<>();
    Set<String> dims = new LinkedHashSet<>();
    List<ExecutableElement> energies = new ArrayList<>();
    for (Element member : type.getEnclosedElements()) {
      if (member.getKind() == ElementKind.FIELD && member.getAnnotation(Param.class) != null) {
        ModelDeclaration.ParamDecl p = readParam((VariableElement) member, diag);
        if (p != null) {
          params.add(p);
          dims.addAll(p.dims());
        }
      }
      if (member.getKind() == ElementKind.METHOD
          && (member.getAnnotation(Energy.class) != null
              || member.getAnnotation(LogDensity.class) != null)) {
        energies.add((ExecutableElement) member);
      }
    }
    if (energies.isEmpty()) {
      diag.error(type, Problem.NO_ENERGY_METHOD, type.getSimpleName());
      return null;
    }
    if (energies.size() > 1) {
      List<String> names = energies.stream().map(e -> e.getSimpleName().toString()).toList();
      diag.error(energies.get(1), Problem.TWO_ENERGY_METHODS, type.getSimpleName(), names);
      return null;
    }
    ExecutableElement method = energies.get(0);
    if (method.getReturnType().getKind() != TypeKind.DOUBLE) {
      diag.error(method, Problem.ENERGY_RETURN_TYPE, method.getSimpleName(), method.getReturnType());
    }
    List<ModelDeclaration.VariableDecl> visible = new ArrayList<>();
    List<ModelDeclaration.VariableDecl> latent = new ArrayList<>();
    for (VariableElement parameter : method.getParameters()) {
      ModelDeclaration.VariableDecl v = readVariable(parameter, diag);
      if (v != null) {
        (v.visible() ? visible : latent).add(v);
        dims.addAll(v.dims());
        if (v.states() != null) {
          dims.add(v.states());
        }
      }
    }
    if (!diag.hasErrors() && visible.isEmpty()) {
      diag.error(method, Problem.NO_VISIBLE, type.getSimpleName());
    }
    if (diag.hasErrors()) {
      return null;
    }
    List<ModelDeclaration.VariableDecl> variables = new ArrayList<>(visible);
    variables.addAll(latent);
    for (ModelDeclaration.ParamDecl p : params) {
      for (ModelDeclaration.VariableDecl v : variables) {
        if (p.name().equals(v.name())) {
          diag.error(p.element(), Problem.NAME_CLASH, p.name(), v.name());
          return null;
        }
      }
    }
    EnergyModel annotation = type.getAnnotation(EnergyModel.class);
    String name =
        annotation == null || annotation.name().isEmpty()
            ? type.getSimpleName() + "Model"
            : annotation.name();
    if (!SourceVersion.isIdentifier(name) || SourceVersion.isKeyword(name)) {
      diag.error(type, Problem.BAD_MODEL_NAME, name, "is not a Java class name", type.getSimpleName());
      return null;
    }
    if (name.contentEquals(type.getSimpleName())) {
      diag.error(type, Problem.BAD_MODEL_NAME, name, "is the spec class's own name", type.getSimpleName());
      return null;
    }
    return new ModelDeclaration(
        type,
        packageOf(type),
        name,
        params,
        variables,
        List.copyOf(dims),
        method,
        method.getAnnotation(LogDensity.class) != null);
  }

  /**
   * Whether every value of our annotations on {@code element} and its members and parameters could
   * be read: javac hands processors a value it could not resolve (a misspelt constant) as a
   * mismatch that throws when read, and reports the cause itself.
   */
  private static boolean annotationValuesResolve(TypeElement type, Diagnostics diag) {
    List<Element> elements = new ArrayList<>(List.of(type));
    for (Element member : type.getEnclosedElements()) {
      elements.add(member);
      if (member instanceof ExecutableElement method) {
        elements.addAll(method.getParameters());
      }
    }
    boolean ok = true;
    for (Element e : elements) {
      for (Class<? extends java.lang.annotation.Annotation> kind : List.of(EnergyModel.class, Param.class, org.ebm4j.dsl.Shape.class)) {
        java.lang.annotation.Annotation a = e.getAnnotation(kind);
        if (a == null) {
          continue;
        }
        for (java.lang.reflect.Method value : kind.getDeclaredMethods()) {
          try {
            value.invoke(a);
          } catch (java.lang.reflect.InvocationTargetException ex) {
            javax.lang.model.element.AnnotationMirror mirror = e.getAnnotationMirrors().stream()
                .filter(m -> m.getAnnotationType().toString().equals(kind.getName())).findFirst().orElse(null);
            diag.error(e, mirror, Problem.BAD_ANNOTATION_VALUE, value.getName(), kind.getSimpleName(), describe(e));
            ok = false;
          } catch (IllegalAccessException ex) {
            throw new IllegalStateException(ex);
          }
        }
      }
    }
    return ok;
  }

  private static ModelDeclaration.ParamDecl readParam(VariableElement field, Diagnostics diag) {
    Param annotation = field.getAnnotation(Param.class);
    String name = field.getSimpleName().toString();
    for (Modifier modifier : List.of(Modifier.FINAL, Modifier.STATIC)) {
      if (field.getModifiers().contains(modifier)) {
        // A final field with an initializer is a constant javac folds into the spec's code.
        diag.error(field, Problem.PARAM_MODIFIER, name, modifier.toString(), modifier.toString());
        return null;
      }
    }
    if (diag.tree(field) instanceof com.sun.source.tree.VariableTree tree && tree.getInitializer() != null) {
      String value = tree.getInitializer().toString();
      boolean number = tree.getInitializer() instanceof com.sun.source.tree.LiteralTree;
      diag.error(field, Problem.PARAM_INITIALIZER, name, value, number ? "@Param(init = \"constant(" + value + ")\")" : "@Param(init = \"...\") (zeros, constant(a), normal(std) or uniform(lo,hi))");
      return null;
    }
    int rank = rank(field.asType());
    if (rank < 0) {
      diag.error(field, Problem.PARAM_TYPE, name, field.asType());
      return null;
    }
    List<String> dims = List.of(annotation.shape());
    if (dims.size() != rank) {
      String example = rank == 0 ? "shape = {}" : rank == 1 ? "shape = \"n\"" : "shape = {\"m\", \"n\"}";
      diag.error(field, Problem.PARAM_SHAPE, name, field.asType(), rank, example, dims.size());
      return null;
    }
    for (String dim : dims) {
      if (!checkDimension(dim, field, diag)) {
        return null;
      }
    }
    ModelDeclaration.Init init = parseInit(annotation.init());
    if (init == null) {
      diag.error(field, Problem.PARAM_INIT, name, annotation.init());
      return null;
    }
    return new ModelDeclaration.ParamDecl(name, dims, init, field);
  }

  /** Parses an init string, or returns null when it is not one of the four forms. */
  static ModelDeclaration.Init parseInit(String text) {
    Matcher m = INIT.matcher(text);
    if (!m.matches()) {
      return null;
    }
    String kind = m.group(1);
    List<Double> args = new ArrayList<>();
    if (m.group(2) != null && !m.group(2).isBlank()) {
      for (String part : m.group(2).split(",", -1)) {
        try {
          double value = Double.parseDouble(part.trim());
          if (!Double.isFinite(value)) {
            return null;
          }
          args.add(value);
        } catch (NumberFormatException e) {
          return null;
        }
      }
    }
    int expected =
        switch (kind) {
          case "zeros" -> 0;
          case "constant", "normal" -> 1;
          default -> 2;
        };
    if (args.size() != expected || (kind.equals("zeros") && m.group(2) != null && !m.group(2).isBlank())) {
      return null;
    }
    if (kind.equals("normal") && !(args.get(0) >= 0)) {
      return null;
    }
    if (kind.equals("uniform") && !(args.get(0) <= args.get(1))) {
      return null;
    }
    return new ModelDeclaration.Init(kind, args);
  }

  private static ModelDeclaration.VariableDecl readVariable(VariableElement p, Diagnostics diag) {
    String name = p.getSimpleName().toString();
    boolean isVisible = p.getAnnotation(Visible.class) != null;
    boolean isLatent = p.getAnnotation(Latent.class) != null;
    if (isVisible == isLatent) {
      diag.error(p, Problem.VARIABLE_ROLE, name);
      return null;
    }
    List<Domain> domains = new ArrayList<>();
    if (p.getAnnotation(Binary.class) != null) {
      domains.add(Domain.BINARY);
    }
    if (p.getAnnotation(Spin.class) != null) {
      domains.add(Domain.SPIN);
    }
    if (p.getAnnotation(Real.class) != null) {
      domains.add(Domain.REAL);
    }
    Categorical categorical = p.getAnnotation(Categorical.class);
    if (categorical != null) {
      domains.add(Domain.CATEGORICAL);
    }
    if (domains.size() != 1) {
      diag.error(p, Problem.VARIABLE_DOMAIN, name);
      return null;
    }
    int rank = rank(p.asType());
    Shape shape = p.getAnnotation(Shape.class);
    List<String> dims = shape == null ? List.of() : List.of(shape.value());
    if (rank != 0 && rank != 1) {
      diag.error(
          p,
          Problem.VARIABLE_SHAPE,
          name,
          "has type " + p.asType() + "; a variable must be a double or a double[] with @Shape");
      return null;
    }
    if (rank == 1 && dims.size() != 1) {
      diag.error(
          p,
          Problem.VARIABLE_SHAPE,
          name,
          shape == null
              ? "a double[] variable needs @Shape(\"dim\") naming its dimension"
              : "@Shape of a double[] names exactly one dimension, got " + dims);
      return null;
    }
    if (rank == 0 && !dims.isEmpty()) {
      diag.error(p, Problem.VARIABLE_SHAPE, name, "a scalar double variable takes no @Shape");
      return null;
    }
    for (String dim : dims) {
      if (!checkDimension(dim, p, diag)) {
        return null;
      }
    }
    String states = null;
    if (categorical != null) {
      states = categorical.states();
      if (rank != 1) {
        diag.error(
            p,
            Problem.VARIABLE_SHAPE,
            name,
            "a @Categorical variable is a one-hot double[] with @Shape(\"units\"), its entries in groups of @Categorical(states = ...)");
        return null;
      }
      if (!checkDimension(states, p, diag)) {
        return null;
      }
      if (states.equals(dims.get(0))) {
        diag.error(
            p,
            Problem.VARIABLE_SHAPE,
            name,
            "@Categorical(states = \"" + states + "\") names the variable's own dimension; the variable holds (units × states) indicators, so give the states their own dimension");
        return null;
      }
    }
    return new ModelDeclaration.VariableDecl(name, isVisible, domains.get(0), dims, states, p);
  }

  private static boolean checkDimension(String dim, Element at, Diagnostics diag) {
    if (!SourceVersion.isIdentifier(dim) || SourceVersion.isKeyword(dim)) {
      diag.error(at, Problem.BAD_DIMENSION, dim, "is not a Java identifier");
      return false;
    }
    if (dim.equals("seed") || dim.equals("build") || dim.equals("params")) {
      diag.error(at, Problem.BAD_DIMENSION, dim, "is reserved by the generated builder");
      return false;
    }
    return true;
  }

  /** 0 for double, 1 for double[], 2 for double[][], -1 for anything else. */
  static int rank(TypeMirror t) {
    int rank = 0;
    while (t.getKind() == TypeKind.ARRAY) {
      t = ((ArrayType) t).getComponentType();
      rank++;
    }
    return t.getKind() == TypeKind.DOUBLE && rank <= 2 ? rank : -1;
  }

  private static String packageOf(Element e) {
    while (!(e instanceof PackageElement)) {
      e = e.getEnclosingElement();
    }
    return ((PackageElement) e).getQualifiedName().toString();
  }

  private static String describe(Element e) {
    if (e instanceof TypeElement type) {
      return "class " + type.getSimpleName();
    }
    String kind = switch (e.getKind()) {
      case FIELD -> "field";
      case METHOD -> "method";
      case PARAMETER -> "parameter";
      default -> e.getKind().toString().toLowerCase(java.util.Locale.ROOT);
    };
    return kind + " '" + e.getSimpleName() + "'";
  }

  private static String describe(TypeElement type) {
    return type.getKind().toString().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
        + " "
        + type.getSimpleName()
        + (type.getNestingKind() == NestingKind.TOP_LEVEL ? "" : " (a nested class must be static and not private)");
  }
}
