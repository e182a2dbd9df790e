package org.ebm4j.processor.lower;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ebm4j.processor.ir.Block;
import org.ebm4j.processor.ir.Cond;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.IntExpr;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Shape;
import org.ebm4j.processor.ir.Stmt;
import org.ebm4j.processor.ir.Value;

/**
 * Lowers a function of the IR to the body of one Java method, for a number type. Scalars become
 * locals, tensors views (array, offset) of the storage the caller names or scratch arrays; each
 * op is spelled by its rule in {@link Op}. Three fusions decide most of the speed:
 *
 * <ul>
 *   <li>an element-wise tensor used once, next to its use, is not stored: its expression is
 *       written into the loop of its user (an element-wise op, a sum, a dot or an addition into a
 *       buffer);
 *   <li>an addition of W x, xᵀW or a bᵀ (possibly scaled) into a buffer is one kernel call that
 *       adds in place ({@code matvecAdd}, {@code vecmatAdd}, {@code outerAdd});
 *   <li>an addition of s·a into a buffer is one {@code axpy}.
 * </ul>
 */
public final class JavaLowering {

  /** The number type of generated locals and scratch arrays. */
  public enum NumberType {
    DOUBLE("double"),
    /**
     * float32 storage and arithmetic: arrays and locals are float, products go to sgemm, and an
     * element-wise function (the JDK's and ours take and return double) is computed in double and
     * rounded once when stored.
     */
    FLOAT("float");

    private final String java;

    NumberType(String java) {
      this.java = java;
    }

    public String java() {
      return java;
    }

    /** {@code expr} as a value of this type where it is stored (a double expression is rounded once). */
    public String stored(String expr) {
      return this == FLOAT ? "(float) (" + expr + ")" : expr;
    }

    /** A literal of this type. */
    public String literal(double c) {
      String box = this == FLOAT ? "Float" : "Double";
      if (Double.isNaN(c)) {
        return box + ".NaN";
      }
      if (Double.isInfinite(c)) {
        return box + (c > 0 ? ".POSITIVE_INFINITY" : ".NEGATIVE_INFINITY");
      }
      return this == FLOAT ? Float.toString((float) c) + "f" : Double.toString(c);
    }
  }

  /** Where the caller keeps leaves: parameters, the state, outputs, arguments, dimension sizes. */
  public interface Storage {
    /** The array holding a PARAM, VAR or OUT leaf. */
    String array(Value leaf);

    /** The offset of a PARAM, VAR or OUT leaf in its array. */
    String offset(Value leaf);

    /** The Java spelling of an ARG. */
    String argument(Value arg);

    /** The size of a dimension. */
    String size(String dim);

    /** Whether a leaf has one value per row of a batch (a variable, its output, a per-row argument). */
    default boolean perRow(Value leaf) {
      return false;
    }

    /** The distance between two rows of a per-row leaf. */
    default String rowStride(Value leaf) {
      return "stateSize";
    }
  }

  /** A scratch array the method needs, of the product of these dimensions (per row of a batch if {@code perRow}). */
  public record Scratch(String name, List<String> dims, boolean perRow, int copies) {
    /** One copy: the product of the dimensions. */
    public Scratch(String name, List<String> dims, boolean perRow) {
      this(name, dims, perRow, 1);
    }
  }

  /**
   * The lowered method body, its scratch arrays, and the expression of the result (or null). A body
   * too large for one method comes in {@code parts} (more than one) to run in order, each in a
   * method of its own with the same parameters; otherwise {@code parts} is just {@code code}.
   */
  public record Lowered(CodeBlock code, List<Scratch> scratch, String result, List<CodeBlock> parts) {
    Lowered(CodeBlock code, List<Scratch> scratch, String result) {
      this(code, scratch, result, List.of(code));
    }

    /** The size of the body in characters of Java, about three per byte of bytecode. */
    public int size() {
      return code.toString().length();
    }
  }

  /**
   * Bodies longer than this many characters of Java (about 8 000 bytes of bytecode: HotSpot never
   * JIT-compiles a larger method, and javac refuses one over 64 KB) are split into parts.
   */
  public static final int SPLIT_ABOVE = 24_000;
  /** Characters of Java per part of a split body. */
  private static final int PART_SIZE = 16_000;

  private final EnergyFunction f;
  private final NumberType type;
  private final Storage storage;
  private final String prefix;
  /** Stand for the kernel classes inside statement text; {@link #line} turns them into imports. */
  private static final String KERNELS = "\u0001";
  private static final String BLAS = "\u0002";
  private final String kernels = KERNELS;
  private final ClassName kernelClass;
  private final ClassName blasClass;
  /** Batched: the program runs for rows r of a batch; per-row values are rows of batch arrays. */
  private final boolean batched;
  private final boolean[] perRow;
  private boolean runOpen;
  private CodeBlock.Builder code = CodeBlock.builder();
  /** The bound and index of the element-wise loop left open ({@link #elementLoop}), or null. */
  private String elementLoopBound;
  private String elementLoopIndex;
  /**
   * Split mode: scalars defined at the top level live in one scratch array instead of locals, so
   * the body can be cut between any two top-level statements into methods of their own.
   */
  private final boolean split;
  private final Map<Integer, Integer> spilled = new HashMap<>();
  private final List<CodeBlock> parts = new ArrayList<>();
  private int depth;
  /** Characters of statements in the current part (loop headers aside): counted, not re-rendered. */
  private int partChars;
  private final Map<String, Scratch> scratch = new LinkedHashMap<>();
  private final Map<Integer, Stmt.Loop> loops = new HashMap<>();
  /** Values written at their single use instead of where they are defined. */
  private final boolean[] deferred;
  /** Element-wise tensors spelled inline (a subset of deferred). */
  private final boolean[] inline;
  private int fresh;

  private JavaLowering(EnergyFunction f, NumberType type, Storage storage, String prefix, ClassName kernels, ClassName blas, boolean batched) {
    this(f, type, storage, prefix, kernels, blas, batched, false);
  }

