package org.ebm4j.processor.ad;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ebm4j.processor.ir.Builder;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.IntExpr;
import org.ebm4j.processor.ir.IrVerifier;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Shape;
import org.ebm4j.processor.ir.Stmt;
import org.ebm4j.processor.ir.Value;
import org.ebm4j.processor.ir.Variable;

/**
 * The Laplacian Δₓf = Σ_k ∂²f/∂x_k² as a program, by the forward Laplacian (Li et al. 2023): next to
 * every value y it computes its Jacobian J_y in the visible vector x and its Laplacian Δy, in one
 * sweep. Each op's rule is forward mode twice summed over the unit directions: for y = g(a, b),
 * Δy = g_a Δa + g_b Δb + g_aa |J_a|² + 2 g_ab J_a·J_b + g_bb |J_b|², the second partials found by
 * forward mode over the op's own partials. Because the second-order terms are summed as they
 * arise, the cost does not grow with one program per direction as the line programs do.
 *
 * <p>A vector's Jacobian is kept factored as diag(s) B, B a matrix that does not depend on the
 * state (the identity for x, W for Wx, Wᵀ for xᵀW): element-wise ops only change s, and the
 * contraction |J|² of a vector is s² times B's row sums of squares, computed once per batch. So
 * for the usual energies (element-wise functions of one affine map of x) the Laplacian costs a few
 * energies at any dimension; a quadratic form vᵀAv adds 2 tr A. A construct outside that family (a
 * loop, a Jacobian that is not of the form diag(s) B, a product of two affine maps' Jacobians) has
 * no rule here: {@link #laplacian} returns null and the caller sums one curvature per direction
 * instead.
 *
 * <p>The same sweep gives the gradient ∇ₓf, the Jacobian of the result, so each of score
 * matching's objectives is one program ({@link #objective}): ½|∇f|² − Δf, or with the contraction
 * (J_a u)(J_b u) in place of the trace, ½|∇f|² − uᵀ∇²f u for sliced score matching, or the gradient
 * alone for denoising. Reverse mode over that program is the objective's θ-gradient, the primal
 * values (tanh, σ, softplus of each pre-activation) computed once instead of once per program.
 */
public final class LaplacianMode {
  /** A Jacobian: for a scalar, the vector [D] {@code dense}; for a vector, diag({@code scale}) · base. */
  private record Jac(int dense, int scale, int base) {
    static final int IDENTITY = -1;

    static Jac dense(int id) {
      return new Jac(id, -1, -2);
    }

    static Jac factored(int scale, int base) {
      return new Jac(-1, scale, base);
    }

    boolean isDense() {
      return dense >= 0;
    }
  }

