package org.ebm4j.processor.codegen;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.WildcardTypeName;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;
import org.ebm4j.model.Domain;
import org.ebm4j.processor.ad.Derivatives;
import org.ebm4j.processor.analysis.ActivityAnalysis;
import org.ebm4j.processor.analysis.Structure;
import org.ebm4j.processor.frontend.ModelDeclaration;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.lower.JavaLowering;

/**
 * Emits the generated model class: one method per generated member, assembled by {@link #emit}.
 * Output is deterministic: names come from the spec and from IR value numbers.
 */
public final class ModelEmitter {
  private static final String PKG_MODEL = "org.ebm4j.model";
  private static final ClassName ENERGY_MODEL = ClassName.get(PKG_MODEL, "EnergyModel");
  private static final ClassName FREE_ENERGY = ClassName.get(PKG_MODEL, "FreeEnergy");
  private static final ClassName SCORES = ClassName.get(PKG_MODEL, "Scores");
  private static final ClassName BLOCK_CONDITIONALS = ClassName.get(PKG_MODEL, "BlockConditionals");
  private static final ClassName SITE_CONDITIONALS = ClassName.get(PKG_MODEL, "SiteConditionals");
  private static final ClassName PARAMETER_ROLES = ClassName.get(PKG_MODEL, "ParameterRoles");
  private static final ClassName INTERACTIONS = ClassName.get(PKG_MODEL, "Interactions");
  private static final ClassName BATCH_GRADIENTS = ClassName.get(PKG_MODEL, "BatchGradients");
  private static final ClassName PARAM_LAYOUT = ClassName.get(PKG_MODEL, "ParamLayout");
  private static final ClassName VARIABLES = ClassName.get(PKG_MODEL, "Variables");
  private static final ClassName DOMAIN = ClassName.get(PKG_MODEL, "Domain");
  private static final ClassName KERNELS = ClassName.get("org.ebm4j.kernel", "Kernels");
  private static final ClassName INITS = ClassName.get("org.ebm4j.kernel", "Inits");
  private static final ClassName SPLITTABLE_RANDOM = ClassName.get("java.util", "SplittableRandom");
  private static final ClassName RANDOM_GENERATOR = ClassName.get("java.util.random", "RandomGenerator");
  private static final ClassName LIST = ClassName.get("java.util", "List");
  private static final ClassName MAP = ClassName.get("java.util", "Map");
  private static final ClassName ARRAYS = ClassName.get("java.util", "Arrays");
  private static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");
  private static final TypeName DOUBLES = ArrayTypeName.of(TypeName.DOUBLE);
  private static final TypeName STRINGS = ParameterizedTypeName.get(LIST, ClassName.get(String.class));

  private final ModelDeclaration model;
  private final EnergyFunction f;
  private final Structure structure;
  private final ClassName self;
  /** Variable sets whose energy gradient some member needs, each emitted once. */
  private final Map<Set<String>, String> gradientMethods = new java.util.LinkedHashMap<>();
  private final String energySource;
  private final Derivatives programs;
  /** The lowered programs, and the scratch arrays they need (one field each). */
  private JavaLowering.Lowered energyCode;
  private JavaLowering.Lowered gradientCode;
  private final Map<Set<String>, JavaLowering.Lowered> stateGradientCode = new java.util.HashMap<>();
  private final Map<String, JavaLowering.Lowered> precisionCode = new java.util.LinkedHashMap<>();
  /** The score-matching programs lowered, by method name; empty without {@code Scores}. */
  private final Map<String, JavaLowering.Lowered> scoreCode = new java.util.LinkedHashMap<>();
  private final Map<String, JavaLowering.Scratch> scratch = new java.util.LinkedHashMap<>();
  /** The parts of split bodies, added to the class after the methods that call them. */
  private final List<MethodSpec> partMethods = new ArrayList<>();
  private boolean batchedMembers;

  private ModelEmitter(ModelDeclaration model, EnergyFunction f, Structure structure, Derivatives programs, String energySource) {
    this.model = model;
    this.f = f;
    this.structure = structure;
    this.programs = programs;
    this.energySource = energySource;
    this.self = ClassName.get(model.packageName(), model.generatedName());
  }

  /**
   * The sets of variables whose energy gradient some member needs, each with the name of its
   * method: all of them (input gradients), each block (conditionals) and, with a free energy, the
   * latents. A set needed twice gets its first name.
   */
  public static Map<Set<String>, String> gradientSets(ModelDeclaration model, Structure structure) {
    Map<Set<String>, String> out = new java.util.LinkedHashMap<>();
    Set<String> all = new LinkedHashSet<>();
    model.variables().forEach(v -> all.add(v.name()));
    out.put(all, "dEnergy");
    for (String block : structure.blocks().keySet()) {
      out.putIfAbsent(Set.of(block), "dEnergy_" + block);
    }
    if (structure.freeEnergy()) {
      Set<String> latents = new LinkedHashSet<>();
      model.variables().stream().filter(v -> !v.visible()).forEach(v -> latents.add(v.name()));
      out.putIfAbsent(latents, "dEnergy_latents");
    }
    return out;
  }

  /**
   * Whether the model gets {@code Scores} (the derivatives of log p̃ along lines): every visible
   * unit is real, and latents, if any, are summed out by a free energy (score matching); or there
   * are no latents and every variable is discrete and affine apart from its couplings with itself
   * (the pseudo-likelihood's exact gradient from one line gradient per example).
   */
  public static boolean scores(ModelDeclaration model, Structure structure) {
    boolean anyLatent = model.variables().stream().anyMatch(v -> !v.visible());
    if (!anyLatent && model.variables().stream().allMatch(v -> v.domain().isDiscrete() && structure.affineApartFromCouplings().contains(v.name()))
        && !structure.roles().couplings().isEmpty()) {
      return true;
    }
    return model.variables().stream().filter(ModelDeclaration.VariableDecl::visible).allMatch(v -> v.domain() == org.ebm4j.model.Domain.REAL)
        && (!anyLatent || structure.freeEnergy())
        && model.variables().stream().noneMatch(v -> v.domain() == org.ebm4j.model.Domain.CATEGORICAL);
  }

  /**
   * Whether the model gets the batched members: an energy without regions (loops and ifs stay per
   * state) that depends on the state.
   */
  public static boolean batched(EnergyFunction f) {
    return JavaLowering.batchable(f) && ActivityAnalysis.analyze(f, v -> v.op() == Op.VAR)[f.result()];
  }

  /** Lowers every program to Java and collects the scratch arrays they use. */
  private void lower() {
    energyCode = lower(programs.energy(), "energy_", false);
    gradientCode = lower(programs.paramGradient(), "grad_", true);
    gradientMethods.forEach((vars, name) -> stateGradientCode.put(vars, lower(programs.stateGradients().get(vars), name + "_", false)));
    programs.precisions().forEach((var, p) -> precisionCode.put(var, lower(p, "precision_" + var + "_", false)));
    if (programs.scores() != null) {
      LineStorage storage = new LineStorage(model.params().stream().map(ModelDeclaration.ParamDecl::name).collect(Collectors.toSet()), false);
      Derivatives.Scores p = programs.scores();
      Map<String, EnergyFunction> bodies = new java.util.LinkedHashMap<>();
      bodies.put("score_", p.score());
      bodies.put("line_", p.line());
      bodies.put("lineGradient_", p.lineGradient());
      bodies.put("curvatureGradient_", p.curvatureGradient());
      if (p.laplacian() != null) {
        bodies.put("laplacian_", p.laplacian());
      }
      bodies.forEach((name, program) -> {
        JavaLowering.Lowered lowered = JavaLowering.lower(program, JavaLowering.NumberType.DOUBLE, storage, name, KERNELS);
        lowered.scratch().forEach(sc -> scratch.putIfAbsent(sc.name(), sc));
        scoreCode.put(name, lowered);
      });
    }
  }