  private JavaLowering(EnergyFunction f, NumberType type, Storage storage, String prefix, ClassName kernels, ClassName blas, boolean batched, boolean split) {
    this.split = split;
    this.f = f;
    this.type = type;
    this.storage = storage;
    this.prefix = prefix;
    this.kernelClass = kernels;
    this.blasClass = blas;
    this.batched = batched;
    this.deferred = new boolean[f.values().size()];
    this.inline = new boolean[f.values().size()];
    this.perRow = batched ? perRow(f, storage) : new boolean[f.values().size()];
    collectLoops(f.body());
    new Fusion().plan();
  }

  /**
   * Lowers a loop-free program to code that runs it for {@code rows} states at once, the rows of
   * the state array: values that differ between rows become rows of batch arrays, consecutive
   * per-row statements share one loop over rows (a row's temporaries stay in L1), and where an op
   * has a batched rule ({@link Op#batchKernel}, {@link Op#batchAccumulateKernel}) the rows go
   * through one matrix product instead.
   */
  public static Lowered lowerBatched(EnergyFunction f, NumberType type, Storage storage, String prefix, ClassName kernels, ClassName blas) {
    JavaLowering l = new JavaLowering(f, type, storage, prefix, kernels, blas, true);
    l.batchedBlock(f.body());
    l.closeElementLoop();
    return new Lowered(l.code.build(), List.copyOf(l.scratch.values()), null);
  }

  /** Whether a program can be batched: no regions (loops and ifs stay per state). */
  public static boolean batchable(EnergyFunction f) {
    return f.body().stmts().stream().allMatch(s -> s instanceof Stmt.Let || s instanceof Stmt.Accumulate);
  }

