package org.ebm4j.processor.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Modifier;
import org.ebm4j.processor.ad.Derivatives;
import org.ebm4j.processor.ad.LaplacianMode;
import org.ebm4j.processor.frontend.ModelDeclaration;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.lower.JavaLowering;

/**
 * The {@code BatchGradients} members: the gradient programs lowered for a batch of states (rows of
 * {@code xs}), so that matrix products run as matrix–matrix work. Per-row scratch arrays grow on
 * demand ({@code ensureBatch}).
 */
final class BatchMembers {
  private static final TypeName DOUBLES = ArrayTypeName.of(TypeName.DOUBLE);
  private static final ClassName KERNELS = ClassName.get("org.ebm4j.kernel", "Kernels");
  private static final ClassName BLAS = ClassName.get("org.ebm4j.kernel", "Blas");

  private final ModelDeclaration model;
  private final Derivatives programs;
  private final JavaLowering.Lowered gradient;
  private final Map<String, JavaLowering.Lowered> stateGradients = new LinkedHashMap<>();
  private final Map<String, JavaLowering.Scratch> rows = new LinkedHashMap<>();
  /** Array kernels of {@code Kernels} with float overloads; float members using others are not offered. */
  private static final Set<String> FLOAT_KERNELS = Set.of("dot", "sum", "sumSquares", "axpy", "sigmoid", "softplus", "tanh", "logSigmoid", "logCosh",
      "expNegAbs", "tanhE", "sigmoidE", "softplusE");

  /** The same gradient programs lowered in float32, and their scratch (all float arrays). */
  private final JavaLowering.Lowered floatGradient;
  private final Map<String, JavaLowering.Lowered> floatStateGradients = new LinkedHashMap<>();
  private final Map<String, JavaLowering.Scratch> floatScratch = new LinkedHashMap<>();
  /** Score matching's programs for a batch, by member; empty without {@code Scores}. */
  private final Map<String, JavaLowering.Lowered> lines = new LinkedHashMap<>();
  /**
   * The per-row scratch of each line program, allocated on that member's first use: a curvature
   * gradient may need a matrix per row (an outer product), which callers of the other members should
   * not pay for.
   */
  private final Map<String, List<JavaLowering.Scratch>> lineScratch = new LinkedHashMap<>();

  /** @param shared collects the scratch arrays that are not per row (allocated once by the caller) */
  BatchMembers(ModelDeclaration model, Derivatives programs, Map<String, JavaLowering.Scratch> shared) {
    this.model = model;
    this.programs = programs;
    this.gradient = lower(programs.paramGradient(), "batchGrad_", true, shared);
    programs.batchStateGradients().forEach((name, g) -> stateGradients.put(name, lower(g, "batch_" + name + "_", false, shared)));
    this.floatGradient = lowerFloat(programs.paramGradient(), "f_batchGrad_", true);
    programs.batchStateGradients().forEach((name, g) -> floatStateGradients.put(name, lowerFloat(g, "f_batch_" + name + "_", false)));
    if (programs.scores() != null) {
      LineStorage storage = new LineStorage(model.params().stream().map(ModelDeclaration.ParamDecl::name).collect(java.util.stream.Collectors.toSet()), true);
      Derivatives.Scores p = programs.scores();
      lines.put("scoreBatch", lowerLines("scoreBatch", p.score(), "batchScore_", storage, shared));
      lines.put("accumulateLineGradientBatch", lowerLines("accumulateLineGradientBatch", p.lineGradient(), "batchLineGradient_", storage, shared));
      lines.put("accumulateCurvatureGradientBatch", lowerLines("accumulateCurvatureGradientBatch", p.curvatureGradient(), "batchCurvatureGradient_", storage, shared));
      p.objectiveGradients().forEach((form, g) -> {
        // An objective's program is an extra: too large to JIT-compile, the default composition serves.
        String member = objectiveMember(form);
        Map<String, JavaLowering.Scratch> own = new LinkedHashMap<>(shared);
        JavaLowering.Lowered lowered = lowerLines(member, g, "batch" + formName(form) + "Objective_", storage, own);
        if (lowered.size() <= JavaLowering.SPLIT_ABOVE) {
          lines.put(member, lowered);
          shared.putAll(own);
        } else {
          lineScratch.remove(member);
        }
      });
    }
  }

