package org.ebm4j.processor.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
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

  /** @param shared collects the scratch arrays that are not per row (allocated once by the caller) */
  BatchMembers(ModelDeclaration model, Derivatives programs, Map<String, JavaLowering.Scratch> shared) {
    this.model = model;
    this.programs = programs;
    this.gradient = lower(programs.paramGradient(), "batchGrad_", true, shared);
    programs.batchStateGradients().forEach((name, g) -> stateGradients.put(name, lower(g, "batch_" + name + "_", false, shared)));
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

  List<FieldSpec> fields() {
    List<FieldSpec> out = new ArrayList<>();
    out.add(FieldSpec.builder(TypeName.INT, "batchCapacity", Modifier.PRIVATE).build());
    for (JavaLowering.Scratch s : rows.values()) {
      out.add(FieldSpec.builder(DOUBLES, s.name(), Modifier.PRIVATE).initializer("new double[0]").build());
    }
    out.add(FieldSpec.builder(DOUBLES, "batchScratch", Modifier.PRIVATE).initializer("new double[0]").build());
    return out;
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
    for (ModelDeclaration.VariableDecl v : model.variables()) {
      String off = Fields.stateOffset(v.name());
      String size = v.dims().isEmpty() ? "1" : Fields.dimField(v.dims().get(0));
      m.beginControlFlow("case $S:", v.name());
      m.beginControlFlow("for (int r = 0; r < rows; r++)");
      m.addStatement("java.util.Arrays.fill(gxs, r * stateSize + $L, r * stateSize + $L + $L, 0.0)", off, off, size);
      m.endControlFlow();
      m.addCode(stateGradients.get(v.name()).code());
      m.addStatement("return");
      m.endControlFlow();
    }
    m.addStatement("default: throw new IllegalArgumentException($S + variable + $S)", "no variable '", "'");
    m.endControlFlow();
    out.add(m.build());
    out.add(ensureMethod());
    out.add(MethodSpec.methodBuilder("checkBatch").addModifiers(Modifier.PRIVATE).addParameter(DOUBLES, "xs").addParameter(TypeName.INT, "rows")
        .beginControlFlow("if (rows < 0 || xs.length < (long) rows * stateSize)")
        .addStatement("throw new IllegalArgumentException($S + rows + $S + stateSize + $S + xs.length)", "a batch of ", " states of ", " units needs that many values, got ")
        .endControlFlow()
        .build());
    return out;
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
