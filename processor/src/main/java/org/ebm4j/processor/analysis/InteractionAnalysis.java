package org.ebm4j.processor.analysis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Value;
import org.ebm4j.processor.ir.Variable;

/**
 * Which variables interact: two do when some term of the energy depends on both. The energy is
 * split into terms through sums (+, −, accumulations, Σ of a vector, scaling by what depends on no
 * variable); any other value is one term on every variable it depends on. A product of sums is one
 * term, so the graph may show an interaction that cancels, never miss one: two variables shown
 * apart are conditionally independent given the rest, which is what sums over independent blocks
 * rely on.
 */
public final class InteractionAnalysis {
  private final EnergyFunction f;
  private final Map<Integer, List<Integer>> added;
  private final Map<Integer, Set<String>> deps = new HashMap<>();
  private final Map<Integer, List<Set<String>>> terms = new HashMap<>();

  private InteractionAnalysis(EnergyFunction f) {
    this.f = f;
    this.added = ActivityAnalysis.accumulations(f);
  }

  /**
   * For each variable, in state order, the other variables it shares a term with (in state order).
   *
   * <p>Assumes a verified energy with a result.
   */
  public static Map<String, List<String>> neighbours(EnergyFunction f) {
    InteractionAnalysis a = new InteractionAnalysis(f);
    Map<String, Set<String>> graph = new LinkedHashMap<>();
    List<String> order = f.variables().stream().map(Variable::name).toList();
    order.forEach(v -> graph.put(v, new TreeSet<>(java.util.Comparator.comparingInt(order::indexOf))));
    for (Set<String> term : a.terms(f.result())) {
      for (String x : term) {
        for (String y : term) {
          if (!x.equals(y)) {
            graph.get(x).add(y);
          }
        }
      }
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    graph.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return out;
  }

  private List<Set<String>> terms(int id) {
    List<Set<String>> cached = terms.get(id);
    if (cached != null) {
      return cached;
    }
    Value v = f.value(id);
    List<Set<String>> out = new ArrayList<>();
    switch (v.op()) {
      case ADD, SUB -> {
        out.addAll(terms(v.arg(0)));
        out.addAll(terms(v.arg(1)));
      }
      case NEG, SUM -> out.addAll(terms(v.arg(0)));
      case ACC -> {
        out.addAll(terms(v.arg(0)));
        for (int a : added.getOrDefault(id, List.of())) {
          out.addAll(terms(a));
        }
      }
      case MUL, DIV -> {
        // Scaling a sum by what depends on no variable keeps its terms apart.
        if (deps(v.arg(1)).isEmpty()) {
          out.addAll(terms(v.arg(0)));
        } else if (v.op() == Op.MUL && deps(v.arg(0)).isEmpty()) {
          out.addAll(terms(v.arg(1)));
        } else {
          out.add(deps(id));
        }
      }
      default -> out.add(deps(id));
    }
    out.removeIf(Set::isEmpty);
    terms.put(id, out);
    return out;
  }

  /** The variables a value depends on. */
  private Set<String> deps(int id) {
    Set<String> cached = deps.get(id);
    if (cached != null) {
      return cached;
    }
    Value v = f.value(id);
    Set<String> out = new LinkedHashSet<>();
    if (v.op() == Op.VAR) {
      out.add(v.name());
    }
    for (int a : v.args()) {
      out.addAll(deps(a));
    }
    if (v.op() == Op.ACC) {
      for (int a : added.getOrDefault(id, List.of())) {
        out.addAll(deps(a));
      }
    }
    deps.put(id, out);
    return out;
  }
}