  /** Values that differ between rows: per-row leaves, what reads them, buffers added to with them. */
  private static boolean[] perRow(EnergyFunction f, Storage storage) {
    boolean[] rows = new boolean[f.values().size()];
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Value v : f.values()) {
        boolean r = v.op().kind() == Op.Kind.LEAF && v.op() != Op.ADJOINT && v.op() != Op.ACC
            ? storage.perRow(v)
            : v.args().stream().anyMatch(a -> rows[a]);
        if (r && !rows[v.id()]) {
          rows[v.id()] = true;
          changed = true;
        }
      }
      for (Stmt s : f.body().stmts()) {
        if (s instanceof Stmt.Accumulate acc && rows[acc.value()]) {
          Value target = f.value(acc.slot());
          // A matrix is shared by every row (no op makes one per row): its adjoint sums over rows.
          if (target.op() == Op.ADJOINT && !rows[target.id()] && !target.shape().isMatrix()) {
            rows[target.id()] = true;
            changed = true;
          }
        }
      }
    }
    return rows;
  }

  /**
   * Lowers {@code f}. {@code prefix} makes scratch names unique among the methods of one class;
   * {@code kernels} is the runtime class of numeric kernels for the number type (imported by the
   * caller through JavaPoet).
   */
  public static Lowered lower(EnergyFunction f, NumberType type, Storage storage, String prefix, ClassName kernels) {
    JavaLowering l = new JavaLowering(f, type, storage, prefix, kernels, null, false);
    l.block(f.body());
    l.closeElementLoop();
    String result = f.hasResult() ? l.scalar(f.result()) : null;
    Lowered whole = new Lowered(l.code.build(), List.copyOf(l.scratch.values()), result);
    if (whole.size() <= SPLIT_ABOVE) {
      return whole;
    }
    JavaLowering s = new JavaLowering(f, type, storage, prefix, kernels, null, false, true);
    s.block(f.body());
    s.cut();
    List<Scratch> scratch = new ArrayList<>(s.scratch.values());
    scratch.add(new Scratch(s.spillArray(), List.of(), false, Math.max(1, s.spilled.size())));
    String splitResult = f.hasResult() ? s.scalar(f.result()) : null;
    return new Lowered(CodeBlock.join(s.parts, ""), List.copyOf(scratch), splitResult, List.copyOf(s.parts));
  }

  private String spillArray() {
    return prefix + "spill_";
  }

  /** Ends the current part of a split body. */
  private void cut() {
    closeElementLoop();
    CodeBlock done = code.build();
    if (!done.isEmpty()) {
      parts.add(done);
    }
    code = CodeBlock.builder();
    partChars = 0;
  }

  /** Declares scalar {@code id} as {@code expr}: a local, or in split mode at the top level, a spill slot. */
  private void declare(int id, String expr) {
    if (split && depth == 0) {
      spilled.putIfAbsent(id, spilled.size());
      line("$L = $L", local(id), type.stored(expr));
    } else {
      line("$L $L = $L", type.java(), local(id), type.stored(expr));
    }
  }

  private void collectLoops(Block block) {
    for (Stmt s : block.stmts()) {
      if (s instanceof Stmt.Loop loop) {
        loops.put(loop.loop(), loop);
        collectLoops(loop.body());
      } else if (s instanceof Stmt.If branch) {
        collectLoops(branch.then());
        collectLoops(branch.otherwise());
      }
    }
  }

  // ---------------------------------------------------------------- statements

  private void block(Block block) {
    for (Stmt s : block.stmts()) {
      if (split && depth == 0 && partChars > PART_SIZE) {
        cut();
      }
      if (s instanceof Stmt.Let let) {
        let(let.value());
      } else if (s instanceof Stmt.Accumulate acc) {
        accumulate(acc);
      } else if (s instanceof Stmt.Loop loop) {
        slots(loop.slots());
        String i = index(loop.loop());
        closeElementLoop();
        code.beginControlFlow("for (int $L = $L; $L < $L; $L++)", i, render(loop.start()), i, render(loop.end()), i);
        depth++;
        block(loop.body());
        depth--;
        closeElementLoop();
        code.endControlFlow();
      } else if (s instanceof Stmt.If branch) {
        slots(branch.slots());
        closeElementLoop();
        code.beginControlFlow("if ($L)", cond(branch.cond()));
        depth++;
        block(branch.then());
        if (!branch.otherwise().stmts().isEmpty()) {
          closeElementLoop();
          code.nextControlFlow("else");
          block(branch.otherwise());
        }
        depth--;
        closeElementLoop();
        code.endControlFlow();
      }
    }
  }

  private void slots(List<Integer> slots) {
    for (int slot : slots) {
      declare(slot, scalar(f.value(slot).arg(0)));
    }
  }

  // ---------------------------------------------------------------- batches

  private void batchedBlock(Block body) {
    // Values shared by every row that read no buffer are computed once, first.
    java.util.Set<Integer> early = new java.util.HashSet<>();
    for (Stmt s : body.stmts()) {
      if (s instanceof Stmt.Let let && !perRow[let.value().id()] && freeOfBuffers(let.value().id())) {
        let(let.value());
        early.add(let.value().id());
      }
    }
    for (Stmt s : body.stmts()) {
      if (s instanceof Stmt.Let let) {
        if (!early.contains(let.value().id())) {
          batchedLet(let.value());
        }
      } else if (s instanceof Stmt.Accumulate acc) {
        batchedAccumulate(acc);
      } else {
        throw new IllegalStateException("regions are not batched");
      }
    }
    closeRun();
  }

  private boolean freeOfBuffers(int id) {
    Value v = f.value(id);
    if (v.op() == Op.ADJOINT || v.op() == Op.OUT) {
      return false;
    }
    return v.args().stream().allMatch(this::freeOfBuffers);
  }

  private void batchedLet(Value v) {
    if (deferred[v.id()]) {
      return;
    }
    if (!perRow[v.id()]) {
      closeRun();
      let(v);
      return;
    }
    switch (v.op()) {
      case VAR, OUT, PARAM, CONST, ROW -> {}
      case ARG -> {
        openRun();
        define(v.id(), storage.argument(v));
      }
      case ADJOINT -> {
        closeRun();
        let(v);
      }
      default -> {
        if (v.op().batchKernel() != null && sharedMatrixAndRows(v.args())) {
          closeRun();
          line("$L", batchTemplate(v.op().batchKernel(), v.args(), null, batchView(v.id()), null));
        } else {
          openRun();
          let(v);
        }
      }
    }
  }

  /** Whether the operands are one shared matrix and per-row vectors. */
  private boolean sharedMatrixAndRows(List<Integer> operands) {
    for (int a : operands) {
      Shape shape = f.value(a).shape();
      if (shape.isMatrix() ? perRow[a] : !perRow[a] || inline[a] || !shape.isVector()) {
        return false;
      }
    }
    return true;
  }

  private void batchedAccumulate(Stmt.Accumulate acc) {
    Value target = f.value(acc.slot());
    Value v = f.value(acc.value());
    if (!perRow[target.id()] && !perRow[v.id()]) {
      closeRun();
      accumulate(acc);
      return;
    }
    boolean whole = acc.indices().isEmpty() && !acc.subtract() && target.op() != Op.ROW && !target.shape().isScalar();
    if (whole && deferred[v.id()] && !inline[v.id()]) {
      // The value is s · K(...) or K(...), K an op added in place; s must be a per-row scalar.
      int scale = -1;
      boolean negate = false;
      Value kernel = v;
      if (v.op() == Op.MUL) {
        scale = f.value(v.arg(0)).shape().isScalar() ? v.arg(0) : v.arg(1);
        kernel = f.value(v.arg(0) == scale ? v.arg(1) : v.arg(0));
      } else if (v.op() == Op.NEG) {
        negate = true;
        kernel = f.value(v.arg(0));
      }
      List<Integer> operands = new ArrayList<>(kernel.args());
      if (kernel.op() == Op.OUTER && deferred[kernel.id()] && deferred[kernel.arg(0)]) {
        Value scaled = f.value(kernel.arg(0));
        int s = f.value(scaled.arg(0)).shape().isScalar() ? scaled.arg(0) : scaled.arg(1);
        operands.set(0, scaled.arg(0) == s ? scaled.arg(1) : scaled.arg(0));
        scale = scale < 0 && !negate ? s : -2;
      }
      boolean rowScale = scale == -1 || (scale >= 0 && (!perRow[scale] || isRowArray(scale)));
      String template = deferred[kernel.id()] ? kernel.op().batchAccumulateKernel() : null;
      if (rowScale && template != null && perRow[target.id()] != kernel.op().sumsRows() && sharedMatrixAndRows(operands)) {
        String g = rowScales(acc.value(), scale, negate);
        line("$L", batchTemplate(template, operands, g, perRow[target.id()] ? batchView(target.id()) : view(target.id()), view(target.id())));
        return;
      }
      if (rowScale && scale >= 0 && !perRow[target.id()] && kernel.shape().isVector() && kernel.op().accumulateKernel() == null
          && perRow[kernel.id()] && !inline[kernel.id()]) {
        // Σ_r s_r a_r into a shared vector: a weighted column sum.
        String g = rowScales(acc.value(), scale, false);
        line("$L.columnSumsAdd($L, rows, $L, $L, $L)", BLAS, batchView(kernel.id()), length(kernel.id()), g, view(target.id()));
        return;
      }
    }
    openRun();
    accumulate(acc);
  }

  /**
   * The row scales of a batched kernel as an array (or "null" for ones): a per-row scalar's own
   * array, else the shared scale (or −1) written into an array of rows. Closes the row loop.
   */
  private String rowScales(int value, int scale, boolean negate) {
    if (scale < 0 && !negate) {
      closeRun();
      return "null";
    }
    if (scale >= 0 && perRow[scale]) {
      closeRun();
      return array(scale);
    }
    String name = prefix + "scale" + value;
    scratch.putIfAbsent(name, new Scratch(name, List.of(), true));
    openRun();
    line("$L[r] = $L", name, negate ? type.literal(-1) : type.stored(scalar(scale)));
    closeRun();
    return name;
  }

  /** A per-row scalar kept in an array of its own (entry r for row r). */
  private boolean isRowArray(int id) {
    Value v = f.value(id);
    return v.shape().isScalar() && v.op() != Op.VAR && v.op() != Op.OUT && v.op() != Op.PARAM;
  }

  /** A per-row value as "array, offset of row 0, row stride". */
  private String batchView(int id) {
    return array(id) + ", " + baseOffset(id) + ", " + stride(id);
  }

  private String batchTemplate(String template, List<Integer> operands, String g, String out, String vout) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      String rest = template.substring(i);
      if (rest.startsWith("$rows")) {
        s.append("rows");
        i += 4;
      } else if (rest.startsWith("$scratch")) {
        s.append(type == NumberType.FLOAT ? "f_batchScratch" : "batchScratch");
        i += 7;
      } else if (rest.startsWith("$VOUT")) {
        s.append(vout);
        i += 4;
      } else if (rest.startsWith("$OUT")) {
        s.append(out);
        i += 3;
      } else if (rest.startsWith("$G")) {
        s.append(g);
        i += 1;
      } else if ((c == '$' || c == '@' || c == '#') && i + 1 < template.length() && (Character.isDigit(template.charAt(i + 1)) || template.charAt(i + 1) == 'B' || template.charAt(i + 1) == 'V')) {
        char kind = Character.isDigit(template.charAt(i + 1)) ? c : template.charAt(i + 1);
        int at = Character.isDigit(template.charAt(i + 1)) ? i + 1 : i + 2;
        int operand = operands.get(template.charAt(at) - '0');
        Shape shape = f.value(operand).shape();
        switch (kind) {
          case 'B' -> s.append(batchView(operand));
          case 'V' -> s.append(view(operand));
          case '#' -> s.append(length(operand));
          case '@' -> {
            s.append(storage.size(shape.dim(template.charAt(at + 1) == 'r' ? 0 : 1)));
            at++;
          }
          default -> s.append(operand(operand));
        }
        i = at;
      } else if (rest.startsWith("Blas.")) {
        s.append(BLAS).append('.');
        i += 4;
      } else if (rest.startsWith("Kernels.")) {
        s.append(kernels).append('.');
        i += 7;
      } else {
        s.append(c);
      }
    }
    return s.toString();
  }

  private void openRun() {
    if (!runOpen) {
      closeElementLoop();
      code.beginControlFlow("for (int r = 0; r < rows; r++)");
      runOpen = true;
    }
  }

  private void closeRun() {
    if (runOpen) {
      closeElementLoop();
      code.endControlFlow();
      runOpen = false;
    }
  }

  private void let(Value v) {
    if (deferred[v.id()]) {
      return;
    }
    switch (v.op()) {
      case PARAM, VAR, OUT, ARG, CONST, ROW -> {}
      case INT -> define(v.id(), render(v.intValue()));
      case ADJOINT -> {
        if (v.shape().isScalar() && !perRow[v.id()]) {
          declare(v.id(), type.literal(0));
        } else if (perRow[v.id()]) {
          line("java.util.Arrays.fill($L, 0, rows * $L, $L)", scratchOf(v), width(v.id()), type.literal(0));
        } else {
          line("java.util.Arrays.fill($L, $L)", scratchOf(v), type.literal(0));
        }
      }
      case ELEMENT -> define(v.id(), elementRead(v));
      default -> {
        if (v.op().kind() == Op.Kind.ELEMENTWISE) {
          if (v.shape().isScalar()) {
            define(v.id(), elementwise(v, null));
          } else {
            String k = elementLoop(flatSize(v.shape()), v);
            emit("$L[$L] = $L", array(v.id()), plus(offset(v.id()), k), type.stored(elementwise(v, k)));
          }
        } else if (v.shape().isScalar()) {
          reduction(v);
        } else if (v.op() == Op.OUTER) {
          line("java.util.Arrays.fill($L, $L, $L, $L)", array(v.id()), offset(v.id()), plus(offset(v.id()), flatSize(v.shape())), type.literal(0));
          line("$L", template(v.op().accumulateKernel(), v, "1.0", view(v.id())));
        } else {
          line("$L", template(v.op().kernel(), v, null, view(v.id())));
        }
      }
    }
  }

  /** A scalar-valued tensor op: a kernel call, or a loop when an operand is spelled inline. */
  private void reduction(Value v) {
    boolean fused = v.args().stream().anyMatch(a -> inline[a]);
    if (!fused) {
      define(v.id(), template(v.op().kernel(), v, null, null));
      return;
    }
    // A spilled sum still runs in a local, stored once at the end.
    boolean spill = split && depth == 0;
    String acc = spill ? fresh("acc") : local(v.id());
    String k = fresh("k");
    line("$L $L = $L", type.java(), acc, type.literal(0));
    closeElementLoop();
    code.beginControlFlow("for (int $L = 0; $L < $L; $L++)", k, k, length(v.arg(0)), k);
    switch (v.op()) {
      case SUM -> line("$L += $L", acc, element(v.arg(0), k));
      case DOT -> line("$L += $L * $L", acc, paren(element(v.arg(0), k)), paren(element(v.arg(1), k)));
      default -> {
        String e = fresh("e");
        line("$L $L = $L", type.java(), e, type.stored(element(v.arg(0), k)));
        line("$L += $L * $L", acc, e, e);
      }
    }
    closeElementLoop();
    code.endControlFlow();
    if (perRow[v.id()] || spill) {
      define(v.id(), acc);
    }
  }

  /** Defines a scalar: a local, or for a per-row value its entry of this row. */
  private void define(int id, String expr) {
    if (perRow[id]) {
      line("$L[$L] = $L", array(id), offset(id), type.stored(expr));
    } else {
      declare(id, expr);
    }
  }

  private void accumulate(Stmt.Accumulate acc) {
    Value target = f.value(acc.slot());
    String op = acc.subtract() ? "-=" : "+=";
    if (!acc.indices().isEmpty()) {
      line("$L[$L] $L $L", array(acc.slot()), flat(acc.slot(), acc.indices()), op, scalar(acc.value()));
      return;
    }
    if (target.shape().isScalar()) {
      line("$L $L $L", scalar(acc.slot()), op, scalar(acc.value()));
      return;
    }
    Value v = f.value(acc.value());
    String out = array(acc.slot()) + ", " + offset(acc.slot());
    if (deferred[v.id()] && !inline[v.id()]) {
      // A product added in place: s · K(...) or K(...), with K a kernel that adds (W x, xᵀW, a bᵀ).
      String alpha = "1.0";
      Value kernel = v;
      if (v.op() == Op.MUL) {
        int s = f.value(v.arg(0)).shape().isScalar() ? v.arg(0) : v.arg(1);
        alpha = scalar(s);
        kernel = f.value(v.arg(0) == s ? v.arg(1) : v.arg(0));
      } else if (v.op() == Op.NEG) {
        alpha = "-1.0";
        kernel = f.value(v.arg(0));
      }
      if (kernel.op().accumulateKernel() != null && deferred[kernel.id()]) {
        if (kernel.op() == Op.OUTER && deferred[kernel.arg(0)]) {
          // (s·a) bᵀ: the scale goes into alpha.
          Value scaled = f.value(kernel.arg(0));
          int s = f.value(scaled.arg(0)).shape().isScalar() ? scaled.arg(0) : scaled.arg(1);
          alpha = times(alpha, scalar(s));
          int a = scaled.arg(0) == s ? scaled.arg(1) : scaled.arg(0);
          line("$L", template(kernel.op().accumulateKernel(), kernel, List.of(a, kernel.arg(1)), signed(alpha, acc.subtract()), out));
          return;
        }
        line("$L", template(kernel.op().accumulateKernel(), kernel, kernel.args(), signed(alpha, acc.subtract()), out));
        return;
      }
      // s · a (or −a) with a stored: one axpy.
      line("$L.axpy($L, $L, $L, $L)", kernels, signed(alpha, acc.subtract()), view(kernel.id()), out, length(kernel.id()));
      return;
    }
    String k = elementLoop(flatSize(target.shape()), v);
    emit("$L[$L] $L $L", array(acc.slot()), plus(offset(acc.slot()), k), op, v.shape().isScalar() ? scalar(v.id()) : element(v.id(), k));
  }

  /**
   * The loop variable of an element-wise loop over {@code bound} entries, opening the loop unless
   * the previous statement left one of the same length open: consecutive element-wise statements
   * share one loop, so each value is produced and consumed while its entry is in a register
   * instead of in one pass over memory per statement. Safe because element-wise statements read
   * every tensor operand at the entry they write (scalars broadcast): entry k of each operand is
   * complete when entry k of its consumer is computed. Any other statement closes the loop first.
   */
  private String elementLoop(String bound, Value v) {
    // A kernel call (tanh, softplus: Math.exp inside) keeps C2 from vectorising its loop, so such a
    // statement gets a loop of its own and arithmetic around it stays in loops that vectorise.
    boolean calls = callsKernel(v);
    if (bound.equals(elementLoopBound) && !calls) {
      return elementLoopIndex;
    }
    closeElementLoop();
    String k = fresh("k");
    code.beginControlFlow("for (int $L = 0; $L < $L; $L++)", k, k, bound, k);
    elementLoopBound = calls ? CALLS : bound;
    elementLoopIndex = k;
    return k;
  }

  /** The bound an element-wise loop with a kernel call is marked with: no other statement joins it. */
  private static final String CALLS = "(calls)";

  /** Whether computing {@code v}'s entries calls a kernel (itself or an operand spelled inline). */
  private boolean callsKernel(Value v) {
    if (v.op().kind() == Op.Kind.ELEMENTWISE && v.op().java(v.args().stream().map(a -> "x").toList(), v.number()).contains("Kernels.")) {
      return true;
    }
    return v.args().stream().anyMatch(a -> inline[a] && callsKernel(f.value(a)));
  }

  private void closeElementLoop() {
    if (elementLoopBound != null) {
      code.endControlFlow();
      elementLoopBound = null;
      elementLoopIndex = null;
    }
  }

  /** Adds a statement (after an open element-wise loop); the kernel class is referenced through JavaPoet, so it is imported. */
  private void line(String format, Object... args) {
    closeElementLoop();
    emit(format, args);
  }

  /** Adds a statement where the code stands, inside an open element-wise loop if there is one. */
  private void emit(String format, Object... args) {
    String text = CodeBlock.of(format, args).toString();
    partChars += text.length();
    StringBuilder fmt = new StringBuilder();
    List<Object> classes = new ArrayList<>();
    for (char c : text.toCharArray()) {
      if (c == KERNELS.charAt(0) || c == BLAS.charAt(0)) {
        fmt.append("$T");
        classes.add(c == KERNELS.charAt(0) ? kernelClass : blasClass);
      } else {
        fmt.append(c == '$' ? "$$" : String.valueOf(c));
      }
    }
    code.addStatement(fmt.toString(), classes.toArray());
  }

  private static String signed(String alpha, boolean negate) {
    if (!negate) {
      return alpha;
    }
    return alpha.equals("1.0") ? "-1.0" : "-" + paren(alpha);
  }

  private static String times(String a, String b) {
    return a.equals("1.0") ? b : paren(a) + " * " + paren(b);
  }

  // ---------------------------------------------------------------- expressions

  /** The expression of a scalar value. */
  private String scalar(int id) {
    Value v = f.value(id);
    if (perRow[id] && v.op() != Op.CONST) {
      return array(id) + "[" + offset(id) + "]";
    }
    return switch (v.op()) {
      case CONST -> type.literal(v.number());
      case ARG -> storage.argument(v);
      case PARAM, VAR, OUT -> storage.array(v) + "[" + storage.offset(v) + "]";
      default -> local(id);
    };
  }

  /** Entry k of a value (a scalar broadcasts). */
  private String element(int id, String k) {
    Value v = f.value(id);
    if (v.shape().isScalar()) {
      return scalar(id);
    }
    if (inline[id]) {
      return elementwise(v, k);
    }
    return array(id) + "[" + plus(offset(id), k) + "]";
  }

  private String elementwise(Value v, String k) {
    List<String> operands = new ArrayList<>();
    for (int a : v.args()) {
      operands.add(paren(element(a, k)));
    }
    return v.op().java(operands, v.number()).replace("Kernels.", kernels + ".");
  }

  private String elementRead(Value v) {
    return array(v.arg(0)) + "[" + flat(v.arg(0), v.indices()) + "]";
  }

  /** The flat index of an entry of a tensor value, its offset included. */
  private String flat(int tensor, List<IntExpr> indices) {
    Shape shape = f.value(tensor).shape();
    String i = index(indices.get(0), shape.dim(0));
    if (shape.isVector()) {
      return plus(offset(tensor), i);
    }
    String j = index(indices.get(1), shape.dim(1));
    return plus(offset(tensor), i + " * " + storage.size(shape.dim(1)) + " + " + j);
  }

  private static String plus(String offset, String i) {
    return offset.equals("0") ? i : offset + " + " + i;
  }

  /** A kernel template with this op's operands. */
  private String template(String template, Value v, String alpha, String out) {
    return template(template, v, v.args(), alpha, out);
  }

  private String template(String template, Value v, List<Integer> operands, String alpha, String out) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c == '$' && template.startsWith("$alpha", i)) {
        s.append(alpha);
        i += 5;
      } else if (c == '$' && template.startsWith("$out", i)) {
        s.append(out);
        i += 3;
      } else if ((c == '$' || c == '#') && i + 1 < template.length() && Character.isDigit(template.charAt(i + 1))) {
        int operand = operands.get(template.charAt(i + 1) - '0');
        s.append(c == '#' ? length(operand) : operand(operand));
        i++;
      } else if (template.startsWith("Kernels.", i)) {
        s.append(kernels).append('.');
        i += 7;
      } else {
        s.append(c);
      }
    }
    return s.toString();
  }

  /** A kernel operand: a scalar's expression, a vector's "array, offset", a matrix's with its sizes. */
  private String operand(int id) {
    Shape shape = f.value(id).shape();
    if (shape.isScalar()) {
      return scalar(id);
    }
    if (shape.isVector()) {
      return view(id);
    }
    return view(id) + ", " + storage.size(shape.dim(0)) + ", " + storage.size(shape.dim(1));
  }

  private String view(int id) {
    return array(id) + ", " + offset(id);
  }

  private String array(int id) {
    Value v = f.value(id);
    return switch (v.op()) {
      case PARAM, VAR, OUT -> storage.array(v);
      case ROW -> array(v.arg(0));
      default -> scratchOf(v);
    };
  }

  /** The offset of a value's first entry (in a batch: of this row's). */
  private String offset(int id) {
    Value v = f.value(id);
    if (perRow[id] && v.op() != Op.ROW) {
      String row = "r * " + stride(id);
      String base = baseOffset(id);
      return base.equals("0") ? (stride(id).equals("1") ? "r" : row) : row + " + " + base;
    }
    return switch (v.op()) {
      case PARAM, VAR, OUT -> storage.offset(v);
      case ROW -> {
        Shape matrix = f.value(v.arg(0)).shape();
        String row = index(v.indices().get(0), matrix.dim(0)) + " * " + storage.size(matrix.dim(1));
        String base = offset(v.arg(0));
        yield base.equals("0") ? row : "(" + base + " + " + row + ")";
      }
      default -> "0";
    };
  }

  /** Where row 0 of a per-row value starts. */
  private String baseOffset(int id) {
    Value v = f.value(id);
    return v.op() == Op.PARAM || v.op() == Op.VAR || v.op() == Op.OUT ? storage.offset(v) : "0";
  }

  /** The distance between rows of a per-row value. */
  private String stride(int id) {
    Value v = f.value(id);
    return v.op() == Op.PARAM || v.op() == Op.VAR || v.op() == Op.OUT ? storage.rowStride(v) : width(id);
  }

  /** The number of entries of one row of a value. */
  private String width(int id) {
    Shape shape = f.value(id).shape();
    return shape.isScalar() ? "1" : flatSize(shape);
  }

  private String length(int id) {
    return storage.size(f.value(id).shape().dim(0));
  }

  private String flatSize(Shape shape) {
    List<String> sizes = shape.dims().stream().map(storage::size).toList();
    return String.join(" * ", sizes);
  }

  /**
   * The Java name of a value: the user's name for it where there is one (made unique, and kept off
   * the names generated methods use), else t7 for a value, g7 for an adjoint.
   */
  private String local(int id) {
    Integer slot = spilled.get(id);
    if (slot != null) {
      return spillArray() + "[" + slot + "]";
    }
    String name = names.get(id);
    if (name == null) {
      Value v = f.value(id);
      // A user's name with '_' could meet a scratch field (energy_pre): those stay numbered.
      boolean own = v.label() != null && v.label().indexOf('_') < 0 && !looksGenerated(v.label());
      String base = own ? v.label() : (v.op() == Op.ADJOINT ? "g" : "t") + id;
      name = base;
      for (int n = 2; used.contains(name) || RESERVED.contains(name); n++) {
        name = base + "_" + n;
      }
      names.put(id, name);
      used.add(name);
    }
    return name;
  }

  /** Names of the generated methods' parameters and fields, and of the lowering's own locals. */
  private static final java.util.Set<String> RESERVED = java.util.Set.of(
      "x", "xs", "gx", "gxs", "grad", "weight", "weights", "scale", "params", "rows", "r", "state", "dstate", "dstate1",
      "stateSize", "visibleSize", "layout", "variables", "batchScratch", "batchCapacity", "paramsF", "f_batchScratch", "floatCapacity");

  /** Whether a user's name could be mistaken for a generated one: t7, g7, k0, e1. */
  private static boolean looksGenerated(String name) {
    if (name.length() < 2 || "tgke".indexOf(name.charAt(0)) < 0) {
      return false;
    }
    return name.substring(1).chars().allMatch(Character::isDigit);
  }

  private final Map<Integer, String> names = new HashMap<>();
  private final java.util.Set<String> used = new java.util.HashSet<>();

  private String scratchOf(Value v) {
    String name = prefix + local(v.id());
    scratch.putIfAbsent(name, new Scratch(name, v.shape().dims(), perRow[v.id()]));
    return name;
  }

  private String fresh(String base) {
    return base + fresh++;
  }

  /** Wraps an expression in parentheses unless it is a name, a literal, an array entry or a call. */
  static String paren(String e) {
    return atomic(e) ? e : "(" + e + ")";
  }

  private static boolean atomic(String e) {
    int depth = 0;
    for (int i = 0; i < e.length(); i++) {
      char c = e.charAt(i);
      if (c == '(' || c == '[') {
        depth++;
      } else if (c == ')' || c == ']') {
        depth--;
      } else if (depth == 0 && !(Character.isJavaIdentifierPart(c) || c == '.')) {
        return false;
      }
    }
    return !e.isEmpty() && e.charAt(0) != '-' && e.charAt(0) != '(';
  }

  // ---------------------------------------------------------------- integers

  private String index(int loop) {
    return loops.get(loop).indexName() + "_" + loop;
  }

  private String cond(Cond c) {
    if (c instanceof Cond.Compare cmp) {
      return render(cmp.left()) + " " + cmp.op() + " " + render(cmp.right());
    }
    if (c instanceof Cond.Logical l) {
      return "(" + cond(l.left()) + (l.and() ? " && " : " || ") + cond(l.right()) + ")";
    }
    if (c instanceof Cond.Not n) {
      return "!(" + cond(n.operand()) + ")";
    }
    return scalar(((Cond.NonZero) c).value()) + " != " + type.literal(0);
  }

  private String render(IntExpr e) {
    if (e instanceof IntExpr.Const c) {
      return Integer.toString(c.value());
    }
    if (e instanceof IntExpr.Dim d) {
      return storage.size(d.name());
    }
    if (e instanceof IntExpr.Index i) {
      return index(i.loop());
    }
    if (e instanceof IntExpr.Negate n) {
      return "(-" + render(n.operand()) + ")";
    }
    IntExpr.Binary b = (IntExpr.Binary) e;
    return "(" + render(b.left()) + " " + b.op() + " " + render(b.right()) + ")";
  }

  /** A subscript, bounds-checked unless it is proven in range. */
  private String index(IntExpr e, String dim) {
    String text = render(e);
    return inRange(e, dim) ? text : "java.util.Objects.checkIndex(" + text + ", " + storage.size(dim) + ")";
  }

  /** Proves 0 ≤ e &lt; |dim| for the common case: a loop index running up to |dim| from ≥ 0. */
  private boolean inRange(IntExpr e, String dim) {
    if (!(e instanceof IntExpr.Index index)) {
      return false;
    }
    Stmt.Loop loop = loops.get(index.loop());
    IntExpr end = loop.end();
    boolean bounded =
        end.equals(new IntExpr.Dim(dim))
            || (end instanceof IntExpr.Binary b && b.op() == '-' && b.left().equals(new IntExpr.Dim(dim)) && nonNegative(b.right()));
    return bounded && nonNegative(loop.start());
  }

  private boolean nonNegative(IntExpr e) {
    if (e instanceof IntExpr.Const c) {
      return c.value() >= 0;
    }
    if (e instanceof IntExpr.Dim) {
      return true;
    }
    if (e instanceof IntExpr.Index index) {
      return nonNegative(loops.get(index.loop()).start());
    }
    if (e instanceof IntExpr.Binary b && (b.op() == '+' || b.op() == '*')) {
      return nonNegative(b.left()) && nonNegative(b.right());
    }
    return false;
  }

  // ---------------------------------------------------------------- fusion plan

  /** Decides which values are written at their use: counts uses and where they happen. */
  private final class Fusion {
    private final int[] uses = new int[f.values().size()];
    private final Map<Integer, Block> definedIn = new HashMap<>();
    /** For values used once: the block of the use and what uses them (a Let's value or an Accumulate). */
    private final Map<Integer, Block> usedIn = new HashMap<>();
    private final Map<Integer, Object> user = new HashMap<>();
    private final Map<Integer, List<Object>> users = new HashMap<>();

    void plan() {
      scan(f.body());
      if (f.hasResult()) {
        uses[f.result()]++;
      }
      // Element-wise tensors used once, next to a user that loops over entries.
      for (Value v : f.values()) {
        if (v.op().kind() == Op.Kind.ELEMENTWISE && !v.shape().isScalar() && single(v.id())) {
          Object u = user.get(v.id());
          boolean fits = u instanceof Value w
              ? (w.op().kind() == Op.Kind.ELEMENTWISE && !w.shape().isScalar() && spelledOnce(w, v.id())) || w.op() == Op.SUM || w.op() == Op.DOT || w.op() == Op.SUM_SQUARES
              : u instanceof Stmt.Accumulate acc && acc.indices().isEmpty() && !f.value(acc.slot()).shape().isScalar();
          if (fits) {
            inline[v.id()] = true;
            deferred[v.id()] = true;
          }
        }
      }
      // Products added into a buffer: in place through a kernel, or an axpy.
      for (Map.Entry<Integer, Object> e : user.entrySet()) {
        if (!(e.getValue() instanceof Stmt.Accumulate acc) || !acc.indices().isEmpty() || f.value(acc.slot()).shape().isScalar() || !single(e.getKey())) {
          continue;
        }
        Value v = f.value(e.getKey());
        if (v.op().accumulateKernel() != null) {
          deferKernel(v);
        } else if (v.op() == Op.NEG && f.value(v.arg(0)).op().accumulateKernel() != null && single(v.arg(0))) {
          // −K(...) added in place: K with alpha −1.
          inline[v.id()] = false;
          deferred[v.id()] = true;
          deferKernel(f.value(v.arg(0)));
        } else if (v.op() == Op.NEG && v.shape().isVector() && !inline[v.arg(0)] && !deferred[v.arg(0)]) {
          // −a with a stored: one axpy with alpha −1.
          inline[v.id()] = false;
          deferred[v.id()] = true;
        } else if (v.op() == Op.MUL && !v.shape().isScalar()) {
          int s = f.value(v.arg(0)).shape().isScalar() ? v.arg(0) : f.value(v.arg(1)).shape().isScalar() ? v.arg(1) : -1;
          if (s < 0) {
            continue;
          }
          Value w = f.value(v.arg(0) == s ? v.arg(1) : v.arg(0));
          if (w.op().accumulateKernel() != null && single(w.id()) && usedIn.get(w.id()) == definedIn.get(w.id())) {
            inline[v.id()] = false;
            deferred[v.id()] = true;
            deferKernel(w);
          } else if (!inline[w.id()] && w.shape().isVector()) {
            inline[v.id()] = false;
            deferred[v.id()] = true;
          }
        }
      }
      if (batched) {
        scaledRows();
      }
    }

    /**
     * In a batch, s_r·a_r (s a per-row scalar, a stored rows) is not stored when every use takes
     * the row scales as they are: an outer product summed over rows (Aᵀ diag(s) B) or a sum over
     * rows into a shared vector (a weighted column sum).
     */
    private void scaledRows() {
      for (Value v : f.values()) {
        if (v.op() != Op.MUL || !perRow[v.id()] || !v.shape().isVector()) {
          continue;
        }
        int s = f.value(v.arg(0)).shape().isScalar() ? v.arg(0) : f.value(v.arg(1)).shape().isScalar() ? v.arg(1) : -1;
        if (s < 0 || !perRow[s] || !isRowArray(s)) {
          continue;
        }
        int a = v.arg(0) == s ? v.arg(1) : v.arg(0);
        if (!perRow[a] || inline[a]) {
          continue;
        }
        List<Value> outers = new ArrayList<>();
        boolean fits = true;
        for (Object u : users.getOrDefault(v.id(), List.of())) {
          if (u instanceof Stmt.Accumulate acc) {
            fits &= acc.value() == v.id() && acc.indices().isEmpty() && !acc.subtract() && !perRow[acc.slot()] && f.value(acc.slot()).op() != Op.ROW;
          } else if (u instanceof Value w && w.op() == Op.OUTER && w.arg(0) == v.id() && w.arg(1) != v.id() && uses[w.id()] == 1
              && user.get(w.id()) instanceof Stmt.Accumulate acc && acc.indices().isEmpty() && !acc.subtract() && !perRow[acc.slot()]) {
            outers.add(w);
          } else {
            fits = false;
          }
        }
        if (fits && !users.getOrDefault(v.id(), List.of()).isEmpty()) {
          deferred[v.id()] = true;
          inline[v.id()] = false;
          for (Value w : outers) {
            deferred[w.id()] = true;
            inline[w.id()] = false;
          }
        }
      }
    }

    private void deferKernel(Value k) {
      deferred[k.id()] = true;
      inline[k.id()] = false;
      if (k.op() == Op.OUTER) {
        Value a = f.value(k.arg(0));
        if (a.op() == Op.MUL && single(a.id()) && usedIn.get(a.id()) == definedIn.get(a.id())
            && (f.value(a.arg(0)).shape().isScalar() || f.value(a.arg(1)).shape().isScalar())
            && !inline[a.arg(0)] && !inline[a.arg(1)]) {
          deferred[a.id()] = true;
          inline[a.id()] = false;
        }
      }
    }

    /**
     * Whether {@code w}'s Java spelling names operand {@code id} once: a square is spelled a * a, and
     * an operand written inline there would be computed twice (tanh(x) * tanh(x)).
     */
    private boolean spelledOnce(Value w, int id) {
      List<String> marks = new ArrayList<>();
      for (int i = 0; i < w.args().size(); i++) {
        marks.add("\u0000" + i + "\u0000");
      }
      String spelled = w.op().java(marks, w.number());
      int position = w.args().indexOf(id);
      String mark = marks.get(position);
      return spelled.indexOf(mark) == spelled.lastIndexOf(mark);
    }

    private boolean single(int id) {
      return uses[id] == 1 && usedIn.get(id) == definedIn.get(id);
    }

    private void scan(Block block) {
      for (Stmt s : block.stmts()) {
        if (s instanceof Stmt.Let let) {
          definedIn.put(let.value().id(), block);
          for (int a : let.value().args()) {
            use(a, block, let.value());
          }
        } else if (s instanceof Stmt.Accumulate acc) {
          use(acc.value(), block, acc);
          use(acc.slot(), block, null);
        } else if (s instanceof Stmt.Loop loop) {
          loop.slots().forEach(slot -> use(f.value(slot).arg(0), block, null));
          scan(loop.body());
        } else if (s instanceof Stmt.If branch) {
          branch.slots().forEach(slot -> use(f.value(slot).arg(0), block, null));
          if (branch.cond() instanceof Cond.NonZero nz) {
            use(nz.value(), block, null);
          }
          scan(branch.then());
          scan(branch.otherwise());
        }
      }
    }

    private void use(int id, Block block, Object by) {
      users.computeIfAbsent(id, k -> new ArrayList<>()).add(by);
      uses[id]++;
      usedIn.put(id, block);
      user.put(id, by);
    }
  }
}
