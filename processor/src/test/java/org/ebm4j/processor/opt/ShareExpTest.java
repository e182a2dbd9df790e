package org.ebm4j.processor.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.ebm4j.model.Domain;
import org.ebm4j.processor.ir.Builder;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.Interpreter;
import org.ebm4j.processor.ir.IrVerifier;
import org.ebm4j.processor.ir.Op;
import org.ebm4j.processor.ir.Shape;
import org.ebm4j.processor.ir.Variable;
import org.junit.jupiter.api.Test;

/**
 * share-exp: tanh, σ and softplus of one operand become one e^{−|x|} and arithmetic, with the
 * same values from the far negative tail through 0 to the far positive one; a lone tanh stays.
 */
class ShareExpTest {
  @Test
  void threeFunctionsOfOneOperandShareOneExp() {
    Builder b = new Builder();
    int c = b.leaf(Op.PARAM, "c", Shape.vector("n"));
    int x = b.leaf(Op.VAR, "x", Shape.vector("n"));
    int y = b.leaf(Op.VAR, "y", Shape.vector("n"));
    int e = b.add(b.add(b.sum(b.let(Op.TANH, List.of(x))), b.dot(b.sigmoid(x), c)), b.sum(b.let(Op.SOFTPLUS, List.of(x))));
    e = b.add(e, b.sum(b.let(Op.TANH, List.of(y))));
    EnergyFunction f = new EnergyFunction(b.values(), b.close(), e, List.of(new Variable("x", true, Domain.REAL, List.of("n")), new Variable("y", true, Domain.REAL, List.of("n"))));
    EnergyFunction g = ShareExp.run(f);
    IrVerifier.verify(g);
    assertEquals(1, count(g, Op.EXP_NEG_ABS));
    assertEquals(1, count(g, Op.TANH), "tanh of y alone keeps its own exp");
    assertEquals(0, count(g, Op.SIGMOID) + count(g, Op.SOFTPLUS));
    assertEquals(3, count(g, Op.TANH_E) + count(g, Op.SIGMOID_E) + count(g, Op.SOFTPLUS_E));
    double[] xs = {-800, -30, -1.5, -1e-5, 0, 1e-5, 2e-3, 2, 30, 800};
    double[] cs = new double[xs.length];
    for (int k = 0; k < cs.length; k++) {
      cs[k] = 0.1 * (k + 1);
    }
    Map<String, Integer> dims = Map.of("n", xs.length);
    Map<String, double[]> in = Map.of("x", xs, "y", xs, "c", cs);
    double before = new Interpreter(f, dims, in, Map.of()).run();
    double after = new Interpreter(g, dims, in, Map.of()).run();
    assertEquals(before, after, 1e-13 * Math.abs(before));
  }

  private static long count(EnergyFunction f, Op op) {
    return f.values().stream().filter(v -> v.op() == op).count();
  }
}
