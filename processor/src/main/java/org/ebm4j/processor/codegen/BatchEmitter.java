package org.ebm4j.processor.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Modifier;
import org.ebm4j.processor.analysis.ActivityAnalysis;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.IntExpr;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Stmt;
import org.ebm4j.processor.ir.Value;

/**
 * Emits the batched members ({@code BatchGradients}) for energies without loops or ifs. Values that
 * depend on the state become one row per state ({@code bt7}, adjoints {@code bg7}); the others are
 * computed once. Every op runs as its per-state {@link Primitive} rule inside a loop over rows,
 * except the matrix products — W x, xᵀW and vᵀWh — whose forward and reverse rules over a batch are
 * single matrix–matrix products through BLAS: that is where the time goes.
 */
final class BatchEmitter {
  private static final ClassName BLAS = ClassName.get("org.ebm4j.kernel", "Blas");
  private static final TypeName DOUBLES = ArrayTypeName.of(TypeName.DOUBLE);

  private final EnergyFunction f;
  /** Values that depend on the state: one row each. */
  private final boolean[] batched;
  /**
   * Consecutive row-wise ops share one loop over rows, so each row's temporaries stay in the L1
   * cache between ops instead of streaming through memory once per op. Matrix products (all rows
   * at once) end a run.
   */
  private CodeBlock.Builder run;
  /** Names of locals, unique across the ops that share a row loop. */
  private int fresh;
  private BatchEmitter(EnergyFunction f) {
    this.f = f;
    this.batched = ActivityAnalysis.analyze(f, v -> v.op() == Op.VAR);
  }

  /** A batch emitter, or null when the energy has regions (loops, ifs), which stay per state. */
  static BatchEmitter of(EnergyFunction f) {
    for (Stmt s : f.body().stmts()) {
      if (!(s instanceof Stmt.Let)) {
        return null;
      }
    }
    BatchEmitter e = new BatchEmitter(f);
    return e.batched[f.result()] ? e : null;
  }

  private boolean isBatched(int id) {
    return batched[id];
  }

  /** Opens the shared row loop in {@code code} unless it is open. */
  private void openRun(CodeBlock.Builder code) {
    if (run != code) {
      closeRun();
      code.beginControlFlow("for (int r = 0; r < rows; r++)");
      run = code;
    }
  }

  private void closeRun() {
    if (run != null) {
      run.endControlFlow();
      run = null;
    }
  }

  /** Scratch rows for batched temporaries, grown on demand. */
  List<FieldSpec> fields() {
    List<FieldSpec> out = new ArrayList<>();
    out.add(FieldSpec.builder(TypeName.INT, "batchCapacity", Modifier.PRIVATE).build());
    for (Value v : f.values()) {
      if (isBatched(v.id()) && v.op() != Op.VAR) {
        out.add(FieldSpec.builder(DOUBLES, "bt" + v.id(), Modifier.PRIVATE).initializer("new double[0]").build());
        out.add(FieldSpec.builder(DOUBLES, "bg" + v.id(), Modifier.PRIVATE).initializer("new double[0]").build());
      }
    }
    out.add(FieldSpec.builder(DOUBLES, "batchScratch", Modifier.PRIVATE).initializer("new double[0]").build());
    return out;
  }

  private String width(int id) {
    Value v = f.value(id);
    return v.shape().isScalar() ? "1" : MethodSweep.dimField(v.shape().dim(0));
  }

  MethodSpec ensureMethod() {
    MethodSpec.Builder m = MethodSpec.methodBuilder("ensureBatch").addModifiers(Modifier.PRIVATE).addParameter(TypeName.INT, "rows")
        .addJavadoc("Grows the batch scratch to hold {@code rows} states (allocation only when it grows).\n")
        .beginControlFlow("if (rows <= batchCapacity)").addStatement("return").endControlFlow();
    int widest = 1;
    for (Value v : f.values()) {
      if (isBatched(v.id()) && v.op() != Op.VAR) {
        m.addStatement("bt$L = new double[rows * $L]", v.id(), width(v.id()));
        m.addStatement("bg$L = new double[rows * $L]", v.id(), width(v.id()));
      }
    }
    StringBuilder biggest = new StringBuilder("stateSize");
    for (String dim : dims()) {
      biggest.append(", ").append(MethodSweep.dimField(dim));
    }
    m.addStatement("batchScratch = new double[rows * $L]", maxOf(biggest.toString()));
    m.addStatement("batchCapacity = rows");
    return m.build();
  }

