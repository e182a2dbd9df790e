package org.ebm4j.processor.ad;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.ebm4j.model.Domain;
import org.ebm4j.processor.ir.Block;
import org.ebm4j.processor.ir.Builder;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Stmt;
import org.ebm4j.processor.ir.Value;
import org.ebm4j.processor.ir.Variable;

/**
 * The energy of the visible units alone as a program of the IR, so that it can be differentiated
 * like any other: E itself when there are no latents, else the free energy
 * F(v) = E(v, 0) − Σ_j A_j(∂E/∂h_j), A the log-partition of a unit's domain at its field. That
 * identity holds when E is affine in the latents jointly (what the structure analysis proves for a
 * free energy): the field ∂E/∂h_j does not depend on h, and the program computes it by reverse mode
 * into a buffer it then reads. Its latents must be 0 in the state it runs on.
 */
public final class Marginal {
  private Marginal() {}

  /** The marginal energy of {@code f}, whose latents (if any) are proven affine and discrete. */
  public static EnergyFunction energy(EnergyFunction f) {
    List<Variable> latents = f.variables().stream().filter(v -> !v.visible()).toList();
    if (latents.isEmpty()) {
      return f;
    }
    EnergyFunction g = ReverseMode.gradientKeepingResult(f, v -> v.op() == Op.VAR && latents.stream().anyMatch(h -> h.name().equals(v.name())), b -> b.constant(1));
    // The fields were written to OUT buffers; here they are buffers the program reads.
    List<Value> values = new ArrayList<>(g.values());
    Map<String, Integer> fields = new java.util.LinkedHashMap<>();
    for (Value v : g.values()) {
      if (v.op() == Op.OUT) {
        values.set(v.id(), new Value(v.id(), Op.ADJOINT, List.of(), v.shape(), null, 0, null, List.of(), null, "field_" + v.name()));
        fields.put(v.name(), v.id());
      }
    }
    Block body = map(g.body(), let -> new Stmt.Let(values.get(let.value().id())));
    Builder b = new Builder(values);
    body.stmts().forEach(b::add);
    int free = g.result();
    for (Variable h : latents) {
      Integer field = fields.get(h.name());
      if (field == null) {
        continue; // E does not depend on h: a constant log 2 per unit, which no derivative sees
      }
      free = b.sub(free, b.sum(logPartition(b, h.domain(), field)));
    }
    return new EnergyFunction(values, b.close(), free, f.variables());
  }

  /** log Σ_{h ∈ domain} exp(−g h), element-wise. */
  private static int logPartition(Builder b, Domain d, int field) {
    return switch (d) {
      case BINARY -> b.let(Op.SOFTPLUS, List.of(b.neg(field)));
      case SPIN -> b.add(b.let(Op.LOG_COSH, List.of(field)), b.constant(Math.log(2)));
      default -> throw new IllegalArgumentException("no free energy over " + d + " latents");
    };
  }

  private static Block map(Block block, UnaryOperator<Stmt.Let> lets) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt s : block.stmts()) {
      if (s instanceof Stmt.Let let) {
        out.add(lets.apply(let));
      } else if (s instanceof Stmt.Loop loop) {
        out.add(new Stmt.Loop(loop.loop(), loop.indexName(), loop.start(), loop.end(), map(loop.body(), lets), loop.slots(), loop.origin()));
      } else if (s instanceof Stmt.If branch) {
        out.add(new Stmt.If(branch.cond(), map(branch.then(), lets), map(branch.otherwise(), lets), branch.slots()));
      } else {
        out.add(s);
      }
    }
    return new Block(out);
  }
}