  private JavaLowering.Lowered lower(EnergyFunction program, String prefix, boolean paramOutputs) {
    JavaLowering.Lowered lowered = JavaLowering.lower(program, JavaLowering.NumberType.DOUBLE, new Storage("x", paramOutputs ? "grad" : "gx", paramOutputs, false), prefix, KERNELS);
    lowered.scratch().forEach(s -> scratch.putIfAbsent(s.name(), s));
    return lowered;
  }

  /**
   * The generated source for a model.
   *
   * <p>Assumes a verified IR and its proven structure. Guarantees a class implementing {@code
   * EnergyModel} and exactly the capabilities in {@code structure}.
   */
  public static JavaFile emit(ModelDeclaration model, EnergyFunction f, Structure structure, Derivatives programs, String energySource) {
    return new ModelEmitter(model, f, structure, programs, energySource).emit();
  }

  private JavaFile emit() {
    gradientMethods.putAll(gradientSets(model, structure));
    lower();

    TypeSpec.Builder type =
        TypeSpec.classBuilder(self)
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .addSuperinterface(ENERGY_MODEL)
            .addAnnotation(
                AnnotationSpec.builder(GENERATED)
                    .addMember("value", "$S", "org.ebm4j.processor.EnergyModelProcessor")
                    .addMember("comments", "$S", "from " + model.type().getQualifiedName())
                    .build())
            .addOriginatingElement(model.type())
            .addJavadoc(classDoc());
    if (structure.freeEnergy()) {
      type.addSuperinterface(FREE_ENERGY);
    }
    if (!structure.blocks().isEmpty()) {
      type.addSuperinterface(BLOCK_CONDITIONALS);
    }
    if (!structure.sites().isEmpty()) {
      type.addSuperinterface(SITE_CONDITIONALS);
    }
    if (!structure.roles().isEmpty()) {
      type.addSuperinterface(PARAMETER_ROLES);
    }
    if (model.variables().size() > 1) {
      type.addSuperinterface(INTERACTIONS);
    }
    if (programs.scores() != null) {
      type.addSuperinterface(SCORES);
      type.addField(FieldSpec.builder(DOUBLES, "direction", Modifier.PRIVATE, Modifier.FINAL).addJavadoc("Scratch direction u of a line, over the whole state.\n").build());
      type.addMethods(scoreMethods());
    }
    BatchMembers batch = batched(f) ? BatchMembers.ifSmallEnough(model, programs, scratch) : null;
    batchedMembers = batch != null;
    if (batch != null) {
      type.addSuperinterface(BATCH_GRADIENTS);
      if (batch.floats()) {
        type.addSuperinterface(ClassName.get(PKG_MODEL, "FloatBatchGradients"));
      }
      type.addFields(batch.fields());
    }
    type.addField(
        FieldSpec.builder(STRINGS, "DIMENSIONS", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("The dimension names, one builder setter each.\n")
            .initializer("$T.of($L)", LIST, quoted(model.dimensions()))
            .build());
    type.addField(
        FieldSpec.builder(ParameterizedTypeName.get(ClassName.get(Class.class), WildcardTypeName.subtypeOf(Object.class)), "SPEC", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("The annotated class this model was generated from.\n")
            .initializer("$T.class", ClassName.get(model.type()))
            .build());
    type.addFields(fields());
    type.addMethod(constructor());
    type.addMethod(builderMethod());
    type.addMethod(createMethod());
    type.addMethods(accessors());
    type.addMethod(energyMethod());
    type.addMethod(gradientMethod());
    type.addMethod(inputGradientMethod());
    gradientMethods.forEach((vars, name) -> type.addMethod(energyGradientMethod(vars, name)));
    if (structure.freeEnergy()) {
      type.addMethod(freeEnergyMethod());
      type.addMethod(marginalGradientMethod());
      type.addMethod(latentFieldsMethod());
    }
    if (!structure.blocks().isEmpty()) {
      type.addMethods(blockMethods());
    }
    if (!structure.sites().isEmpty()) {
      type.addMethod(conditionalLogitMethod());
      if (model.variables().stream().anyMatch(v -> v.states() != null)) {
        type.addMethod(categoricalLogWeightsMethod());
      }
    }
    if (batch != null) {
      type.addMethods(batch.methods());
    }
    if (!structure.roles().isEmpty()) {
      type.addMethods(rolesMethods());
    }
    if (model.variables().size() > 1) {
      type.addMethod(neighboursMethod());
    }
    type.addMethods(partMethods);
    type.addMethod(describeMethod());
    type.addType(builderType());
    return JavaFile.builder(model.packageName(), type.build())
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
  }

  private String classDoc() {
    StringBuilder doc = new StringBuilder();
    doc.append("Generated by ebm4j from {@link ").append(model.type().getQualifiedName()).append("}.\n\n");
    doc.append("<p>State x: ");
    doc.append(model.variables().stream().map(v -> v.name() + (v.dims().isEmpty() ? "" : "[" + v.dims().get(0) + "]") + " (" + (v.visible() ? "visible" : "latent") + ", " + v.domain().name().toLowerCase(java.util.Locale.ROOT) + ")").collect(Collectors.joining(", ")));
    doc.append(".\n<p>Parameters θ, flat in this order: ");
    doc.append(model.params().stream().map(p -> p.name() + (p.dims().isEmpty() ? "" : p.dims().toString())).collect(Collectors.joining(", ")));
    doc.append(".\n<p>Not thread-safe: scratch arrays belong to the instance.\n");
    return doc.toString().replace("$", "$$");
  }

  private List<String> variableNames() {
    return model.variables().stream().map(ModelDeclaration.VariableDecl::name).toList();
  }

  private static String quoted(List<String> names) {
    return names.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", "));
  }

  // ---------------------------------------------------------------- state

  private List<FieldSpec> fields() {
    List<FieldSpec> out = new ArrayList<>();
    for (String dim : model.dimensions()) {
      out.add(FieldSpec.builder(TypeName.INT, Fields.dimField(dim), Modifier.PRIVATE, Modifier.FINAL).build());
    }
    for (ModelDeclaration.ParamDecl p : model.params()) {
      out.add(FieldSpec.builder(TypeName.INT, Fields.paramOffset(p.name()), Modifier.PRIVATE, Modifier.FINAL).build());
    }
    for (ModelDeclaration.VariableDecl v : model.variables()) {
      out.add(FieldSpec.builder(TypeName.INT, Fields.stateOffset(v.name()), Modifier.PRIVATE, Modifier.FINAL).build());
    }
    out.add(FieldSpec.builder(TypeName.INT, "stateSize", Modifier.PRIVATE, Modifier.FINAL).build());
    out.add(FieldSpec.builder(TypeName.INT, "visibleSize", Modifier.PRIVATE, Modifier.FINAL).build());
    out.add(FieldSpec.builder(DOUBLES, "params", Modifier.PRIVATE, Modifier.FINAL).build());
    out.add(FieldSpec.builder(PARAM_LAYOUT, "layout", Modifier.PRIVATE, Modifier.FINAL).build());
    out.add(FieldSpec.builder(VARIABLES, "variables", Modifier.PRIVATE, Modifier.FINAL).build());
    out.add(FieldSpec.builder(DOUBLES, "state", Modifier.PRIVATE, Modifier.FINAL).addJavadoc("Scratch state for sums over latents and blocks.\n").build());
    out.add(FieldSpec.builder(DOUBLES, "dstate", Modifier.PRIVATE, Modifier.FINAL).addJavadoc("Scratch ∂E/∂x.\n").build());
    out.add(FieldSpec.builder(DOUBLES, "dstate1", Modifier.PRIVATE, Modifier.FINAL).build());
    for (JavaLowering.Scratch s : scratch.values()) {
      out.add(FieldSpec.builder(DOUBLES, s.name(), Modifier.PRIVATE, Modifier.FINAL).build());
    }
    return out;
  }