  private List<String> dims() {
    List<String> out = new ArrayList<>();
    for (Value v : f.values()) {
      for (String d : v.shape().dims()) {
        if (!out.contains(d)) {
          out.add(d);
        }
      }
    }
    return out;
  }

  private static String maxOf(String list) {
    String[] parts = list.split(", ");
    String expr = parts[0];
    for (int i = 1; i < parts.length; i++) {
      expr = "Math.max(" + expr + ", " + parts[i] + ")";
    }
    return expr;
  }

  /** {@code grad += weight · Σ_r ∇θ log p̃(x_r)}, with one weight for all rows or one per row. */
  List<MethodSpec> gradientMethods() {
    boolean[] active = ActivityAnalysis.analyze(f, v -> v.op() == Op.PARAM);
    CodeBlock.Builder code = CodeBlock.builder();
    if (active[f.result()]) {
      emit(code, active, "grad", CodeBlock.builder()
          .beginControlFlow("for (int r = 0; r < rows; r++)")
          .addStatement("bg$L[r] = weights == null ? -weight : -weights[r]", f.result())
          .endControlFlow().build());
    } else {
      code.add("// The energy does not depend on the parameters.\n");
    }
    MethodSpec one = MethodSpec.methodBuilder("accumulateGradientBatch").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .addParameter(DOUBLES, "xs").addParameter(TypeName.INT, "rows").addParameter(TypeName.DOUBLE, "weight").addParameter(DOUBLES, "grad")
        .addStatement("gradientBatch(xs, rows, weight, null, grad)")
        .build();
    MethodSpec perRow = MethodSpec.methodBuilder("accumulateGradientBatch").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .addParameter(DOUBLES, "xs").addParameter(TypeName.INT, "rows").addParameter(DOUBLES, "weights").addParameter(DOUBLES, "grad")
        .beginControlFlow("if (weights.length < rows)")
        .addStatement("throw new IllegalArgumentException($S + rows + $S + weights.length)", "a batch of ", " states needs as many weights, got ")
        .endControlFlow()
        .addStatement("gradientBatch(xs, rows, 0.0, weights, grad)")
        .build();
    MethodSpec body = MethodSpec.methodBuilder("gradientBatch").addModifiers(Modifier.PRIVATE)
        .addParameter(DOUBLES, "xs").addParameter(TypeName.INT, "rows").addParameter(TypeName.DOUBLE, "weight")
        .addParameter(DOUBLES, "weights").addParameter(DOUBLES, "grad")
        .addStatement("checkBatch(xs, rows)")
        .addStatement("ensureBatch(rows)")
        .addCode(Peephole.foldZeroFills(code.build()))
        .build();
    MethodSpec alias = MethodSpec.methodBuilder("gradientMayAliasParams").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .returns(TypeName.BOOLEAN)
        .addJavadoc("$L\n", active[f.result()] && readsParamsBackward(active)
            ? "No: the reverse sweep reads parameters after it has started writing their adjoints."
            : "Yes: the reverse sweep reads no parameter, so the gradient may be added to θ in place.")
        .addStatement("return $L", !(active[f.result()] && readsParamsBackward(active)))
        .build();
    return List.of(one, perRow, body, alias);
  }