  private JavaLowering.Lowered lowerFloat(EnergyFunction g, String prefix, boolean paramOutputs) {
    JavaLowering.Lowered lowered = JavaLowering.lowerBatched(g, JavaLowering.NumberType.FLOAT,
        new Storage("xs", paramOutputs ? "grad" : "gxs", paramOutputs, true, "paramsF"), prefix, KERNELS, BLAS);
    lowered.scratch().forEach(sc -> floatScratch.putIfAbsent(sc.name(), sc));
    return lowered;
  }

  private JavaLowering.Lowered lowerLines(String member, EnergyFunction g, String prefix, LineStorage storage, Map<String, JavaLowering.Scratch> shared) {
    JavaLowering.Lowered lowered = JavaLowering.lowerBatched(g, JavaLowering.NumberType.DOUBLE, storage, prefix, KERNELS, BLAS);
    List<JavaLowering.Scratch> own = new ArrayList<>();
    for (JavaLowering.Scratch s : lowered.scratch()) {
      if (s.perRow()) {
        own.add(s);
      } else {
        shared.putIfAbsent(s.name(), s);
      }
    }
    lineScratch.put(member, own);
    return lowered;
  }

  /**
   * The members, or null when a batched body would be too large to be JIT-compiled (energies of
   * hundreds of scalar terms): batching only pays for matrix work, and the per-state code, split
   * into parts, serves such models. {@code shared} gets the shared scratch only when batching.
   */
  static BatchMembers ifSmallEnough(ModelDeclaration model, Derivatives programs, Map<String, JavaLowering.Scratch> shared) {
    Map<String, JavaLowering.Scratch> mine = new LinkedHashMap<>(shared);
    BatchMembers batch = new BatchMembers(model, programs, mine);
    int largest = batch.gradient.size();
    for (JavaLowering.Lowered g : batch.stateGradients.values()) {
      largest = Math.max(largest, g.size());
    }
    for (JavaLowering.Lowered g : batch.lines.values()) {
      largest = Math.max(largest, g.size());
    }
    if (largest > JavaLowering.SPLIT_ABOVE) {
      return null;
    }
    shared.putAll(mine);
    return batch;
  }

  private JavaLowering.Lowered lower(EnergyFunction g, String prefix, boolean paramOutputs, Map<String, JavaLowering.Scratch> shared) {
    JavaLowering.Lowered lowered = JavaLowering.lowerBatched(g, JavaLowering.NumberType.DOUBLE, new Storage("xs", paramOutputs ? "grad" : "gxs", paramOutputs, true), prefix, KERNELS, BLAS);
    for (JavaLowering.Scratch s : lowered.scratch()) {
      (s.perRow() ? rows : shared).putIfAbsent(s.name(), s);
    }
    return lowered;
  }

  /**
   * Whether the float32 members exist: every kernel their code calls has a float form (the scalar
   * functions take a float as a double; array kernels need overloads, which the products of an
   * RBM or a DBM have).
   */
  boolean floats() {
    List<JavaLowering.Lowered> all = new ArrayList<>(floatStateGradients.values());
    all.add(floatGradient);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("Kernels\\.([a-zA-Z]+)\\(").matcher("");
    for (JavaLowering.Lowered l : all) {
      m.reset(l.code().toString());
      while (m.find()) {
        if (!FLOAT_KERNELS.contains(m.group(1))) {
          return false;
        }
      }
    }
    return true;
  }

  List<FieldSpec> fields() {
    List<FieldSpec> out = new ArrayList<>();
    out.add(FieldSpec.builder(TypeName.INT, "batchCapacity", Modifier.PRIVATE).build());
    for (JavaLowering.Scratch s : rows.values()) {
      out.add(FieldSpec.builder(DOUBLES, s.name(), Modifier.PRIVATE).initializer("new double[0]").build());
    }
    out.add(FieldSpec.builder(DOUBLES, "batchScratch", Modifier.PRIVATE).initializer("new double[0]").build());
    TypeName floats = ArrayTypeName.of(TypeName.FLOAT);
    if (!floats()) {
      return addLineFields(out);
    }
    out.add(FieldSpec.builder(floats, "paramsF", Modifier.PRIVATE).addJavadoc("θ in float, for the float32 members ({@code loadFloatParams}).\n").initializer("new float[0]").build());
    out.add(FieldSpec.builder(TypeName.INT, "floatCapacity", Modifier.PRIVATE).initializer("-1").build());
    out.add(FieldSpec.builder(floats, "f_batchScratch", Modifier.PRIVATE).initializer("new float[0]").build());
    for (JavaLowering.Scratch sc : floatScratch.values()) {
      out.add(FieldSpec.builder(floats, sc.name(), Modifier.PRIVATE).initializer("new float[0]").build());
    }
    return addLineFields(out);
  }

