package org.ebm4j.processor.analysis;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ebm4j.model.Domain;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.IntExpr;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Shape;
import org.ebm4j.processor.ir.Value;
import org.ebm4j.processor.ir.Variable;

/**
 * Proves structure from the energy's algebra: for each variable, the degree of E in it and whether
 * two of its units ever meet in one term.
 *
 * <p>Each value gets, for a set S of variables, a degree (0, 1, 2, or nonpolynomial) and a form
 * that says how it depends on S's units: not at all, through one unit {@code x[p]} only, element k
 * through unit k only (an aligned vector), as a sum of per-unit terms (separable), or mixed. A
 * binary or spin variable of degree ≤ 1 is a block; a real one of degree 2 and separable is a
 * Gaussian block; latents of joint degree ≤ 1 can be summed out. Every rule errs towards "mixed",
 * so a proof is never wrong, only sometimes missed.
 */
public final class StructureAnalysis {
  /** Degree of a value that is not a polynomial in the variables (exp, log, ...). */
  public static final int NONPOLYNOMIAL = Op.NONPOLYNOMIAL;

  private enum Form {
    NONE,
    UNIT,
    ALIGNED,
    SEPARABLE,
    MIXED
  }

  private record Info(int degree, Form form, IntExpr unit) {
    static final Info NONE = new Info(0, Form.NONE, null);
  }

  private final EnergyFunction f;
  private final Set<String> variables;
  private final Map<Integer, List<Integer>> added;
  private final Map<Integer, Info> memo = new HashMap<>();

  private StructureAnalysis(EnergyFunction f, Set<String> variables, Map<Integer, List<Integer>> added) {
    this.f = f;
    this.variables = variables;
    this.added = added;
  }

  /** An analysis that treats the values {@code removed} as absent (zero): terms taken out of E. */
  private StructureAnalysis without(Set<Integer> removed) {
    StructureAnalysis a = new StructureAnalysis(f, variables, added);
    removed.forEach(id -> a.memo.put(id, Info.NONE));
    return a;
  }

  /**
   * Analyses the energy's dependence on each variable and on the latents jointly.
   *
   * <p>Assumes a verified function whose shapes were inferred. Guarantees a {@link Structure} whose
   * every claim is proven; leaves the use of that structure to the code generator.
   */
  public static Structure analyze(EnergyFunction f) {
    Map<Integer, List<Integer>> added = ActivityAnalysis.accumulations(f);
    Map<String, Integer> degrees = new LinkedHashMap<>();
    Map<String, Structure.BlockKind> blocks = new LinkedHashMap<>();
    for (Variable v : f.variables()) {
      Info info = new StructureAnalysis(f, Set.of(v.name()), added).info(f.result());
      degrees.put(v.name(), info.degree());
      switch (v.domain()) {
        case BINARY, SPIN -> {
          if (info.degree() <= 1) {
            blocks.put(v.name(), v.domain() == Domain.BINARY ? Structure.BlockKind.BINARY : Structure.BlockKind.SPIN);
          }
        }
        case CATEGORICAL -> {
          // Affine in the indicators, so affine in each one-hot unit: p(a | rest) ∝ exp(−∂E/∂x_a).
          if (info.degree() <= 1) {
            blocks.put(v.name(), Structure.BlockKind.CATEGORICAL);
          }
        }
        case REAL -> {
          if (info.degree() == 2 && (info.form() == Form.SEPARABLE || info.form() == Form.UNIT)) {
            blocks.put(v.name(), Structure.BlockKind.GAUSSIAN);
          }
        }
        default -> throw new IllegalStateException(v.domain().toString());
      }
    }
    List<Variable> latents = f.variables().stream().filter(v -> !v.visible()).toList();
    int latentDegree =
        latents.isEmpty()
            ? 0
            : new StructureAnalysis(f, Set.copyOf(latents.stream().map(Variable::name).toList()), added)
                .info(f.result())
                .degree();
    boolean freeEnergy =
        !latents.isEmpty() && latentDegree <= 1 && latents.stream().allMatch(v -> v.domain().isDiscrete());
    List<String> sites =
        f.variables().stream().filter(v -> v.domain().isDiscrete()).map(Variable::name).toList();
    Roles roles = Roles.of(f);
    List<String> affine = new java.util.ArrayList<>();
    for (Variable v : f.variables()) {
      if (!v.domain().isDiscrete()) {
        continue;
      }
      Set<Integer> self = new java.util.HashSet<>();
      roles.couplings().stream().filter(c -> c.left().equals(v.name()) && c.right().equals(v.name())).forEach(c -> self.add(c.term()));
      // A term removed counts as 0; a value that is not a term is never removed, so E's degree stays honest.
      if (new StructureAnalysis(f, Set.of(v.name()), added).without(self).info(f.result()).degree() <= 1) {
        affine.add(v.name());
      }
    }
    return new Structure(degrees, latentDegree, freeEnergy, blocks, sites, roles, InteractionAnalysis.neighbours(f), List.copyOf(affine));
  }

  private Info info(int id) {
    Info cached = memo.get(id);
    if (cached != null) {
      return cached;
    }
    Info info = compute(f.value(id));
    memo.put(id, info);
    return info;
  }

