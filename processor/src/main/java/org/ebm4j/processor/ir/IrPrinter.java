package org.ebm4j.processor.ir;

import java.util.stream.Collectors;

/** Prints IR one value per line, e.g. {@code %7 = dot(%2, %5) : [hidden]}, for dumps and tests. */
public final class IrPrinter {
  private IrPrinter() {}

  public static String print(EnergyFunction function) {
    StringBuilder out = new StringBuilder();
    print(function, function.body(), "", out);
    if (function.hasResult()) {
      out.append("return %").append(function.result()).append('\n');
    }
    return out.toString();
  }

  private static void print(EnergyFunction f, Block block, String indent, StringBuilder out) {
    for (Stmt stmt : block.stmts()) {
      if (stmt instanceof Stmt.Let let) {
        out.append(indent).append(line(let.value())).append('\n');
      } else if (stmt instanceof Stmt.Accumulate acc) {
        out.append(indent)
            .append('%')
            .append(acc.slot())
            .append(acc.indices().isEmpty() ? "" : acc.indices().toString())
            .append(acc.subtract() ? " -= %" : " += %")
            .append(acc.value())
            .append('\n');
      } else if (stmt instanceof Stmt.Loop loop) {
        for (int slot : loop.slots()) {
          out.append(indent).append(line(f.value(slot))).append('\n');
        }
        out.append(indent)
            .append("for ")
            .append(loop.indexName())
            .append('#')
            .append(loop.loop())
            .append(" in [")
            .append(loop.start())
            .append(", ")
            .append(loop.end())
            .append(") {\n");
        print(f, loop.body(), indent + "  ", out);
        out.append(indent).append("}\n");
      } else if (stmt instanceof Stmt.If branch) {
        for (int slot : branch.slots()) {
          out.append(indent).append(line(f.value(slot))).append('\n');
        }
        out.append(indent).append("if ").append(branch.cond()).append(" {\n");
        print(f, branch.then(), indent + "  ", out);
        if (!branch.otherwise().stmts().isEmpty()) {
          out.append(indent).append("} else {\n");
          print(f, branch.otherwise(), indent + "  ", out);
        }
        out.append(indent).append("}\n");
      }
    }
  }

  /** One value as text. */
  public static String line(Value v) {
    String operands = v.args().stream().map(a -> "%" + a).collect(Collectors.joining(", "));
    String attr =
        switch (v.op()) {
          case PARAM, VAR, ARG, OUT -> v.name();
          case ADJOINT -> "";
          case CONST -> Double.toString(v.number());
          case INT -> v.intValue().toString();
          case POW -> operands + ", " + v.number();
          case ELEMENT, ROW -> operands + v.indices();
          default -> operands;
        };
    return "%" + v.id() + " = " + v.op().spelling() + "(" + attr + ") : " + v.shape() + (v.label() == null ? "" : "  // " + v.label());
  }
}