  /** Where the transformation has no rule; the caller falls back to curvatures along each unit. */
  private static final class Unsupported extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unsupported(String what) {
      super(what, null, false, false);
    }
  }

  private final EnergyFunction f;
  private final String visible;
  private final Builder b = new Builder();
  private final Map<Integer, Integer> copy = new HashMap<>();
  private final Map<Integer, Jac> jac = new HashMap<>();
  /** Original id → id of its Laplacian (scalar for a vector whose entries all share it); absent where 0. */
  private final Map<Integer, Integer> lap = new HashMap<>();
  /** Base matrix → its rows' sums of squares (the contraction of diag(s) B with itself is s² ⊙ this). */
  private final Map<Integer, Integer> rowSquares = new HashMap<>();
  /** Matrix → its transpose, once, so that Jacobians through the same xᵀW share one factor. */
  private final Map<Integer, Integer> transposes = new HashMap<>();

  /** The direction u (a leaf of the new program) whose curvature uᵀ∇²f u replaces the trace, or −1. */
  private final int direction;
  /** Whether second-order terms are wanted at all (denoising needs the gradient alone). */
  private final boolean second;
  /** Base matrix → B u, for the curvature along u. */
  private final Map<Integer, Integer> alongU = new HashMap<>();

  private LaplacianMode(EnergyFunction f, Variable x, Form form) {
    this.f = f;
    this.visible = x.name();
    this.second = form != Form.DENOISING;
    this.direction = form == Form.EXACT ? -1 : b.leaf(Op.VAR, x.name() + Derivatives.TANGENT, Shape.vector(x.dims().get(0)));
  }

  /**
   * Score matching's objectives at one state, J (minimised), with s = ∇ₓ log p̃ = −∇ₓf and u the
   * input {@code x~}: the forms differ only in the second-order term the sweep carries.
   */
  public enum Form {
    /** J = ½|s|² + tr ∇ₓs: the trace, as the Laplacian. */
    EXACT,
    /** J = ½|s|² + uᵀ∇ₓs u: the curvature along u (its contraction is (J_a u)(J_b u)). */
    SLICED,
    /** J = ½|s + u|²: the gradient alone (u = ε/σ for the noise ε added to x). */
    DENOISING
  }

  /**
   * The program whose result is score matching's objective J of {@code form} at one state, computed
   * in one sweep with the gradient ∇ₓf (the Jacobian of the result); null where {@link #laplacian}
   * would be.
   */
  public static EnergyFunction objective(EnergyFunction f, Form form) {
    return program(f, form, t -> {
      Jac j = t.jac.get(f.result());
      if (j == null) {
        throw new Unsupported("an energy that does not depend on the state");
      }
      Builder b = t.b;
      int g = j.dense();
      if (form == Form.DENOISING) {
        int r = b.sub(t.direction, g);
        return b.mul(b.constant(0.5), b.dot(r, r));
      }
      int half = b.mul(b.constant(0.5), b.dot(g, g));
      Integer curvature = t.lap.get(f.result());
      return curvature == null ? half : b.sub(half, curvature);
    });
  }

  /**
   * The sweep of {@code form} over f with the result {@code result} picks from it, verified; null
   * where f is outside these rules.
   */
  private static EnergyFunction program(EnergyFunction f, Form form, java.util.function.ToIntFunction<LaplacianMode> result) {
    Variable x = visibleVector(f);
    if (x == null) {
      return null;
    }
    try {
      LaplacianMode t = new LaplacianMode(f, x, form);
      t.sweep();
      int out = result.applyAsInt(t);
      EnergyFunction program = new EnergyFunction(t.b.values(), t.b.close(), out, f.variables());
      IrVerifier.verify(program);
      return program;
    } catch (Unsupported e) {
      return null;
    }
  }

  /** The one visible variable of f if it is a real vector (what these rules cover), else null. */
  private static Variable visibleVector(EnergyFunction f) {
    List<Variable> visibles = f.variables().stream().filter(Variable::visible).toList();
    if (visibles.size() != 1 || visibles.get(0).dims().size() != 1 || visibles.get(0).domain() != org.ebm4j.model.Domain.REAL || !f.hasResult()) {
      return null;
    }
    return visibles.get(0);
  }

  /**
   * The program computing f's value and, as its result, Δₓf for the one visible vector variable x
   * of {@code f}; null where f has more than one visible variable, a scalar or discrete one, or a
   * construct without a rule here.
   */
  public static EnergyFunction laplacian(EnergyFunction f) {
    return program(f, Form.EXACT, t -> {
      Integer laplacian = t.lap.get(f.result());
      return laplacian == null ? t.b.constant(0) : laplacian;
    });
  }

  private void sweep() {
    for (Stmt s : f.body().stmts()) {
      if (s instanceof Stmt.Let let) {
        let(let.value());
      } else if (s instanceof Stmt.Accumulate acc) {
        accumulate(acc);
      } else {
        throw new Unsupported("a loop or branch");
      }
    }
  }

  /** A buffer's Jacobian and Laplacian are the sums of what is added to it (all additions come before any read). */
  private void accumulate(Stmt.Accumulate acc) {
    b.add(new Stmt.Accumulate(copy.get(acc.slot()), acc.subtract(), copy.get(acc.value()), acc.indices()));
    Jac j = jac.get(acc.value());
    Integer l = lap.get(acc.value());
    if (j == null && l == null) {
      return;
    }
    Shape target = f.value(acc.slot()).shape();
    if (!acc.indices().isEmpty() || !target.equals(f.value(acc.value()).shape()) || f.value(acc.slot()).op() != Op.ADJOINT) {
      throw new Unsupported("an addition of a state-dependent value into part of a buffer");
    }
    int sign = acc.subtract() ? -1 : 1;
    if (j != null) {
      jac.put(acc.slot(), sum(jac.get(acc.slot()), sign < 0 ? scaled(b.constant(-1), j, target) : j));
    }
    if (l != null) {
      int term = sign < 0 ? b.neg(l) : l;
      lap.merge(acc.slot(), term, b::add);
    }
  }

  private void let(Value v) {
    List<Integer> args = v.args().stream().map(copy::get).toList();
    int y = b.copy(v, args);
    copy.put(v.id(), y);
    if (v.op() == Op.VAR && v.name().equals(visible)) {
      jac.put(v.id(), Jac.factored(b.constant(1), Jac.IDENTITY));
      return;
    }
    if (v.op().kind() == Op.Kind.LEAF || v.args().stream().noneMatch(jac::containsKey)) {
      return;
    }
    if (v.op().kind() == Op.Kind.ELEMENTWISE) {
      elementwise(v, y);
    } else {
      tensor(v, y);
    }
  }

  // ---------------------------------------------------------------- element-wise ops

  private void elementwise(Value v, int y) {
    Value yv = b.value(y);
    Shape shape = v.shape();
    int arity = v.args().size();
    boolean same = arity == 2 && v.arg(0) == v.arg(1);
    int[] active = java.util.stream.IntStream.range(0, same ? 1 : arity).filter(i -> jac.containsKey(v.arg(i))).toArray();
    for (int i : active) {
      if (!shape.isScalar() && f.value(v.arg(i)).shape().isScalar()) {
        throw new Unsupported("a state-dependent scalar combined with a vector");
      }
    }
    // First partials (for x·x, the sum of both), each built after a mark so that forward mode
    // over exactly the values it built gives the second partials.
    int[] partial = new int[arity];
    int[][] built = new int[arity][];
    for (int i : active) {
      int from = b.values().size();
      partial[i] = same ? b.add(v.op().partial(b, yv, 0), v.op().partial(b, yv, 1)) : v.op().partial(b, yv, i);
      built[i] = new int[] {from, b.values().size()};
    }
    Jac jy = null;
    int dy = -1;
    for (int i : active) {
      int a = v.arg(i);
      jy = sum(jy, scaled(partial[i], jac.get(a), shape));
      Integer da = lap.get(a);
      if (da != null) {
        dy = plus(dy, b.mul(partial[i], da));
      }
    }
    for (int i : second ? active : new int[0]) {
      for (int k : active) {
        if (k < i) {
          continue;
        }
        // ∂²y/∂a_i∂a_k: forward mode along a_k over the values that built ∂y/∂a_i.
        int secondPartial = derivative(partial[i], built[i], seedsAlong(v, y, k, partial[k]));
        if (secondPartial < 0) {
          continue;
        }
        int q = contraction(jac.get(v.arg(i)), jac.get(v.arg(k)));
        int term = b.mul(secondPartial, q);
        dy = plus(dy, k == i ? term : b.mul(b.constant(2), term));
      }
    }
    if (jy != null) {
      jac.put(v.id(), jy);
    }
    if (dy >= 0) {
      lap.put(v.id(), dy);
    }
  }

  /** The seeds of forward mode along operand k of y: that operand moves by 1, y by ∂y/∂a_k. */
  private Map<Integer, Integer> seedsAlong(Value v, int y, int k, int partialK) {
    Map<Integer, Integer> seeds = new HashMap<>();
    seeds.put(copy.get(v.arg(k)), b.constant(1));
    seeds.put(y, partialK);
    return seeds;
  }

  /** The tangent of {@code root}, built in ids [range[0], range[1]), from the seeds' tangents; −1 if zero. */
  private int derivative(int root, int[] range, Map<Integer, Integer> seeds) {
    Map<Integer, Integer> dot = new HashMap<>(seeds);
    for (int id = range[0]; id < range[1]; id++) {
      Value w = b.value(id);
      if (w.op().kind() == Op.Kind.LEAF) {
        continue;
      }
      int t = ForwardMode.tangent(b, w, w.args(), dot);
      if (t >= 0) {
        dot.put(id, t);
      }
    }
    Integer t = dot.get(root);
    return t == null ? -1 : t;
  }

  // ---------------------------------------------------------------- tensor ops

  private void tensor(Value v, int y) {
    Jac ja = v.args().isEmpty() ? null : jac.get(v.arg(0));
    switch (v.op()) {
      case DOT -> {
        int a = copy.get(v.arg(0));
        int c = copy.get(v.arg(1));
        Jac jc = jac.get(v.arg(1));
        Jac jy = null;
        int dy = -1;
        if (ja != null) {
          jy = Jac.dense(contract(b.mul(c, ja.scale()), ja.base()));
          dy = plus(dy, dotWith(c, lap.get(v.arg(0))));
        }
        if (jc != null) {
          jy = sum(jy, Jac.dense(contract(b.mul(a, jc.scale()), jc.base())));
          dy = plus(dy, dotWith(a, lap.get(v.arg(1))));
        }
        if (second && ja != null && jc != null) {
          dy = plus(dy, b.mul(b.constant(2), sumOf(contraction(ja, jc), v.arg(0))));
        }
        put(v, jy, dy);
      }
      case SUM -> put(v, Jac.dense(contract(ja.scale(), ja.base())), lap.containsKey(v.arg(0)) ? sumOf(lap.get(v.arg(0)), v.arg(0)) : -1);
      case SUM_SQUARES -> {
        int a = copy.get(v.arg(0));
        int two = b.constant(2);
        int dy = second ? b.mul(two, sumOf(contraction(ja, ja), v.arg(0))) : -1;
        int da = dotWith(a, lap.get(v.arg(0)));
        dy = plus(dy, da < 0 ? -1 : b.mul(two, da));
        put(v, Jac.dense(contract(b.mul(b.mul(two, a), ja.scale()), ja.base())), dy);
      }
      case LOG_SUM_EXP -> {
        // ∇y = softmax p; Δy = pᵀΔa + Σ_j p_j |J_a,j|² − |J_y|² (each |·|² the contraction).
        int p = b.exp(b.sub(copy.get(v.arg(0)), y));
        int jy = contract(b.mul(p, ja.scale()), ja.base());
        int dy = second ? b.sub(dotWith(p, contraction(ja, ja)), contraction(Jac.dense(jy), Jac.dense(jy))) : -1;
        dy = plus(dy, dotWith(p, lap.get(v.arg(0))));
        put(v, Jac.dense(jy), dy);
      }
      case MATVEC, VECMAT -> {
        boolean matvec = v.op() == Op.MATVEC;
        int vector = matvec ? 1 : 0;
        Jac jx = jac.get(v.arg(vector));
        if (jac.containsKey(v.arg(1 - vector)) || jx.base() != Jac.IDENTITY || !b.shape(jx.scale()).isScalar()) {
          throw new Unsupported("a product whose Jacobian is not a matrix of parameters");
        }
        int w = copy.get(v.arg(1 - vector));
        int base = matvec ? w : transposes.computeIfAbsent(w, b::transpose);
        Integer da = lap.get(v.arg(vector));
        int dy = -1;
        if (da != null) {
          if (b.shape(da).isScalar()) {
            throw new Unsupported("a product of a uniform Laplacian");
          }
          dy = matvec ? b.matvec(w, da) : b.vecmat(da, w);
        }
        put(v, Jac.factored(jx.scale(), base), dy);
      }
      case BILINEAR -> {
        if (jac.containsKey(v.arg(1))) {
          throw new Unsupported("a bilinear form whose matrix depends on the state");
        }
        if (jac.containsKey(v.arg(0)) && jac.containsKey(v.arg(2))) {
          quadraticForm(v);
          return;
        }
        int w = copy.get(v.arg(1));
        boolean left = jac.containsKey(v.arg(0));
        int moving = left ? v.arg(0) : v.arg(2);
        int coefficient = left ? b.matvec(w, copy.get(v.arg(2))) : b.vecmat(copy.get(v.arg(0)), w);
        Jac jm = jac.get(moving);
        put(v, Jac.dense(contract(b.mul(coefficient, jm.scale()), jm.base())), dotWith(coefficient, lap.get(moving)));
      }
      default -> throw new Unsupported(v.op().spelling() + " of a state-dependent value");
    }
  }

  /**
   * aᵀAc with both sides moving as diag(s_a)·I and diag(s_c)·I (vᵀAv, say): the gradient is
   * s_a ⊙ Ac + s_c ⊙ Aᵀa, and the cross term 2 Σ_ij A_ij J_a[i]·J_c[j] is 2 Σ_i s_a,i s_c,i A_ii
   * for the trace, 2 (s_a ⊙ u)ᵀA(s_c ⊙ u) along u.
   */
  private void quadraticForm(Value v) {
    Jac ja = jac.get(v.arg(0));
    Jac jc = jac.get(v.arg(2));
    if (ja.base() != Jac.IDENTITY || jc.base() != Jac.IDENTITY) {
      throw new Unsupported("a bilinear form of affine maps of the state");
    }
    int a = copy.get(v.arg(0));
    int m = copy.get(v.arg(1));
    int c = copy.get(v.arg(2));
    int ac = b.matvec(m, c);
    int atA = b.vecmat(a, m);
    int jy = b.add(contract(b.mul(ac, ja.scale()), Jac.IDENTITY), contract(b.mul(atA, jc.scale()), Jac.IDENTITY));
    int dy = plus(dotWith(ac, lap.get(v.arg(0))), dotWith(atA, lap.get(v.arg(2))));
    if (second) {
      int cross;
      if (direction >= 0) {
        cross = b.bilinear(b.mul(ja.scale(), direction), m, b.mul(jc.scale(), direction));
      } else {
        int scales = b.mul(ja.scale(), jc.scale());
        int diagonal = b.diagonal(m);
        cross = b.shape(scales).isScalar() ? b.mul(scales, b.sum(diagonal)) : b.dot(scales, diagonal);
      }
      dy = plus(dy, b.mul(b.constant(2), cross));
    }
    put(v, Jac.dense(jy), dy);
  }

  private void put(Value v, Jac j, int dy) {
    jac.put(v.id(), j);
    if (dy >= 0) {
      lap.put(v.id(), dy);
    }
  }

  // ---------------------------------------------------------------- Jacobian algebra

  /** p ⊙ J for y of {@code shape}: the scale of a factored Jacobian, or the dense vector. */
  private Jac scaled(int p, Jac j, Shape shape) {
    if (j.isDense()) {
      if (!shape.isScalar()) {
        throw new Unsupported("a state-dependent scalar spread over a vector");
      }
      return Jac.dense(b.mul(p, j.dense()));
    }
    return Jac.factored(b.mul(p, j.scale()), j.base());
  }

  private Jac sum(Jac a, Jac c) {
    if (a == null) {
      return c;
    }
    if (a.isDense() && c.isDense()) {
      return Jac.dense(b.add(a.dense(), c.dense()));
    }
    if (!a.isDense() && !c.isDense() && a.base() == c.base()) {
      return Jac.factored(b.add(a.scale(), c.scale()), a.base());
    }
    throw new Unsupported("a sum of Jacobians of different factors");
  }

  /**
   * Σ_k J_a[., k] J_c[., k] (or, along u, (J_a u)(J_c u)): a scalar for scalars, per entry for
   * vectors.
   */
  private int contraction(Jac a, Jac c) {
    if (direction >= 0) {
      return b.mul(along(a), along(c));
    }
    if (a.isDense() && c.isDense()) {
      return b.dot(a.dense(), c.dense());
    }
    if (a.isDense() || c.isDense() || a.base() != c.base()) {
      throw new Unsupported("a product of Jacobians of different factors");
    }
    int scales = b.mul(a.scale(), c.scale());
    if (a.base() == Jac.IDENTITY) {
      return scales;
    }
    int squares = rowSquares.computeIfAbsent(a.base(), m -> b.rowDots(m, m));
    return b.mul(scales, squares);
  }

  /** J u, the derivative along u: a scalar for a scalar's Jacobian, per entry for a vector's. */
  private int along(Jac j) {
    if (j.isDense()) {
      return b.dot(j.dense(), direction);
    }
    int bu = j.base() == Jac.IDENTITY ? direction : alongU.computeIfAbsent(j.base(), m -> b.matvec(m, direction));
    return b.mul(j.scale(), bu);
  }

  /** wᵀ B: the dense Jacobian of a scalar whose gradient in the vector is w (a vector). */
  private int contract(int w, int base) {
    if (b.shape(w).isScalar()) {
      throw new Unsupported("a uniform gradient of a vector");
    }
    return base == Jac.IDENTITY ? w : b.vecmat(w, base);
  }

  /** Σ_j c_j Δa_j, where a uniform Laplacian (a scalar for a vector) counts once per entry. */
  private int dotWith(int c, Integer da) {
    if (da == null) {
      return -1;
    }
    return b.shape(da).isScalar() ? b.mul(da, b.sum(c)) : b.dot(c, da);
  }

  /** Σ_j q_j for a per-entry (or uniform) quantity over the entries of the original vector {@code of}. */
  private int sumOf(int q, int of) {
    if (!b.shape(q).isScalar()) {
      return b.sum(q);
    }
    return b.mul(q, b.integer(new IntExpr.Dim(f.value(of).shape().dim(0))));
  }

  private int plus(int acc, int term) {
    if (term < 0) {
      return acc;
    }
    return acc < 0 ? term : b.add(acc, term);
  }
}