  /** Whether a reverse rule of the parameter gradient reads a parameter (directly or as a row view). */
  private boolean readsParamsBackward(boolean[] active) {
    MethodSweep probe = new MethodSweep(f, active);
    for (Value v : f.values()) {
      if (active[v.id()]) {
        for (int id : Primitive.of(v.op()).reads(probe, v)) {
          if (refersToParams(id)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private boolean refersToParams(int id) {
    Value v = f.value(id);
    return v.op() == Op.PARAM || (v.op() == Op.ROW && refersToParams(v.arg(0)));
  }

  /** Per variable: {@code gxs[r, var] = ∂E/∂var}; dispatches on the name. */
  MethodSpec energyGradientMethod(List<String> variables) {
    MethodSpec.Builder m = MethodSpec.methodBuilder("energyGradientBatch").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .addParameter(String.class, "variable").addParameter(DOUBLES, "xs").addParameter(TypeName.INT, "rows").addParameter(DOUBLES, "gxs")
        .addStatement("checkBatch(xs, rows)")
        .addStatement("checkBatch(gxs, rows)")
        .addStatement("ensureBatch(rows)")
        .beginControlFlow("switch (variable)");
    for (String name : variables) {
      Set<String> wrt = Set.of(name);
      boolean[] active = ActivityAnalysis.analyze(f, v -> v.op() == Op.VAR && wrt.contains(v.name()));
      m.beginControlFlow("case $S:", name);
      String off = MethodSweep.stateOffset(name);
      String size = sizeOf(name);
      m.beginControlFlow("for (int r = 0; r < rows; r++)");
      m.addStatement("java.util.Arrays.fill(gxs, r * stateSize + $L, r * stateSize + $L + $L, 0.0)", off, off, size);
      m.endControlFlow();
      if (active[f.result()]) {
        CodeBlock.Builder code = CodeBlock.builder();
        emit(code, active, "gxs", CodeBlock.of("java.util.Arrays.fill(bg$L, 0, rows, 1.0);\n", f.result()));
        m.addCode(Peephole.foldZeroFills(code.build()));
      }
      m.addStatement("return");
      m.endControlFlow();
    }
    m.addStatement("default: throw new IllegalArgumentException($S + variable + $S)", "no variable '", "'");
    m.endControlFlow();
    return m.build();
  }

  MethodSpec checkMethod() {
    return MethodSpec.methodBuilder("checkBatch").addModifiers(Modifier.PRIVATE).addParameter(DOUBLES, "xs").addParameter(TypeName.INT, "rows")
        .beginControlFlow("if (rows < 0 || xs.length < (long) rows * stateSize)")
        .addStatement("throw new IllegalArgumentException($S + rows + $S + stateSize + $S + xs.length)", "a batch of ", " states of ", " units needs that many values, got ")
        .endControlFlow()
        .build();
  }

  private String sizeOf(String variable) {
    for (Value v : f.values()) {
      if (v.op() == Op.VAR && v.name().equals(variable)) {
        return v.shape().isScalar() ? "1" : MethodSweep.dimField(v.shape().dim(0));
      }
    }
    throw new IllegalStateException(variable);
  }

  // ---------------------------------------------------------------- the sweeps

  private void emit(CodeBlock.Builder code, boolean[] active, String gradArray, CodeBlock seed) {
    boolean[] needed = needed(active);
    MethodSweep single = new MethodSweep(f, active);
    // Values free of the state, once.
    for (Value v : f.values()) {
      if (!isBatched(v.id()) && needed[v.id()]) {
        Primitive.of(v.op()).forward(single, v);
      }
    }
    code.add(single.code().build());
    // Variables are read in place from xs (row stride stateSize); their adjoints go straight to gxs.
    for (Value v : f.values()) {
      if (isBatched(v.id()) && needed[v.id()] && v.op() != Op.VAR) {
        forward(code, v, active, gradArray);
      }
    }
    closeRun();
    // Adjoints.
    for (Value v : f.values()) {
      if (!active[v.id()] || v.op() == Op.PARAM || v.op() == Op.ROW || v.op() == Op.VAR) {
        continue;
      }
      if (isBatched(v.id())) {
        code.addStatement("java.util.Arrays.fill(bg$L, 0, rows * $L, 0.0)", v.id(), width(v.id()));
      } else if (v.shape().isScalar()) {
        code.addStatement("double g$L = 0.0", v.id());
      } else {
        code.addStatement("java.util.Arrays.fill(g$L, 0.0)", v.id());
      }
    }
    code.add(seed);
    for (int i = f.values().size() - 1; i >= 0; i--) {
      Value v = f.value(i);
      if (!active[v.id()] || v.op() == Op.ACC) {
        continue;
      }
      if (isBatched(v.id())) {
        backward(code, v, active, gradArray);
      } else {
        closeRun();
        MethodSweep s = new MethodSweep(f, active);
        Primitive.of(v.op()).backward(s, v);
        code.add(s.code().build());
      }
    }
    closeRun();
  }

  /** What the reverse rules read, and what those values need. */
  private boolean[] needed(boolean[] active) {
    MethodSweep probe = new MethodSweep(f, active);
    boolean[] need = new boolean[f.values().size()];
    java.util.ArrayDeque<Integer> work = new java.util.ArrayDeque<>();
    for (Value v : f.values()) {
      if (active[v.id()]) {
        work.addAll(Primitive.of(v.op()).reads(probe, v));
      }
    }
    while (!work.isEmpty()) {
      int id = work.pop();
      if (!need[id]) {
        need[id] = true;
        work.addAll(f.value(id).args());
      }
    }
    return need;
  }

  private void forward(CodeBlock.Builder code, Value v, boolean[] active, String gradArray) {
    if ((v.op() == Op.MATVEC && isBatched(v.arg(1)) && !isBatched(v.arg(0)))
        || (v.op() == Op.VECMAT && isBatched(v.arg(0)) && !isBatched(v.arg(1)))) {
      closeRun();
    }
    if (v.op() == Op.MATVEC && isBatched(v.arg(1)) && !isBatched(v.arg(0))) {
      // Y = X Wᵀ: rows × m from rows × n and W (m × n).
      Value w = f.value(v.arg(0));
      code.addStatement("$T.gemm(false, true, rows, $L, $L, 1.0, $L, $L, $L, $L, $L, 0.0, bt$L, 0, $L)", BLAS, dim(w, 0), dim(w, 1),
          rowArray(v.arg(1)), rowOffset(v.arg(1)), ld(v.arg(1)), unbatched(v.arg(0)), dim(w, 1), v.id(), dim(w, 0));
      return;
    }
    if (v.op() == Op.VECMAT && isBatched(v.arg(0)) && !isBatched(v.arg(1))) {
      // Y = X W: rows × n from rows × m and W (m × n).
      Value w = f.value(v.arg(1));
      code.addStatement("$T.gemm(false, false, rows, $L, $L, 1.0, $L, $L, $L, $L, $L, 0.0, bt$L, 0, $L)", BLAS, dim(w, 1), dim(w, 0),
          rowArray(v.arg(0)), rowOffset(v.arg(0)), ld(v.arg(0)), unbatched(v.arg(1)), dim(w, 1), v.id(), dim(w, 1));
      return;
    }
    RowSweep s = new RowSweep(active, gradArray, v.id());
    openRun(code);
    Primitive.of(v.op()).forward(s, v);
    code.add(s.code().build());
    if (v.shape().isScalar()) {
      code.addStatement("bt$L[r] = t$L", v.id(), v.id());
    }
  }

  private void backward(CodeBlock.Builder code, Value v, boolean[] active, String gradArray) {
    if (v.op() == Op.MATVEC && isBatched(v.arg(1)) && !isBatched(v.arg(0))) {
      closeRun();
      Value w = f.value(v.arg(0));
      if (active[v.arg(0)]) {
        // W̄ += Ȳᵀ X
        code.addStatement("$T.gemm(true, false, $L, $L, rows, 1.0, bg$L, 0, $L, $L, $L, $L, 1.0, $L, $L, $L)", BLAS, dim(w, 0), dim(w, 1),
            v.id(), dim(w, 0), rowArray(v.arg(1)), rowOffset(v.arg(1)), ld(v.arg(1)), gradArray, paramOffset(v.arg(0)), dim(w, 1));
      }
      if (active[v.arg(1)]) {
        // X̄ += Ȳ W
        code.addStatement("$T.gemm(false, false, rows, $L, $L, 1.0, bg$L, 0, $L, $L, $L, 1.0, $L, $L, $L)", BLAS, dim(w, 1), dim(w, 0),
            v.id(), dim(w, 0), unbatched(v.arg(0)), dim(w, 1), adjointArray(v.arg(1)), adjointOffset(v.arg(1)), ld(v.arg(1)));
      }
      return;
    }
    if (v.op() == Op.VECMAT && isBatched(v.arg(0)) && !isBatched(v.arg(1))) {
      closeRun();
      Value w = f.value(v.arg(1));
      if (active[v.arg(0)]) {
        // X̄ += Ȳ Wᵀ
        code.addStatement("$T.gemm(false, true, rows, $L, $L, 1.0, bg$L, 0, $L, $L, $L, 1.0, $L, $L, $L)", BLAS, dim(w, 0), dim(w, 1),
            v.id(), dim(w, 1), unbatched(v.arg(1)), dim(w, 1), adjointArray(v.arg(0)), adjointOffset(v.arg(0)), ld(v.arg(0)));
      }
      if (active[v.arg(1)]) {
        // W̄ += Xᵀ Ȳ
        code.addStatement("$T.gemm(true, false, $L, $L, rows, 1.0, $L, $L, $L, bg$L, 0, $L, 1.0, $L, $L, $L)", BLAS, dim(w, 0), dim(w, 1),
            rowArray(v.arg(0)), rowOffset(v.arg(0)), ld(v.arg(0)), v.id(), dim(w, 1), gradArray, paramOffset(v.arg(1)), dim(w, 1));
      }
      return;
    }
    if (v.op() == Op.BILINEAR && isBatched(v.arg(0)) && isBatched(v.arg(2)) && !isBatched(v.arg(1))) {
      closeRun();
      bilinearBackward(code, v, active, gradArray);
      return;
    }
    if (v.op() == Op.DOT && !f.value(v.arg(0)).shape().isScalar()) {
      for (int k = 0; k < 2; k++) {
        int param = v.arg(k);
        int rowsOf = v.arg(1 - k);
        if (active[param] && f.value(param).op() == Op.PARAM && isBatched(rowsOf)) {
          // θ̄ += Σ_r ȳ_r x_r: one matrix–vector product instead of a pass over θ̄ per row.
          closeRun();
          code.addStatement("$T.columnSumsAdd($L, $L, $L, rows, $L, bg$L, $L, $L)", BLAS, rowArray(rowsOf), rowOffset(rowsOf),
              ld(rowsOf), width(rowsOf), v.id(), gradArray, paramOffset(param));
          RowSweep rest = new RowSweep(withoutParam(active, param), gradArray, -1);
          Primitive.of(v.op()).backward(rest, v);
          CodeBlock body = rest.code().build();
          if (!body.isEmpty()) {
            openRun(code);
            code.add(body);
          }
          return;
        }
      }
    }
    RowSweep s = new RowSweep(active, gradArray, -1);
    Primitive.of(v.op()).backward(s, v);
    CodeBlock body = s.code().build();
    if (!body.isEmpty()) {
      openRun(code);
      code.add(body);
    }
  }

  /**
   * y_r = v_rᵀ W h_r: V̄ += diag(ȳ) H Wᵀ, W̄ += Vᵀ diag(ȳ) H, H̄ += diag(ȳ) V W. The last two go
   * through kernels that sum selected rows when v is very sparse (binary data) and use BLAS
   * otherwise.
   */
  private void bilinearBackward(CodeBlock.Builder code, Value v, boolean[] active, String gradArray) {
    Value w = f.value(v.arg(1));
    int vv = v.arg(0);
    int hh = v.arg(2);
    String m = dim(w, 0);
    String n = dim(w, 1);
    if (active[vv]) {
      // V̄ += diag(ȳ) H Wᵀ
      code.addStatement("$T.scaledRowsTimesTransposeAdd($L, $L, $L, rows, $L, bg$L, $L, $L, $L, $L, $L, batchScratch)", BLAS,
          rowArray(hh), rowOffset(hh), ld(hh), n, v.id(), unbatched(v.arg(1)), m, adjointArray(vv), adjointOffset(vv), ld(vv));
    }
    if (active[v.arg(1)]) {
      code.addStatement("$T.sparseTransposeTimesAdd($L, $L, $L, rows, $L, bg$L, $L, $L, $L, $L, $L, $L, batchScratch)", BLAS,
          rowArray(vv), rowOffset(vv), ld(vv), m, v.id(), rowArray(hh), rowOffset(hh), ld(hh), n, gradArray, paramOffset(v.arg(1)));
    }
    if (active[hh]) {
      code.addStatement("$T.sparseTimesAdd($L, $L, $L, rows, $L, bg$L, $L, $L, $L, $L, $L, batchScratch)", BLAS,
          rowArray(vv), rowOffset(vv), ld(vv), m, v.id(), unbatched(v.arg(1)), n, adjointArray(hh), adjointOffset(hh), ld(hh));
    }
  }

  private static boolean[] withoutParam(boolean[] active, int param) {
    boolean[] out = active.clone();
    out[param] = false;
    return out;
  }

  private String dim(Value v, int axis) {
    return MethodSweep.dimField(v.shape().dim(axis));
  }

  /** The array of an unbatched matrix and its offset, as "array, offset". */
  private String unbatched(int id) {
    Value v = f.value(id);
    if (v.op() == Op.PARAM) {
      return "params, " + MethodSweep.paramOffset(v.name());
    }
    return "t" + id + ", 0";
  }

  private String paramOffset(int id) {
    Value v = f.value(id);
    if (v.op() != Op.PARAM) {
      throw new IllegalStateException("batched matrix adjoints go to parameters only");
    }
    return MethodSweep.paramOffset(v.name());
  }

  private boolean isVar(int id) {
    return f.value(id).op() == Op.VAR;
  }

  private String rowArray(int id) {
    return isVar(id) ? "xs" : "bt" + id;
  }

  private String rowOffset(int id) {
    return isVar(id) ? MethodSweep.stateOffset(f.value(id).name()) : "0";
  }

  private String ld(int id) {
    return isVar(id) ? "stateSize" : width(id);
  }

  private String adjointArray(int id) {
    return isVar(id) ? "gxs" : "bg" + id;
  }

  private String adjointOffset(int id) {
    return rowOffset(id);
  }

  /**
   * The per-state naming at row {@code r}: batched values are row r of their batch arrays; the
   * value being defined is a local {@code t7} (copied into its row after), so the per-state rules
   * apply unchanged.
   */
  private final class RowSweep implements Sweep {
    private final boolean[] active;
    private final String gradArray;
    private final int defining;
    private final MethodSweep single;
    private final CodeBlock.Builder code = CodeBlock.builder();

    RowSweep(boolean[] active, String gradArray, int defining) {
      this.active = active;
      this.gradArray = gradArray;
      this.defining = defining;
      this.single = new MethodSweep(f, active);
    }

    @Override
    public Value value(int id) {
      return f.value(id);
    }

    @Override
    public boolean active(int id) {
      return active != null && active[id];
    }

    @Override
    public String scalar(int id) {
      if (!isBatched(id) || id == defining) {
        return single.scalar(id);
      }
      return isVar(id) ? "xs[r * stateSize + " + rowOffset(id) + "]" : "bt" + id + "[r]";
    }

    @Override
    public String array(int id) {
      Value v = f.value(id);
      if (!isBatched(id) || v.op() == Op.ROW) {
        return single.array(id);
      }
      return rowArray(id);
    }

    @Override
    public String offset(int id) {
      Value v = f.value(id);
      if (!isBatched(id) || v.op() == Op.ROW) {
        return single.offset(id);
      }
      return "(r * " + ld(id) + " + " + rowOffset(id) + ")";
    }

    @Override
    public String adjoint(int id) {
      Value v = f.value(id);
      if (!isBatched(id)) {
        return v.op() == Op.PARAM ? gradArray + "[" + MethodSweep.paramOffset(v.name()) + "]" : single.adjoint(id);
      }
      return isVar(id) ? "gxs[r * stateSize + " + rowOffset(id) + "]" : "bg" + id + "[r]";
    }

    @Override
    public String adjointArray(int id) {
      Value v = f.value(id);
      if (!isBatched(id)) {
        return v.op() == Op.PARAM ? gradArray : single.adjointArray(id);
      }
      return adjointArrayOf(id);
    }

    private String adjointArrayOf(int id) {
      return BatchEmitter.this.adjointArray(id);
    }

    @Override
    public String adjointOffset(int id) {
      if (!isBatched(id)) {
        return single.adjointOffset(id);
      }
      return "(r * " + ld(id) + " + " + rowOffset(id) + ")";
    }

    @Override
    public String size(String dim) {
      return single.size(dim);
    }

    @Override
    public String index(IntExpr e, String dim) {
      return single.index(e, dim);
    }

    @Override
    public String fresh(String prefix) {
      return prefix + "_" + fresh++;
    }

    @Override
    public CodeBlock.Builder code() {
      return code;
    }
  }
}
