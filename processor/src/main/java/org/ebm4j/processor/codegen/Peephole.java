package org.ebm4j.processor.codegen;

import com.palantir.javapoet.CodeBlock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Clean-ups on an emitted method body that the JIT cannot do itself. Adjoints start at 0.0 and
 * are added to, but for doubles 0.0 + x is not x (it turns −0.0 into +0.0), so the JIT must keep
 * every such addition; in a loop body that costs as much as the useful work. An adjoint whose
 * first use, in the block that declares it, is {@code g += e} becomes {@code double g = e}.
 */
final class Peephole {
  private static final Pattern ZERO = Pattern.compile("^(\\s*)double (g\\d+) = 0\\.0;$");

  private Peephole() {}

  static CodeBlock foldZeroInits(CodeBlock block) {
    List<String> lines = new ArrayList<>(Arrays.asList(block.toString().split("\n", -1)));
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = ZERO.matcher(lines.get(i));
      if (!m.matches()) {
        continue;
      }
      String indent = m.group(1);
      String name = m.group(2);
      Pattern use = Pattern.compile("\\b" + name + "\\b");
      Pattern first = Pattern.compile("^" + Pattern.quote(indent) + name + " ([+-])= (.*);$");
      for (int k = i + 1; k < lines.size(); k++) {
        String line = lines.get(k);
        if (!line.isBlank() && indentOf(line) < indent.length()) {
          break; // left the declaring block unused
        }
        if (use.matcher(line).find()) {
          Matcher w = first.matcher(line);
          if (w.matches() && !use.matcher(w.group(2)).find()) {
            String value = w.group(1).equals("+") ? w.group(2) : "-(" + w.group(2) + ")";
            lines.set(k, indent + "double " + name + " = " + value + ";");
            lines.remove(i);
            i--;
          }
          break;
        }
      }
    }
    return CodeBlock.of("$L", String.join("\n", lines));
  }

  private static int indentOf(String line) {
    int n = 0;
    while (n < line.length() && line.charAt(n) == ' ') {
      n++;
    }
    return n;
  }
}