  private List<FieldSpec> addLineFields(List<FieldSpec> out) {
    if (!lines.isEmpty()) {
      for (String name : List.of("lineXs", "lineUs", "lineGxs")) {
        out.add(FieldSpec.builder(DOUBLES, name, Modifier.PRIVATE).initializer("new double[0]").build());
      }
      lineScratch.forEach((member, scratch) -> {
        out.add(FieldSpec.builder(TypeName.INT, member + "Capacity", Modifier.PRIVATE).build());
        for (JavaLowering.Scratch s : scratch) {
          out.add(FieldSpec.builder(DOUBLES, s.name(), Modifier.PRIVATE).initializer("new double[0]").build());
        }
      });
    }
    return out;
  }

  /** Grows one line member's own per-row scratch, on its first use. */
  private MethodSpec ensureLineMethod(String member) {
    MethodSpec.Builder m = MethodSpec.methodBuilder("ensure_" + member).addModifiers(Modifier.PRIVATE).addParameter(TypeName.INT, "rows")
        .beginControlFlow("if (rows <= $L)", member + "Capacity").addStatement("return").endControlFlow();
    for (JavaLowering.Scratch s : lineScratch.get(member)) {
      m.addStatement("$L = new double[rows * $L]", s.name(), s.dims().isEmpty() ? "1" : String.join(" * ", s.dims().stream().map(Fields::dimField).toList()));
    }
    return m.addStatement("$L = rows", member + "Capacity").build();
  }

  List<MethodSpec> methods() {
    List<MethodSpec> out = new ArrayList<>();
    out.add(MethodSpec.methodBuilder("accumulateGradientBatch").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .addParameter(DOUBLES, "xs").addParameter(TypeName.INT, "rows").addParameter(TypeName.DOUBLE, "weight").addParameter(DOUBLES, "grad")
        .addStatement("gradientBatch(xs, rows, weight, null, grad)")
        .build());
    out.add(MethodSpec.methodBuilder("accumulateGradientBatch").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .addParameter(DOUBLES, "xs").addParameter(TypeName.INT, "rows").addParameter(DOUBLES, "weights").addParameter(DOUBLES, "grad")
        .beginControlFlow("if (weights.length < rows)")
        .addStatement("throw new IllegalArgumentException($S + rows + $S + weights.length)", "a batch of ", " states needs as many weights, got ")
        .endControlFlow()
        .addStatement("gradientBatch(xs, rows, 0.0, weights, grad)")
        .build());
    out.add(MethodSpec.methodBuilder("gradientBatch").addModifiers(Modifier.PRIVATE)
        .addParameter(DOUBLES, "xs").addParameter(TypeName.INT, "rows").addParameter(TypeName.DOUBLE, "weight")
        .addParameter(DOUBLES, "weights").addParameter(DOUBLES, "grad")
        .addStatement("checkBatch(xs, rows)")
        .addStatement("ensureBatch(rows)")
        .addCode(gradient.code())
        .build());
    boolean readsParams = programs.paramGradient().values().stream().anyMatch(v -> v.op() == Op.PARAM);
    out.add(MethodSpec.methodBuilder("gradientMayAliasParams").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .returns(TypeName.BOOLEAN)
        .addJavadoc("$L\n", readsParams
            ? "No: the gradient program reads parameters, which an in-place step would change under it."
            : "Yes: the gradient program reads no parameter, so the gradient may be added to θ in place.")
        .addStatement("return $L", !readsParams)
        .build());
    MethodSpec.Builder m = MethodSpec.methodBuilder("energyGradientBatch").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .addParameter(String.class, "variable").addParameter(DOUBLES, "xs").addParameter(TypeName.INT, "rows").addParameter(DOUBLES, "gxs")
        .addStatement("checkBatch(xs, rows)")
        .addStatement("checkBatch(gxs, rows)")
        .addStatement("ensureBatch(rows)")
        .beginControlFlow("switch (variable)");
    out.add(variableCases(m, stateGradients, "0.0"));
    if (!lines.isEmpty()) {
      out.addAll(lineMethods());
    }
    if (floats()) {
      out.addAll(floatMethods());
    }
    out.add(ensureMethod());
    out.add(MethodSpec.methodBuilder("checkBatch").addModifiers(Modifier.PRIVATE).addParameter(DOUBLES, "xs").addParameter(TypeName.INT, "rows")
        .beginControlFlow("if (rows < 0 || xs.length < (long) rows * stateSize)")
        .addStatement("throw new IllegalArgumentException($S + rows + $S + stateSize + $S + xs.length)", "a batch of ", " states of ", " units needs that many values, got ")
        .endControlFlow()
        .build());
    return out;
  }