  private Info compute(Value v) {
    switch (v.op()) {
      case VAR:
        if (!variables.contains(v.name())) {
          return Info.NONE;
        }
        if (variables.size() > 1) {
          return new Info(1, Form.MIXED, null);
        }
        return v.shape().isVector() ? new Info(1, Form.ALIGNED, null) : new Info(1, Form.UNIT, new IntExpr.Const(0));
      case PARAM, CONST, INT:
        return Info.NONE;
      case ACC:
        return accumulator(v);
      default:
        break;
    }
    if (v.op().kind() == Op.Kind.ELEMENTWISE) {
      return v.args().size() == 1 ? unary(v) : binary(v);
    }
    List<Info> in = v.args().stream().map(this::info).toList();
    int degree = v.op().degree(in.stream().map(Info::degree).toList(), v.number());
    if (degree == 0) {
      return Info.NONE;
    }
    switch (v.op()) {
      case ELEMENT:
        return in.get(0).form() == Form.ALIGNED
            ? new Info(degree, Form.UNIT, v.indices().get(0))
            : new Info(degree, Form.MIXED, null);
      case SUM:
        return new Info(degree, reduced(in.get(0).form()), null);
      case SUM_SQUARES:
        return new Info(degree, reduced(in.get(0).form()), null);
      case LOG_SUM_EXP:
        return new Info(degree, Form.MIXED, null);
      case DOT:
        {
          // Σ_k a_k(x_k) b_k(x_k) is separable when every dependent operand is aligned.
          boolean aligned = in.stream().allMatch(i -> i.form() == Form.NONE || i.form() == Form.ALIGNED);
          return new Info(degree, aligned ? Form.SEPARABLE : Form.MIXED, null);
        }
      case BILINEAR:
        {
          // Σ_ij v_i W_ij h_j couples units of v with units of h: separable only when one of them
          // alone depends on the variables, aligned, and W does not.
          long dependent = in.stream().filter(i -> i.form() != Form.NONE).count();
          boolean separable =
              dependent == 1 && in.get(1).form() == Form.NONE
                  && (in.get(0).form() == Form.ALIGNED || in.get(2).form() == Form.ALIGNED);
          return new Info(degree, separable ? Form.SEPARABLE : Form.MIXED, null);
        }
      default:
        // MATVEC, VECMAT, ROW: every output entry may depend on every unit.
        return new Info(degree, Form.MIXED, null);
    }
  }

  private static Form reduced(Form form) {
    return form == Form.ALIGNED ? Form.SEPARABLE : Form.MIXED;
  }

  private Info unary(Value v) {
    Info a = info(v.arg(0));
    if (a.degree() == 0) {
      return Info.NONE;
    }
    int degree = v.op().degree(List.of(a.degree()), v.number());
    Form form =
        switch (a.form()) {
          case UNIT, ALIGNED -> a.form();
          case SEPARABLE -> v.op() == Op.NEG ? Form.SEPARABLE : Form.MIXED;
          default -> Form.MIXED;
        };
    return new Info(degree, form, a.unit());
  }

  private Info binary(Value v) {
    Info a = broadcast(info(v.arg(0)), f.value(v.arg(0)).shape(), v.shape());
    Info b = broadcast(info(v.arg(1)), f.value(v.arg(1)).shape(), v.shape());
    int degree = v.op().degree(List.of(a.degree(), b.degree()), v.number());
    if (degree == 0) {
      return Info.NONE;
    }
    if (a.form() == Form.NONE) {
      return new Info(degree, b.form(), b.unit());
    }
    if (b.form() == Form.NONE) {
      return new Info(degree, a.form(), a.unit());
    }
    if (v.op() == Op.ADD || v.op() == Op.SUB) {
      return sum(degree, a, b);
    }
    if (a.form() == Form.UNIT && b.form() == Form.UNIT && a.unit().equals(b.unit())) {
      return new Info(degree, Form.UNIT, a.unit());
    }
    if (a.form() == Form.ALIGNED && b.form() == Form.ALIGNED) {
      return new Info(degree, Form.ALIGNED, null);
    }
    return new Info(degree, Form.MIXED, null);
  }

  /** A scalar that depends on the variables, spread over a vector, mixes units into every entry. */
  private static Info broadcast(Info info, Shape operand, Shape result) {
    if (operand.isScalar() && result.isVector() && info.form() != Form.NONE) {
      return new Info(info.degree(), Form.MIXED, null);
    }
    return info;
  }

  private static Info sum(int degree, Info a, Info b) {
    if (a.form() == Form.MIXED || b.form() == Form.MIXED) {
      return new Info(degree, Form.MIXED, null);
    }
    if (a.form() == Form.ALIGNED || b.form() == Form.ALIGNED) {
      return new Info(degree, a.form() == b.form() ? Form.ALIGNED : Form.MIXED, null);
    }
    if (a.form() == Form.UNIT && b.form() == Form.UNIT && a.unit().equals(b.unit())) {
      return new Info(degree, Form.UNIT, a.unit());
    }
    return new Info(degree, Form.SEPARABLE, null);
  }

  private Info accumulator(Value acc) {
    Info total = info(acc.arg(0));
    for (int term : added.getOrDefault(acc.id(), List.of())) {
      Info t = info(term);
      int degree = Math.max(total.degree(), t.degree());
      if (degree == 0) {
        continue;
      }
      // Terms from different iterations touch different units: the sum is at best separable.
      Form form =
          total.form() == Form.MIXED || t.form() == Form.MIXED ? Form.MIXED : Form.SEPARABLE;
      total = new Info(degree, form, null);
    }
    return total;
  }
}