  private MethodSpec constructor() {
    MethodSpec.Builder m = MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE);
    // Parameters named apart from the dimensions, so a dimension may be called 'offset' or
    // 'stateSize' without meeting the constructor's own locals and fields.
    for (String dim : model.dimensions()) {
      m.addParameter(TypeName.INT, "size_" + dim);
    }
    m.addParameter(TypeName.LONG, "seed");
    for (String dim : model.dimensions()) {
      m.addStatement("this.$L = $T.checkDimension($S, size_$L)", Fields.dimField(dim), KERNELS, dim, dim);
    }
    m.addStatement("int offset = 0");
    List<CodeBlock> entries = new ArrayList<>();
    for (ModelDeclaration.ParamDecl p : model.params()) {
      m.addStatement("this.$L = offset", Fields.paramOffset(p.name()));
      m.addStatement("offset = $T.grow($S, $S, offset$L)", KERNELS, "parameter " + p.name(), dimsText(p.dims()), sizeArguments(p.dims()));
      entries.add(CodeBlock.of("new $T.Entry($S, $L, $T.of($L), $T.of($L))", PARAM_LAYOUT, p.name(), Fields.paramOffset(p.name()), LIST, quoted(p.dims()), LIST, dimFields(p.dims())));
    }
    m.addStatement("this.params = new double[offset]");
    m.addStatement("this.layout = new $T($T.of($L))", PARAM_LAYOUT, LIST, CodeBlock.join(entries, ",\n"));
    m.addStatement("int at = 0");
    List<CodeBlock> vars = new ArrayList<>();
    for (ModelDeclaration.VariableDecl v : model.variables()) {
      m.addStatement("this.$L = at", Fields.stateOffset(v.name()));
      m.addStatement("at = $T.grow($S, $S, at$L)", KERNELS, "variable " + v.name(), dimsText(v.dims()), sizeArguments(v.dims()));
      if (v.states() != null) {
        String states = Fields.dimField(v.states());
        m.beginControlFlow("if ($L % $L != 0)", sizeExpression(v.dims()), states);
        m.addStatement(
            "throw new IllegalArgumentException($S + $L + $S + $L + $S)",
            "variable " + v.name() + ": " + v.dims().get(0) + " = ", sizeExpression(v.dims()),
            " is not a multiple of " + v.states() + " = ", states,
            "; a @Categorical variable holds one-hot units of " + v.states() + " indicators each, so " + v.dims().get(0) + " = units × " + v.states());
        m.endControlFlow();
      }
      vars.add(CodeBlock.of("new $T.Variable($S, $L, $T.$L, $L, $L, $T.of($L), $L)", VARIABLES, v.name(), v.visible(), DOMAIN, v.domain().name(), Fields.stateOffset(v.name()), sizeExpression(v.dims()), LIST, quoted(v.dims()), v.states() == null ? "1" : Fields.dimField(v.states())));
    }
    m.addStatement("this.stateSize = at");
    m.addStatement("this.variables = new $T($T.of($L))", VARIABLES, LIST, CodeBlock.join(vars, ",\n"));
    m.addStatement("this.visibleSize = variables.visibleSize()");
    m.addStatement("this.state = new double[stateSize]");
    m.addStatement("this.dstate = new double[stateSize]");
    m.addStatement("this.dstate1 = new double[stateSize]");
    if (programs.scores() != null) {
      m.addStatement("this.direction = new double[stateSize]");
    }
    for (JavaLowering.Scratch s : scratch.values()) {
      m.addStatement("this.$L = new double[$L]", s.name(), s.copies() == 1 ? sizeExpression(s.dims()) : s.copies() + " * " + sizeExpression(s.dims()));
    }
    m.addComment("Initialise θ in declaration order from one seeded stream.");
    m.addStatement("$T rng = new $T(seed)", SPLITTABLE_RANDOM, SPLITTABLE_RANDOM);
    for (ModelDeclaration.ParamDecl p : model.params()) {
      String off = Fields.paramOffset(p.name());
      String n = sizeExpression(p.dims());
      List<Double> a = p.init().args();
      switch (p.init().kind()) {
        case "zeros" -> {}
        case "constant" -> m.addStatement("$T.constant(params, $L, $L, $L)", INITS, off, n, a.get(0));
        case "normal" -> m.addStatement("$T.normal(params, $L, $L, $L, rng)", INITS, off, n, a.get(0));
        default -> m.addStatement("$T.uniform(params, $L, $L, $L, $L, rng)", INITS, off, n, a.get(0), a.get(1));
      }
    }
    return m.build();
  }

  /** ", dim_a, dim_b" for the checked size helper (", 1" for a scalar). */
  private static String sizeArguments(List<String> dims) {
    return dims.isEmpty() ? ", 1" : dims.stream().map(d -> ", " + Fields.dimField(d)).collect(Collectors.joining());
  }

  private static String dimsText(List<String> dims) {
    return dims.isEmpty() ? "a scalar" : String.join(" × ", dims);
  }

  private static String sizeExpression(List<String> dims) {
    return dims.isEmpty() ? "1" : dims.stream().map(Fields::dimField).collect(Collectors.joining(" * "));
  }

  private static String dimFields(List<String> dims) {
    return dims.stream().map(Fields::dimField).collect(Collectors.joining(", "));
  }

  private MethodSpec builderMethod() {
    return MethodSpec.methodBuilder("builder")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(self.nestedClass("Builder"))
        .addJavadoc("A builder: set every dimension ($L) and optionally the seed.\n", String.join(", ", model.dimensions()))
        .addStatement("return new Builder()")
        .build();
  }

  private MethodSpec createMethod() {
    MethodSpec.Builder m =
        MethodSpec.methodBuilder("create")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(self)
            .addJavadoc("Builds from a map of dimension sizes, for tools that load models by name.\n\n@throws IllegalArgumentException naming a missing or unknown dimension\n")
            .addParameter(ParameterizedTypeName.get(MAP, ClassName.get(String.class), ClassName.get(Integer.class)), "dims")
            .addParameter(TypeName.LONG, "seed");
    m.beginControlFlow("for (String name : dims.keySet())");
    m.beginControlFlow("if (!DIMENSIONS.contains(name))");
    m.addStatement("throw new IllegalArgumentException($S + name + $S + DIMENSIONS)", "unknown dimension '", "'; this model has ");
    m.endControlFlow();
    m.endControlFlow();
    m.addStatement("Builder b = builder().seed(seed)");
    for (String dim : model.dimensions()) {
      m.beginControlFlow("if (!dims.containsKey($S))", dim);
      m.addStatement("throw new IllegalArgumentException($S + DIMENSIONS)", "missing dimension '" + dim + "'; this model needs ");
      m.endControlFlow();
      m.addStatement("b.$L(dims.get($S))", dim, dim);
    }
    m.addStatement("return b.build()");
    return m.build();
  }

  private List<MethodSpec> accessors() {
    return List.of(
        override("params", DOUBLES).addStatement("return params").build(),
        override("layout", PARAM_LAYOUT).addStatement("return layout").build(),
        override("variables", VARIABLES).addStatement("return variables").build(),
        override("visibleSize", TypeName.INT).addStatement("return visibleSize").build(),
        override("stateSize", TypeName.INT).addStatement("return stateSize").build(),
        MethodSpec.methodBuilder("dimension")
            .addModifiers(Modifier.PUBLIC)
            .returns(TypeName.INT)
            .addParameter(String.class, "name")
            .addJavadoc("The size of a named dimension.\n")
            .addCode(dimensionSwitch())
            .build());
  }

  private CodeBlock dimensionSwitch() {
    CodeBlock.Builder c = CodeBlock.builder().beginControlFlow("switch (name)");
    for (String dim : model.dimensions()) {
      c.addStatement("case $S: return $L", dim, Fields.dimField(dim));
    }
    c.addStatement("default: throw new IllegalArgumentException($S + name + $S + DIMENSIONS)", "unknown dimension '", "'; this model has ");
    return c.endControlFlow().build();
  }

  private static MethodSpec.Builder override(String name, TypeName returns) {
    return MethodSpec.methodBuilder(name).addAnnotation(Override.class).addModifiers(Modifier.PUBLIC).returns(returns);
  }

  // ---------------------------------------------------------------- energy and gradients

  private MethodSpec energyMethod() {
    String doc = energySource.replace("*/", "*&#47;").replace("@", "{@literal @}").replace("<", "&lt;").replace(">", "&gt;");
    return override("energy", TypeName.DOUBLE)
        .addJavadoc("E(x; θ) of {@code $L.$L}, as written there$L:\n<pre>\n$L</pre>\n", model.type().getSimpleName(), model.energyMethod().getSimpleName(), model.logDensity() ? " (negated: it returns log p̃)" : "", doc)
        .addParameter(DOUBLES, "x")
        .addStatement("$T.checkLength($S, x, stateSize)", KERNELS, "x")
        .addCode(body("energy", List.of("x"), List.of(DOUBLES), energyCode))
        .addStatement("return $L", energyCode.result())
        .build();
  }

  private MethodSpec gradientMethod() {
    boolean[] active = ActivityAnalysis.analyze(f, v -> v.op() == Op.PARAM);
    MethodSpec.Builder m =
        override("accumulateGradient", TypeName.VOID)
            .addParameter(DOUBLES, "x")
            .addParameter(TypeName.DOUBLE, "weight")
            .addParameter(DOUBLES, "grad")
            .addStatement("$T.checkLength($S, x, stateSize)", KERNELS, "x")
            .addStatement("$T.checkLength($S, grad, params.length)", KERNELS, "grad");
    if (!active[f.result()]) {
      return m.addComment("The energy does not depend on the parameters.").build();
    }
    return m.addCode(body("accumulateGradient", List.of("x", "weight", "grad"), List.of(DOUBLES, TypeName.DOUBLE, DOUBLES), gradientCode)).build();
  }

  private MethodSpec inputGradientMethod() {
    return override("inputGradient", TypeName.VOID)
        .addParameter(DOUBLES, "x")
        .addParameter(DOUBLES, "out")
        .addStatement("$T.checkLength($S, out, stateSize)", KERNELS, "out")
        .addStatement("$T.fill(out, 0.0)", ARRAYS)
        .addStatement("$L(x, -1.0, out)", gradientMethods.get(new LinkedHashSet<>(variableNames())))
        .build();
  }

  /** {@code gx += scale · ∂E/∂x} for the variables in {@code vars}; other entries untouched. */
  private MethodSpec energyGradientMethod(Set<String> vars, String name) {
    boolean[] active = ActivityAnalysis.analyze(f, v -> v.op() == Op.VAR && vars.contains(v.name()));
    MethodSpec.Builder m =
        MethodSpec.methodBuilder(name)
            .addModifiers(Modifier.PRIVATE)
            .addJavadoc("{@code gx += scale · ∂E/∂($L)} at x; other entries of gx are untouched.\n", String.join(", ", vars))
            .addParameter(DOUBLES, "x")
            .addParameter(TypeName.DOUBLE, "scale")
            .addParameter(DOUBLES, "gx")
            .addStatement("$T.checkLength($S, x, stateSize)", KERNELS, "x");
    if (!active[f.result()]) {
      return m.addComment("The energy does not depend on these variables.").build();
    }
    return m.addCode(body(name, List.of("x", "scale", "gx"), List.of(DOUBLES, TypeName.DOUBLE, DOUBLES), stateGradientCode.get(vars))).build();
  }

  /**
   * The code of a lowered body in method {@code method}: inline, or for a body too large for one
   * method (javac's 64 KB limit, HotSpot's 8 KB limit for JIT compilation), calls of its parts,
   * each a private method {@code method_partK} with the same parameters.
   */
  private CodeBlock body(String method, List<String> names, List<TypeName> types, JavaLowering.Lowered lowered) {
    if (lowered.parts().size() <= 1) {
      return CodeBlock.builder().add(fieldsAsLocals()).add(lowered.code()).build();
    }
    CodeBlock.Builder calls = CodeBlock.builder();
    int count = lowered.parts().size();
    for (int k = 0; k < count; k++) {
      String part = method + "_part" + (k + 1);
      MethodSpec.Builder m = MethodSpec.methodBuilder(part).addModifiers(Modifier.PRIVATE)
          .addJavadoc("Part $L of $L of {@code $L}, split so that each part stays small enough to be JIT-compiled.\n", k + 1, count, method);
      for (int i = 0; i < names.size(); i++) {
        m.addParameter(types.get(i), names.get(i));
      }
      partMethods.add(m.addCode(fieldsAsLocals()).addCode(lowered.parts().get(k)).build());
      calls.addStatement("$L($L)", part, String.join(", ", names));
    }
    return calls.build();
  }

  /**
   * For energies with loops: the sizes and offsets as locals of the same names. Inside a loop that
   * stores into arrays the JIT re-reads instance fields it cannot prove unchanged, which costs
   * more than the loop body (measured: the FVBM gradient 20 % slower).
   */
  private CodeBlock fieldsAsLocals() {
    boolean loops = f.body().stmts().stream().anyMatch(st -> st instanceof org.ebm4j.processor.ir.Stmt.Loop || st instanceof org.ebm4j.processor.ir.Stmt.If);
    CodeBlock.Builder b = CodeBlock.builder();
    if (!loops) {
      return b.build();
    }
    java.util.Set<String> dims = new java.util.LinkedHashSet<>();
    model.params().forEach(p -> dims.addAll(p.dims()));
    model.variables().forEach(v -> dims.addAll(v.dims()));
    dims.forEach(d -> b.addStatement("int $L = this.$L", Fields.dimField(d), Fields.dimField(d)));
    // The first parameter and the first variable sit at offset 0: a constant the JIT folds away.
    for (int i = 0; i < model.params().size(); i++) {
      String name = Fields.paramOffset(model.params().get(i).name());
      b.addStatement("int $L = $L", name, i == 0 ? "0" : "this." + name);
    }
    for (int i = 0; i < model.variables().size(); i++) {
      String name = Fields.stateOffset(model.variables().get(i).name());
      b.addStatement("int $L = $L", name, i == 0 ? "0" : "this." + name);
    }
    return b.build();
  }

  // ---------------------------------------------------------------- scores

  private List<MethodSpec> scoreMethods() {
    List<MethodSpec> out = new ArrayList<>();
    out.add(MethodSpec.methodBuilder("loadLine")
        .addModifiers(Modifier.PRIVATE)
        .addJavadoc("Loads v into {@code state} and u into {@code direction}, latents and their directions at 0.\n")
        .addParameter(DOUBLES, "v")
        .addParameter(DOUBLES, "u")
        .addStatement("$T.checkLength($S, v, visibleSize)", KERNELS, "v")
        .addStatement("System.arraycopy(v, 0, state, 0, visibleSize)")
        .addStatement("$T.fill(state, visibleSize, stateSize, 0.0)", ARRAYS)
        .beginControlFlow("if (u != null)")
        .addStatement("$T.checkLength($S, u, visibleSize)", KERNELS, "u")
        .addStatement("System.arraycopy(u, 0, direction, 0, visibleSize)")
        .addStatement("$T.fill(direction, visibleSize, stateSize, 0.0)", ARRAYS)
        .endControlFlow()
        .build());
    out.add(override("score", TypeName.VOID)
        .addParameter(DOUBLES, "v")
        .addParameter(DOUBLES, "score")
        .addStatement("$T.checkLength($S, score, visibleSize)", KERNELS, "score")
        .addStatement("loadLine(v, null)")
        .addStatement("$T.fill(dstate, 0.0)", ARRAYS)
        .addStatement("score_(state, dstate)")
        .addStatement("System.arraycopy(dstate, 0, score, 0, visibleSize)")
        .build());
    out.add(override("lineDerivatives", TypeName.VOID)
        .addParameter(DOUBLES, "v")
        .addParameter(DOUBLES, "u")
        .addParameter(DOUBLES, "out")
        .addStatement("$T.checkLength($S, out, 2)", KERNELS, "out")
        .addStatement("loadLine(v, u)")
        .addStatement("out[0] = 0")
        .addStatement("out[1] = 0")
        .addStatement("line_(state, direction, out)")
        .addComment("The program differentiates the (free) energy; log p̃ is its negative.")
        .addStatement("out[0] = -out[0]")
        .addStatement("out[1] = -out[1]")
        .build());
    for (String name : List.of("LineGradient", "CurvatureGradient")) {
      String program = Character.toLowerCase(name.charAt(0)) + name.substring(1) + "_";
      out.add(override("accumulate" + name, TypeName.VOID)
          .addParameter(DOUBLES, "v")
          .addParameter(DOUBLES, "u")
          .addParameter(TypeName.DOUBLE, "weight")
          .addParameter(DOUBLES, "grad")
          .addStatement("$T.checkLength($S, grad, params.length)", KERNELS, "grad")
          .addStatement("loadLine(v, u)")
          .addStatement("$L(state, direction, weight, grad)", program)
          .build());
    }
    if (scoreCode.containsKey("laplacian_")) {
      JavaLowering.Lowered lowered = scoreCode.get("laplacian_");
      out.add(override("laplacian", TypeName.DOUBLE)
          .addJavadoc("In one sweep: the compiler's forward Laplacian of the (free) energy, whose negative this is.\n")
          .addParameter(DOUBLES, "v")
          .addStatement("loadLine(v, null)")
          .addStatement("return -laplacian_(state)")
          .build());
      out.add(MethodSpec.methodBuilder("laplacian_").addModifiers(Modifier.PRIVATE).returns(TypeName.DOUBLE)
          .addJavadoc("Δ M at x, M the marginal energy (latents at 0 in x): Jacobians and Laplacians carried forward together.\n")
          .addParameter(DOUBLES, "x")
          .addCode(body("laplacian_", List.of("x"), List.of(DOUBLES), lowered))
          .addStatement("return $L", lowered.result())
          .build());
    }
    out.add(scoreBody("score_", "{@code gx += ∇ᵥ log p̃} (latents at 0 in x).", List.of("x", "gx"), List.of(DOUBLES, DOUBLES)));
    out.add(scoreBody("line_", "{@code line[0] += dM/dε}, {@code line[1] += d²M/dε²} along x + εu, M the marginal energy.", List.of("x", "u", "line"), List.of(DOUBLES, DOUBLES, DOUBLES)));
    List<TypeName> types = List.of(DOUBLES, DOUBLES, TypeName.DOUBLE, DOUBLES);
    out.add(scoreBody("lineGradient_", "{@code grad += weight · d/dε ∇θ log p̃} along x + εu: forward over reverse.", List.of("x", "u", "weight", "grad"), types));
    out.add(scoreBody("curvatureGradient_", "{@code grad += weight · d²/dε² ∇θ log p̃} along x + εu: forward twice over reverse.", List.of("x", "u", "weight", "grad"), types));
    return out;
  }

  private MethodSpec scoreBody(String name, String doc, List<String> names, List<TypeName> types) {
    MethodSpec.Builder m = MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE).addJavadoc(doc + "\n");
    for (int i = 0; i < names.size(); i++) {
      m.addParameter(types.get(i), names.get(i));
    }
    return m.addCode(body(name, names, types, scoreCode.get(name))).build();
  }

  // ---------------------------------------------------------------- free energy

  private List<ModelDeclaration.VariableDecl> latents() {
    return model.variables().stream().filter(v -> !v.visible()).toList();
  }

  private String size(ModelDeclaration.VariableDecl v) {
    return sizeExpression(v.dims());
  }

  private MethodSpec latentFieldsMethod() {
    // E is affine in the latents: E(v, h) = E(v, 0) + Σ_j h_j ∂E/∂h_j, the field independent of h.
    MethodSpec.Builder m =
        MethodSpec.methodBuilder("latentFields")
            .addModifiers(Modifier.PRIVATE)
            .returns(TypeName.DOUBLE)
            .addJavadoc("Loads v into {@code state} with the latents at 0, leaves ∂E/∂h in {@code dstate}, and returns E(v, 0).\n")
            .addParameter(DOUBLES, "v")
            .addStatement("$T.checkLength($S, v, visibleSize)", KERNELS, "v")
            .addStatement("System.arraycopy(v, 0, state, 0, visibleSize)")
            .addStatement("$T.fill(state, visibleSize, stateSize, 0.0)", ARRAYS)
            .addStatement("$T.fill(dstate, visibleSize, stateSize, 0.0)", ARRAYS)
            .addStatement("$L(state, 1.0, dstate)", gradientMethodFor(latents()))
            .addStatement("return energy(state)");
    return m.build();
  }

  private String gradientMethodFor(List<ModelDeclaration.VariableDecl> vars) {
    Set<String> names = new LinkedHashSet<>();
    vars.forEach(v -> names.add(v.name()));
    return java.util.Objects.requireNonNull(gradientMethods.get(names), "no gradient method for " + names);
  }

  private MethodSpec freeEnergyMethod() {
    MethodSpec.Builder m =
        override("freeEnergy", TypeName.DOUBLE)
            .addParameter(DOUBLES, "v")
            .addStatement("double free = latentFields(v)");
    for (ModelDeclaration.VariableDecl h : latents()) {
      String off = Fields.stateOffset(h.name());
      if (h.states() != null) {
        m.addComment("Σ over $L's one-hot units of log Σ_a exp(−g_a), g = ∂E/∂h the fields of the unit", h.name());
        m.addStatement("free -= variables.get($S).logPartitionOfFields(dstate, $L)", h.name(), off);
        continue;
      }
      m.beginControlFlow("for (int k = $L; k < $L + $L; k++)", off, off, size(h));
      m.addComment("log Σ_h exp(−g h), g = ∂E/∂h the field of the unit");
      m.addStatement("free -= $T.$L.logPartitionOfField(dstate[k])", DOMAIN, h.domain().name());
      m.endControlFlow();
    }
    return m.addStatement("return free").build();
  }

  private MethodSpec marginalGradientMethod() {
    MethodSpec.Builder m =
        override("accumulateMarginalGradient", TypeName.VOID)
            .addParameter(DOUBLES, "v")
            .addParameter(TypeName.DOUBLE, "weight")
            .addParameter(DOUBLES, "grad")
            .addComment("∇θ E is affine in h, so E_h|v[∇θ E(v, h)] = ∇θ E(v, E[h|v]).")
            .addStatement("latentFields(v)");
    for (ModelDeclaration.VariableDecl h : latents()) {
      String off = Fields.stateOffset(h.name());
      if (h.states() != null) {
        m.addStatement("variables.get($S).meansOfFields(dstate, $L, state, $L)", h.name(), off, off);
        continue;
      }
      m.beginControlFlow("for (int k = $L; k < $L + $L; k++)", off, off, size(h));
      m.addStatement("state[k] = $T.$L.meanOfField(dstate[k])", DOMAIN, h.domain().name());
      m.endControlFlow();
    }
    return m.addStatement("accumulateGradient(state, weight, grad)").build();
  }

  // ---------------------------------------------------------------- blocks

  private List<MethodSpec> blockMethods() {
    List<MethodSpec> out = new ArrayList<>();
    out.add(
        override("blocks", STRINGS)
            .addStatement("return $T.of($L)", LIST, quoted(List.copyOf(structure.blocks().keySet())))
            .build());
    MethodSpec.Builder fields =
        override("conditionalFields", TypeName.VOID)
            .addParameter(String.class, "block")
            .addParameter(DOUBLES, "x")
            .addParameter(DOUBLES, "out")
            .addStatement("$T.checkLength($S, x, stateSize)", KERNELS, "x");
    MethodSpec.Builder sample =
        override("sample", TypeName.VOID)
            .addParameter(String.class, "block")
            .addParameter(DOUBLES, "x")
            .addParameter(RANDOM_GENERATOR, "rng")
            .addStatement("$T.checkLength($S, x, stateSize)", KERNELS, "x");
    MethodSpec.Builder logSum =
        override("logSumOverBlock", TypeName.DOUBLE)
            .addParameter(String.class, "block")
            .addParameter(DOUBLES, "x")
            .addStatement("$T.checkLength($S, x, stateSize)", KERNELS, "x");
    fields.beginControlFlow("switch (block)");
    sample.beginControlFlow("switch (block)");
    logSum.beginControlFlow("switch (block)");
    for (Map.Entry<String, Structure.BlockKind> e : structure.blocks().entrySet()) {
      ModelDeclaration.VariableDecl var = model.variable(e.getKey());
      String off = Fields.stateOffset(var.name());
      String n = size(var);
      String grad = gradientMethodFor(List.of(var));
      fields.beginControlFlow("case $S:", var.name());
      sample.beginControlFlow("case $S:", var.name());
      logSum.beginControlFlow("case $S:", var.name());
      fields.addStatement("$T.checkLength($S, out, $L)", KERNELS, "out", n);
      logSum.addStatement("System.arraycopy(x, 0, state, 0, stateSize)");
      logSum.addStatement("$T.fill(state, $L, $L + $L, 0.0)", ARRAYS, off, off, n);
      logSum.addStatement("$T.fill(dstate, $L, $L + $L, 0.0)", ARRAYS, off, off, n);
      logSum.addStatement("$L(state, 1.0, dstate)", grad);
      logSum.addStatement("double sum = -energy(state)");
      switch (e.getValue()) {
        case BINARY, SPIN -> {
          String domain = var.domain().name();
          // Affine in the block: the field g = ∂E/∂x_k does not depend on the block's values.
          for (MethodSpec.Builder m : List.of(fields, sample)) {
            m.addStatement("$T.fill(dstate, $L, $L + $L, 0.0)", ARRAYS, off, off, n);
            m.addStatement("$L(x, 1.0, dstate)", grad);
          }
          fields.beginControlFlow("for (int k = 0; k < $L; k++)", n);
          fields.addStatement("out[k] = $T.$L.logitOfField(dstate[$L + k])", DOMAIN, domain, off);
          fields.endControlFlow();
          sample.beginControlFlow("for (int k = 0; k < $L; k++)", n);
          sample.addStatement("x[$L + k] = $T.$L.draw($T.$L.logitOfField(dstate[$L + k]), rng.nextDouble())", off, DOMAIN, domain, DOMAIN, domain, off);
          sample.endControlFlow();
          logSum.beginControlFlow("for (int k = $L; k < $L + $L; k++)", off, off, n);
          logSum.addStatement("sum += $T.$L.logPartitionOfField(dstate[k])", DOMAIN, domain);
          logSum.endControlFlow();
        }
        case CATEGORICAL -> {
          // Affine in the block: each one-hot unit is a softmax of its fields −∂E/∂x_a.
          for (MethodSpec.Builder m : List.of(fields, sample)) {
            m.addStatement("$T.fill(dstate, $L, $L + $L, 0.0)", ARRAYS, off, off, n);
            m.addStatement("$L(x, 1.0, dstate)", grad);
          }
          fields.beginControlFlow("for (int k = 0; k < $L; k++)", n);
          fields.addStatement("out[k] = -dstate[$L + k]", off);
          fields.endControlFlow();
          sample.addStatement("variables.get($S).drawFromFields(dstate, $L, x, $L, rng)", var.name(), off, off);
          logSum.addStatement("sum += variables.get($S).logPartitionOfFields(dstate, $L)", var.name(), off);
        }
        case GAUSSIAN -> {
          // E = c + Σ_k (a_k x_k² + b_k x_k): ∂E/∂x_k is b_k at x_k = 0 and 2a_k + b_k at 1.
          for (MethodSpec.Builder m : List.of(fields, sample)) {
            m.addStatement("gaussian_$L(x)", var.name());
          }
          fields.beginControlFlow("for (int k = 0; k < $L; k++)", n);
          fields.addStatement("out[k] = -dstate[$L + k] / dstate1[$L + k]", off, off);
          fields.endControlFlow();
          sample.beginControlFlow("for (int k = 0; k < $L; k++)", n);
          sample.addStatement("double precision = dstate1[$L + k]", off);
          sample.addStatement("x[$L + k] = -dstate[$L + k] / precision + rng.nextGaussian() / Math.sqrt(precision)", off, off);
          sample.endControlFlow();
          logSum.addStatement("$L(state)", "gaussian_" + var.name());
          logSum.beginControlFlow("for (int k = $L; k < $L + $L; k++)", off, off, n);
          logSum.addStatement("double a = 0.5 * dstate1[k]");
          logSum.addComment("∫ exp(−a x² − b x) dx = sqrt(π / a) exp(b² / 4a)");
          logSum.addStatement("sum += 0.5 * Math.log(Math.PI / a) + dstate[k] * dstate[k] / (4.0 * a)");
          logSum.endControlFlow();
          out.add(gaussianMethod(var, grad));
          out.add(precisionMethod(var.name()));
        }
        default -> throw new IllegalStateException();
      }
      fields.addStatement("return");
      sample.addStatement("return");
      logSum.addStatement("return sum");
      fields.endControlFlow();
      sample.endControlFlow();
      logSum.endControlFlow();
    }
    for (MethodSpec.Builder m : List.of(fields, sample, logSum)) {
      m.addStatement("default: throw new IllegalArgumentException($S + block + $S + blocks())", "no block '", "'; the blocks are ");
      m.endControlFlow();
    }
    out.add(fields.build());
    out.add(sample.build());
    out.add(logSum.build());
    return out;
  }

  private MethodSpec gaussianMethod(ModelDeclaration.VariableDecl var, String grad) {
    String off = Fields.stateOffset(var.name());
    String n = size(var);
    return MethodSpec.methodBuilder("gaussian_" + var.name())
        .addModifiers(Modifier.PRIVATE)
        .addJavadoc("Leaves ∂E/∂$L at $L = 0 (the linear coefficient) in {@code dstate} and the precision ∂²E/∂$L² in {@code dstate1}.\n", var.name(), var.name(), var.name())
        .addParameter(DOUBLES, "x")
        .addStatement("System.arraycopy(x, 0, state, 0, stateSize)")
        .addStatement("$T.fill(state, $L, $L + $L, 0.0)", ARRAYS, off, off, n)
        .addStatement("$T.fill(dstate, $L, $L + $L, 0.0)", ARRAYS, off, off, n)
        .addStatement("$L(state, 1.0, dstate)", grad)
        .addComment("The precision from the second derivative itself, not a difference of gradients that large fields cancel.")
        .addStatement("$T.fill(state, $L, $L + $L, 1.0)", ARRAYS, off, off, n)
        .addStatement("$T.fill(dstate1, $L, $L + $L, 0.0)", ARRAYS, off, off, n)
        .addStatement("precision_$L(state, 1.0, dstate1)", var.name())
        .beginControlFlow("for (int k = $L; k < $L + $L; k++)", off, off, n)
        .beginControlFlow("if (!(dstate1[k] > 0))")
        .addStatement("throw new ArithmeticException($S + (k - $L) + $S + dstate1[k] + $S)", "the conditional of '" + var.name() + "' is not normalizable: unit ", off,
            " has precision ", " (∂²E/∂" + var.name() + "², at these parameters and the other units); the energy must grow like "
                + var.name() + "² in every unit: add a term such as 0.5 * sumSquares(" + var.name() + ") or keep its coefficient positive")
        .endControlFlow()
        .endControlFlow()
        .build();
  }

  /** {@code gx += scale · ∂²E/∂x_k² · x_k} over the Gaussian block {@code var}: the precision at x_k = 1. */
  private MethodSpec precisionMethod(String var) {
    return MethodSpec.methodBuilder("precision_" + var)
        .addModifiers(Modifier.PRIVATE)
        .addJavadoc("{@code gx += scale · ∂²E/∂$L_k² · $L_k}: forward mode over the block's gradient (the block is proven quadratic without cross terms).\n", var, var)
        .addParameter(DOUBLES, "x")
        .addParameter(TypeName.DOUBLE, "scale")
        .addParameter(DOUBLES, "gx")
        .addCode(body("precision_" + var, List.of("x", "scale", "gx"), List.of(DOUBLES, TypeName.DOUBLE, DOUBLES), precisionCode.get(var)))
        .build();
  }

  private MethodSpec conditionalLogitMethod() {
    MethodSpec.Builder m =
        override("conditionalLogit", TypeName.DOUBLE)
            .addParameter(DOUBLES, "x")
            .addParameter(TypeName.INT, "site")
            .addStatement("$T.checkLength($S, x, stateSize)", KERNELS, "x")
            .addStatement("double low")
            .addStatement("double high");
    boolean first = true;
    for (ModelDeclaration.VariableDecl v : model.variables()) {
      if (!v.domain().isTwoValued()) {
        continue;
      }
      String off = Fields.stateOffset(v.name());
      String cond = "site >= " + off + " && site < " + off + " + " + size(v);
      if (first) {
        m.beginControlFlow("if ($L)", cond);
      } else {
        m.nextControlFlow("else if ($L)", cond);
      }
      first = false;
      m.addStatement("low = $T.$L.low()", DOMAIN, v.domain().name());
      m.addStatement("high = $T.$L.high()", DOMAIN, v.domain().name());
    }
    if (first) {
      return m.addStatement("throw new IllegalArgumentException($S + site + $S)", "state index ", " is not a binary or spin unit").build();
    }
    m.nextControlFlow("else");
    m.addStatement("throw new IllegalArgumentException($S + site + $S)", "state index ", " is not a binary or spin unit");
    m.endControlFlow();
    m.addComment("log p(high | rest) / p(low | rest) = E(low) − E(high); x is restored.");
    m.addStatement("double saved = x[site]");
    m.addStatement("x[site] = high");
    m.addStatement("double eHigh = energy(x)");
    m.addStatement("x[site] = low");
    m.addStatement("double eLow = energy(x)");
    m.addStatement("x[site] = saved");
    return m.addStatement("return eLow - eHigh").build();
  }

  private MethodSpec categoricalLogWeightsMethod() {
    MethodSpec.Builder m =
        override("categoricalLogWeights", TypeName.VOID)
            .addParameter(DOUBLES, "x")
            .addParameter(TypeName.INT, "site")
            .addParameter(DOUBLES, "out")
            .addStatement("$T.checkLength($S, x, stateSize)", KERNELS, "x")
            .addStatement("int first")
            .addStatement("int k");
    boolean first = true;
    for (ModelDeclaration.VariableDecl v : model.variables()) {
      if (v.states() == null) {
        continue;
      }
      String off = Fields.stateOffset(v.name());
      String cond = "site >= " + off + " && site < " + off + " + " + size(v);
      if (first) {
        m.beginControlFlow("if ($L)", cond);
      } else {
        m.nextControlFlow("else if ($L)", cond);
      }
      first = false;
      m.addStatement("k = $L", Fields.dimField(v.states()));
      m.addStatement("first = $L + (site - $L) / k * k", off, off);
    }
    m.nextControlFlow("else");
    m.addStatement("throw new IllegalArgumentException($S + site + $S)", "state index ", " is not an entry of a categorical unit");
    m.endControlFlow();
    m.addStatement("$T.checkLength($S, out, k)", KERNELS, "out");
    m.addComment("log p̃ of each state of the unit, by the energy (exact whatever the energy's form); x is restored.");
    m.addStatement("double[] saved = $T.copyOfRange(x, first, first + k)", ARRAYS);
    m.addStatement("$T.fill(x, first, first + k, 0.0)", ARRAYS);
    m.beginControlFlow("for (int a = 0; a < k; a++)");
    m.addStatement("x[first + a] = 1");
    m.addStatement("out[a] = -energy(x)");
    m.addStatement("x[first + a] = 0");
    m.endControlFlow();
    m.addStatement("System.arraycopy(saved, 0, x, first, k)");
    return m.build();
  }

  private List<MethodSpec> rolesMethods() {
    List<CodeBlock> couplings = new ArrayList<>();
    for (org.ebm4j.processor.analysis.Roles.Coupling c : structure.roles().couplings()) {
      couplings.add(CodeBlock.of("new $T.Coupling($S, $S, $S, $L)", PARAMETER_ROLES, c.param(), c.left(), c.right(), c.coefficient()));
    }
    List<CodeBlock> biases = new ArrayList<>();
    for (org.ebm4j.processor.analysis.Roles.Bias b : structure.roles().biases()) {
      biases.add(CodeBlock.of("new $T.Bias($S, $S, $L)", PARAMETER_ROLES, b.param(), b.variable(), b.coefficient()));
    }
    return List.of(
        override("affineApartFromCouplings", ParameterizedTypeName.get(LIST, ClassName.get(String.class)))
            .addStatement("return $T.of($L)", LIST, quoted(structure.affineApartFromCouplings()))
            .build(),
        override("couplings", ParameterizedTypeName.get(LIST, PARAMETER_ROLES.nestedClass("Coupling")))
            .addStatement("return $T.of($L)", LIST, CodeBlock.join(couplings, ", "))
            .build(),
        override("biases", ParameterizedTypeName.get(LIST, PARAMETER_ROLES.nestedClass("Bias")))
            .addStatement("return $T.of($L)", LIST, CodeBlock.join(biases, ", "))
            .build());
  }

  private MethodSpec neighboursMethod() {
    MethodSpec.Builder m = override("neighbours", ParameterizedTypeName.get(LIST, ClassName.get(String.class)))
        .addParameter(String.class, "variable")
        .beginControlFlow("switch (variable)");
    structure.neighbours().forEach((v, ns) -> m.addStatement("case $S: return $T.of($L)", v, LIST, quoted(ns)));
    return m.addStatement("default: throw new IllegalArgumentException($S + variable + $S + variables.names())", "no variable '", "'; the model has ")
        .endControlFlow()
        .build();
  }

  /** The variables in chain order when the interactions form one chain (a layered model such as a DBM), else null. */
  private List<String> chain() {
    Map<String, List<String>> g = structure.neighbours();
    if (g.size() < 3 || g.values().stream().anyMatch(n -> n.size() > 2 || n.isEmpty())) {
      return null;
    }
    // Start from an end, a visible one where there is one.
    String start = g.keySet().stream().filter(v -> g.get(v).size() == 1).findFirst().orElse(null);
    if (start == null) {
      return null;
    }
    List<String> order = new ArrayList<>(List.of(start));
    String previous = null;
    String at = start;
    while (true) {
      String from = previous;
      String next = g.get(at).stream().filter(n -> !n.equals(from)).findFirst().orElse(null);
      if (next == null) {
        break;
      }
      order.add(next);
      previous = at;
      at = next;
    }
    return order.size() == g.size() ? order : null;
  }

  /** The variables in groups no two members of which interact, when two groups do (a layered model), else null. */
  private List<List<String>> twoLayers() {
    Map<String, Integer> colour = new java.util.LinkedHashMap<>();
    for (String start : structure.neighbours().keySet()) {
      if (colour.containsKey(start)) {
        continue;
      }
      colour.put(start, 0);
      java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>(List.of(start));
      while (!queue.isEmpty()) {
        String a = queue.poll();
        for (String b : structure.neighbours().get(a)) {
          if (!colour.containsKey(b)) {
            colour.put(b, 1 - colour.get(a));
            queue.add(b);
          } else if (colour.get(b).equals(colour.get(a))) {
            return null;
          }
        }
      }
    }
    List<List<String>> layers = List.of(new ArrayList<>(), new ArrayList<>());
    colour.forEach((v, c) -> layers.get(c).add(v));
    return layers.get(1).isEmpty() ? null : layers;
  }

  private MethodSpec describeMethod() {
    StringBuilder text = new StringBuilder();
    text.append(model.generatedName()).append(" (from ").append(model.type().getSimpleName()).append(")\n");
    text.append("variables:\n");
    for (ModelDeclaration.VariableDecl v : model.variables()) {
      text.append("  ").append(v.name()).append(v.dims().isEmpty() ? "" : v.dims().toString())
          .append(" ").append(v.visible() ? "visible" : "latent").append(" ")
          .append(v.domain().name().toLowerCase(java.util.Locale.ROOT))
          .append(", energy degree ").append(degree(structure.degrees().get(v.name()))).append('\n');
    }
    text.append("parameters:\n");
    for (ModelDeclaration.ParamDecl p : model.params()) {
      text.append("  ").append(p.name()).append(p.dims().isEmpty() ? "" : p.dims().toString()).append(" init ").append(p.init().kind())
          .append(p.init().args().isEmpty() ? "" : p.init().args().stream().map(String::valueOf).collect(Collectors.joining(", ", "(", ")"))).append('\n');
    }
    text.append("structure:\n");
    text.append("  free energy: ").append(structure.freeEnergy() ? "yes (latents summed out analytically)" : "no").append('\n');
    text.append("  blocks: ").append(structure.blocks().isEmpty() ? "none" : structure.blocks().toString().replace("=", ": ").toLowerCase(java.util.Locale.ROOT)).append('\n');
    text.append("  site conditionals: ").append(structure.sites().isEmpty() ? "none" : String.join(", ", structure.sites())).append('\n');
    if (!structure.roles().isEmpty()) {
      List<String> roles = new ArrayList<>();
      structure.roles().couplings().forEach(c -> roles.add(c.param() + " couples " + c.left() + " and " + c.right()));
      structure.roles().biases().forEach(b -> roles.add(b.param() + " is a bias of " + b.variable()));
      text.append("  parameter roles: ").append(String.join(", ", roles)).append('\n');
    }
    if (model.variables().size() > 1) {
      List<String> pairs = structure.interactions();
      List<List<String>> layers = twoLayers();
      text.append("  interactions: ").append(pairs.isEmpty() ? "none (every variable independent of the others)" : String.join(", ", pairs))
          .append(layers == null ? "" : "; independent given the other group: " + String.join(", ", layers.get(0)) + " | " + String.join(", ", layers.get(1)))
          .append('\n');
      List<String> chain = chain();
      if (chain != null) {
        text.append("  layers: ").append(String.join(" | ", chain)).append('\n');
      }
    }
    text.append("  batched gradients: ").append(batchedMembers ? "yes (matrix products through BLAS)"
        : batched(f) ? "no (too large a body to JIT-compile batched; per state)" : "no (loops or ifs: per state)").append('\n');
    return override("describe", ClassName.get(String.class))
        .addStatement("StringBuilder dims = new StringBuilder()")
        .beginControlFlow("for (String d : DIMENSIONS)")
        .addStatement("dims.append(dims.length() == 0 ? \"\" : \", \").append(d).append('=').append(dimension(d))")
        .endControlFlow()
        .addStatement("return $S + $S + dims + $S + params.length + $S", text.toString(), "dimensions: ", "\nparameter count: ", "\n")
        .build();
  }

  private static String degree(int d) {
    return d >= 3 ? "nonpolynomial" : Integer.toString(d);
  }

  private TypeSpec builderType() {
    TypeSpec.Builder b =
        TypeSpec.classBuilder("Builder")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("Sets the dimensions and the seed of a new {@link $T}.\n", self);
    for (String dim : model.dimensions()) {
      b.addField(TypeName.INT, dim, Modifier.PRIVATE);
    }
    b.addField(FieldSpec.builder(TypeName.LONG, "seed", Modifier.PRIVATE).initializer("0L").build());
    b.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    ClassName builder = self.nestedClass("Builder");
    for (String dim : model.dimensions()) {
      b.addMethod(
          MethodSpec.methodBuilder(dim)
              .addModifiers(Modifier.PUBLIC)
              .returns(builder)
              .addJavadoc("Size of dimension {@code $L}.\n", dim)
              .addParameter(TypeName.INT, "size")
              .addStatement("this.$L = size", dim)
              .addStatement("return this")
              .build());
    }
    b.addMethod(
        MethodSpec.methodBuilder("seed")
            .addModifiers(Modifier.PUBLIC)
            .returns(builder)
            .addJavadoc("Seed of the parameter initialisation (default 0).\n")
            .addParameter(TypeName.LONG, "seed")
            .addStatement("this.seed = seed")
            .addStatement("return this")
            .build());
    b.addMethod(
        MethodSpec.methodBuilder("build")
            .addModifiers(Modifier.PUBLIC)
            .returns(self)
            .addJavadoc("A new model with parameters drawn from each {@code init}.\n\n@throws IllegalStateException if a dimension was not set\n")
            .addStatement("return new $T($L)", self, String.join(", ", model.dimensions()) + (model.dimensions().isEmpty() ? "seed" : ", seed"))
            .build());
    return b.build();
  }
}