  /** One case per variable: its entries of each row of {@code gxs} zeroed, then its gradient program. */
  private MethodSpec variableCases(MethodSpec.Builder m, Map<String, JavaLowering.Lowered> programs, String zero) {
    for (ModelDeclaration.VariableDecl v : model.variables()) {
      String off = Fields.stateOffset(v.name());
      String size = v.dims().isEmpty() ? "1" : Fields.dimField(v.dims().get(0));
      m.beginControlFlow("case $S:", v.name());
      m.beginControlFlow("for (int r = 0; r < rows; r++)");
      m.addStatement("java.util.Arrays.fill(gxs, r * stateSize + $L, r * stateSize + $L + $L, $L)", off, off, size, zero);
      m.endControlFlow();
      m.addCode(programs.get(v.name()).code());
      m.addStatement("return");
      m.endControlFlow();
    }
    m.addStatement("default: throw new IllegalArgumentException($S + variable + $S)", "no variable '", "'");
    m.endControlFlow();
    return m.build();
  }

  /** The {@code FloatBatchGradients} members: the gradient programs lowered in float32. */
  private List<MethodSpec> floatMethods() {
    TypeName floats = ArrayTypeName.of(TypeName.FLOAT);
    List<MethodSpec> out = new ArrayList<>();
    out.add(MethodSpec.methodBuilder("loadFloatParams").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .beginControlFlow("if (paramsF.length != params.length)")
        .addStatement("paramsF = new float[params.length]")
        .endControlFlow()
        .beginControlFlow("for (int k = 0; k < params.length; k++)")
        .addStatement("paramsF[k] = (float) params[k]")
        .endControlFlow()
        .build());
    out.add(MethodSpec.methodBuilder("floatParams").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC).returns(floats)
        .beginControlFlow("if (paramsF.length != params.length)")
        .addStatement("paramsF = new float[params.length]")
        .endControlFlow()
        .addStatement("return paramsF")
        .build());
    // Element-wise values are rounded to float where stored; where the expression is already float
    // the cast is redundant, which is harmless.
    com.palantir.javapoet.AnnotationSpec casts = com.palantir.javapoet.AnnotationSpec.builder(SuppressWarnings.class).addMember("value", "$S", "cast").build();
    out.add(MethodSpec.methodBuilder("accumulateGradientBatch").addAnnotation(Override.class).addAnnotation(casts).addModifiers(Modifier.PUBLIC)
        .addParameter(floats, "xs").addParameter(TypeName.INT, "rows").addParameter(floats, "weights").addParameter(floats, "grad")
        .beginControlFlow("if (rows < 0 || xs.length < (long) rows * stateSize || weights.length < rows || grad.length != params.length)")
        .addStatement("throw new IllegalArgumentException($S + rows + $S + stateSize + $S)", "a float batch of ", " states needs rows × ", " values, a weight per row and a gradient of the parameters' length")
        .endControlFlow()
        .addStatement("ensureFloatBatch(rows)")
        .addStatement("float weight = 0f")
        .addCode(floatGradient.code())
        .build());
    MethodSpec.Builder m = MethodSpec.methodBuilder("energyGradientBatch").addAnnotation(Override.class).addAnnotation(casts).addModifiers(Modifier.PUBLIC)
        .addParameter(String.class, "variable").addParameter(floats, "xs").addParameter(TypeName.INT, "rows").addParameter(floats, "gxs")
        .beginControlFlow("if (rows < 0 || xs.length < (long) rows * stateSize || gxs.length < (long) rows * stateSize)")
        .addStatement("throw new IllegalArgumentException($S + rows + $S + stateSize + $S)", "a float batch of ", " states of ", " units needs that many values in xs and gxs")
        .endControlFlow()
        .addStatement("ensureFloatBatch(rows)")
        .beginControlFlow("switch (variable)");
    out.add(variableCases(m, floatStateGradients, "0f"));
    MethodSpec.Builder e = MethodSpec.methodBuilder("ensureFloatBatch").addModifiers(Modifier.PRIVATE).addParameter(TypeName.INT, "rows")
        .addJavadoc("Grows the float scratch to hold {@code rows} states (allocation only when it grows).\n")
        .beginControlFlow("if (rows <= floatCapacity)").addStatement("return").endControlFlow();
    for (JavaLowering.Scratch sc : floatScratch.values()) {
      String size = sc.dims().isEmpty() ? "1" : String.join(" * ", sc.dims().stream().map(Fields::dimField).toList());
      String copies = sc.copies() == 1 ? "" : sc.copies() + " * ";
      e.addStatement("$L = new float[$L$L$L]", sc.name(), sc.perRow() ? "rows * " : "", copies, size);
    }
    String biggest = "stateSize";
    for (String dim : new LinkedHashSet<>(model.dimensions())) {
      biggest = "Math.max(" + biggest + ", " + Fields.dimField(dim) + ")";
    }
    e.addStatement("f_batchScratch = new float[Math.max(rows, 1) * $L]", biggest);
    e.addStatement("floatCapacity = rows");
    out.add(e.build());
    return out;
  }

  /**
   * The batched {@code Scores} members: rows of visible width are laid out as states (latents at 0)
   * in {@code lineXs}, directions in {@code lineUs}, and the programs run over all rows at once.
   */
  private List<MethodSpec> lineMethods() {
    List<MethodSpec> out = new ArrayList<>();
    out.add(MethodSpec.methodBuilder("loadLines").addModifiers(Modifier.PRIVATE)
        .addJavadoc("Copies rows of visible width into state rows, latents and their directions at 0.\n")
        .addParameter(DOUBLES, "vs").addParameter(DOUBLES, "us").addParameter(TypeName.INT, "rows")
        .beginControlFlow("if (rows < 0 || vs.length < (long) rows * visibleSize || (us != null && us.length < (long) rows * visibleSize))")
        .addStatement("throw new IllegalArgumentException($S + rows + $S + visibleSize + $S)", "a batch of ", " rows of ", " visible units needs that many values in each array")
        .endControlFlow()
        .beginControlFlow("if (lineXs.length < rows * stateSize)")
        .addStatement("lineXs = new double[rows * stateSize]")
        .addStatement("lineUs = new double[rows * stateSize]")
        .addStatement("lineGxs = new double[rows * stateSize]")
        .endControlFlow()
        .beginControlFlow("for (int r = 0; r < rows; r++)")
        .addStatement("System.arraycopy(vs, r * visibleSize, lineXs, r * stateSize, visibleSize)")
        .beginControlFlow("if (us != null)")
        .addStatement("System.arraycopy(us, r * visibleSize, lineUs, r * stateSize, visibleSize)")
        .endControlFlow()
        .endControlFlow()
        .addStatement("ensureBatch(rows)")
        .build());
    out.add(MethodSpec.methodBuilder("scoreBatch").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .addParameter(DOUBLES, "vRows").addParameter(TypeName.INT, "rows").addParameter(DOUBLES, "scores")
        .addStatement("loadLines(vRows, null, rows)")
        .addStatement("ensure_scoreBatch(rows)")
        .beginControlFlow("if (scores.length < (long) rows * visibleSize)")
        .addStatement("throw new IllegalArgumentException($S + rows + $S + visibleSize + $S + scores.length)", "scores of ", " rows of ", " units need that many values, got ")
        .endControlFlow()
        .addStatement("double[] xs = lineXs")
        .addStatement("double[] gxs = lineGxs")
        .addStatement("java.util.Arrays.fill(gxs, 0, rows * stateSize, 0.0)")
        .addCode(lines.get("scoreBatch").code())
        .beginControlFlow("for (int r = 0; r < rows; r++)")
        .addStatement("System.arraycopy(gxs, r * stateSize, scores, r * visibleSize, visibleSize)")
        .endControlFlow()
        .build());
    for (String name : List.of("accumulateLineGradientBatch", "accumulateCurvatureGradientBatch")) {
      out.add(MethodSpec.methodBuilder(name).addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
          .addParameter(DOUBLES, "vRows").addParameter(DOUBLES, "uRows").addParameter(TypeName.INT, "rows")
          .addParameter(TypeName.DOUBLE, "weight").addParameter(DOUBLES, "weights").addParameter(DOUBLES, "grad")
          .addStatement("$T.checkLength($S, grad, params.length)", KERNELS, "grad")
          .beginControlFlow("if (weights != null && weights.length < rows)")
          .addStatement("throw new IllegalArgumentException($S + rows + $S + weights.length)", "a batch of ", " rows needs as many weights, got ")
          .endControlFlow()
          .addStatement("loadLines(vRows, uRows, rows)")
          .addStatement("ensure_$L(rows)", name)
          .addStatement("double[] xs = lineXs")
          .addStatement("double[] us = lineUs")
          .addCode(lines.get(name).code())
          .build());
    }
    programs.scores().objectiveGradients().keySet().stream().filter(form -> lines.containsKey(objectiveMember(form))).forEach(form -> {
      String member = objectiveMember(form);
      boolean direction = form != LaplacianMode.Form.EXACT;
      MethodSpec.Builder m = MethodSpec.methodBuilder(member).addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
          .addJavadoc("In one sweep: reverse mode over the objective computed with the compiler's forward Laplacian, for every row at once.\n")
          .addParameter(DOUBLES, "vRows");
      if (direction) {
        m.addParameter(DOUBLES, "uRows");
      }
      out.add(m.addParameter(TypeName.INT, "rows")
          .addParameter(TypeName.DOUBLE, "weight").addParameter(DOUBLES, "weights").addParameter(DOUBLES, "grad")
          .addStatement("$T.checkLength($S, grad, params.length)", KERNELS, "grad")
          .beginControlFlow("if (weights != null && weights.length < rows)")
          .addStatement("throw new IllegalArgumentException($S + rows + $S + weights.length)", "a batch of ", " rows needs as many weights, got ")
          .endControlFlow()
          .addStatement("loadLines(vRows, $L, rows)", direction ? "uRows" : "null")
          .addStatement("ensure_$L(rows)", member)
          .addStatement("double[] xs = lineXs")
          .addCode(direction ? CodeBlock.of("double[] us = lineUs;\n") : CodeBlock.of(""))
          .addCode(lines.get(member).code())
          .build());
    });
    if (lines.containsKey(objectiveMember(LaplacianMode.Form.EXACT))) {
      out.add(MethodSpec.methodBuilder("laplacianInOneSweep").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC).returns(TypeName.BOOLEAN)
          .addStatement("return true").build());
    }
    lineScratch.keySet().forEach(member -> out.add(ensureLineMethod(member)));
    return out;
  }

  /** The {@code Scores} member running the gradient of score matching's objective of this form. */
  private static String objectiveMember(LaplacianMode.Form form) {
    return "accumulate" + formName(form) + "ObjectiveGradientBatch";
  }

  private static String formName(LaplacianMode.Form form) {
    return form.name().charAt(0) + form.name().substring(1).toLowerCase(java.util.Locale.ROOT);
  }

  private MethodSpec ensureMethod() {
    MethodSpec.Builder m = MethodSpec.methodBuilder("ensureBatch").addModifiers(Modifier.PRIVATE).addParameter(TypeName.INT, "rows")
        .addJavadoc("Grows the batch scratch to hold {@code rows} states (allocation only when it grows).\n")
        .beginControlFlow("if (rows <= batchCapacity)").addStatement("return").endControlFlow();
    for (JavaLowering.Scratch s : rows.values()) {
      m.addStatement("$L = new double[rows * $L]", s.name(), s.dims().isEmpty() ? "1" : String.join(" * ", s.dims().stream().map(Fields::dimField).toList()));
    }
    Set<String> dims = new LinkedHashSet<>(model.dimensions());
    String biggest = "stateSize";
    for (String dim : dims) {
      biggest = "Math.max(" + biggest + ", " + Fields.dimField(dim) + ")";
    }
    m.addStatement("batchScratch = new double[rows * $L]", biggest);
    m.addStatement("batchCapacity = rows");
    return m.build();
  }
}
