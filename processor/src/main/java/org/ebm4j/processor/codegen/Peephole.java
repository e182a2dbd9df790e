package org.ebm4j.processor.codegen;

import com.palantir.javapoet.CodeBlock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A clean-up on the batched members' emitted code, which is not yet lowered from IR (the per-state
 * members are: see {@code org.ebm4j.processor.lower}). To go when the batched lowering comes.
 */
final class Peephole {
  private Peephole() {}

  private static int indentOf(String line) {
    int n = 0;
    while (n < line.length() && line.charAt(n) == ' ') {
      n++;
    }
    return n;
  }

  private static final Pattern FILL = Pattern.compile("^(\\s*)java\\.util\\.Arrays\\.fill\\((bg\\d+), 0, rows \\* (\\w+), 0\\.0\\);$");

  /**
   * A batched adjoint cleared with {@code Arrays.fill(bg, 0, rows * w, 0.0)} whose first use is
   * {@code bg[...] += e}, unconditionally, for every element (in the shared loop over rows and, for
   * w &gt; 1, a full loop over k): the fill goes and the first use becomes {@code bg[...] = e}. One
   * pass over the batch saved per adjoint.
   */
  static CodeBlock foldZeroFills(CodeBlock block) {
    List<String> lines = new ArrayList<>(Arrays.asList(block.toString().split("\n", -1)));
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = FILL.matcher(lines.get(i));
      if (!m.matches()) {
        continue;
      }
      String name = m.group(2);
      String width = m.group(3);
      Pattern use = Pattern.compile("\\b" + name + "\\b");
      for (int k = i + 1; k < lines.size(); k++) {
        String line = lines.get(k);
        if (!use.matcher(line).find()) {
          continue;
        }
        int at = line.indexOf(name + "[");
        int plus = line.indexOf("] += ", at);
        if (at >= 0 && line.substring(0, at).isBlank() && plus > 0 && line.endsWith(";")
            && !use.matcher(line.substring(plus + 5)).find() && coversAll(lines, k, line.substring(at + name.length() + 1, plus), width)) {
          lines.set(k, line.substring(0, plus) + "] = " + line.substring(plus + 5));
          lines.remove(i);
          i--;
        }
        break;
      }
    }
    return CodeBlock.of("$L", String.join("\n", lines));
  }

  /**
   * Whether the statement at {@code k}, subscripted {@code index}, runs once for every element: in
   * {@code for (int r = 0; r < rows; r++)} with index {@code r} (width 1), or in a full loop over k
   * directly inside it with index {@code (r * width + 0) + k}.
   */
  private static boolean coversAll(List<String> lines, int k, String index, String width) {
    int depth = indentOf(lines.get(k));
    List<String> enclosing = new ArrayList<>();
    for (int j = k - 1; j >= 0 && enclosing.size() < 2; j--) {
      String line = lines.get(j);
      if (!line.isBlank() && indentOf(line) < depth) {
        enclosing.add(line.trim());
        depth = indentOf(line);
      }
    }
    String rows = "for (int r = 0; r < rows; r++) {";
    if (width.equals("1")) {
      return index.equals("r") && !enclosing.isEmpty() && enclosing.get(0).equals(rows);
    }
    Matcher loop = Pattern.compile("^for \\(int (k_\\d+) = 0; \\1 < " + Pattern.quote(width) + "; \\1\\+\\+\\) \\{$")
        .matcher(enclosing.isEmpty() ? "" : enclosing.get(0));
    return loop.matches() && enclosing.size() == 2 && enclosing.get(1).equals(rows)
        && index.equals("(r * " + width + " + 0) + " + loop.group(1));
  }
}
