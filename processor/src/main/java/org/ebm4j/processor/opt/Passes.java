package org.ebm4j.processor.opt;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.ebm4j.processor.ir.EnergyFunction;
import org.ebm4j.processor.ir.IrVerifier;

/**
 * The optimisation passes over IR, in the order they run. Each is named, so a user or a test can
 * switch it off ({@code -Aebm4j.passes=-cse,-hoist}); the verifier checks the program after
 * every pass.
 */
public enum Passes {
  /** Scalar adjoints added to in one block become plain values (see {@link FoldAdjoints}). */
  FOLD_ADJOINTS("fold-adjoints", FoldAdjoints::run),
  /** Constant folding and algebraic identities (x·1, −(−x), ...). */
  SIMPLIFY("simplify", Simplify::run),
  /** One computation per value in scope. */
  CSE("cse", CommonSubexpressions::run),
  /** Loop-invariant values move before their loop. */
  HOIST("hoist", Hoist::run),
  /** Loops whose additions are all multiples of a state entry are skipped when it is 0. */
  ZERO_SKIP("zero-skip", ZeroSkip::run),
  /** tanh, σ and softplus of one operand share one e^{−|x|} (see {@link ShareExp}). */
  SHARE_EXP("share-exp", ShareExp::run),
  /** What reaches neither the result nor an output goes. */
  DEAD_CODE("dce", DeadCode::run);

  private final String spelling;
  private final UnaryOperator<EnergyFunction> pass;

  Passes(String spelling, UnaryOperator<EnergyFunction> pass) {
    this.spelling = spelling;
    this.pass = pass;
  }

  public String spelling() {
    return spelling;
  }

  /** The pipeline: each pass once in order, then cleanup of what the later ones exposed. */
  private static final List<Passes> ORDER = List.of(FOLD_ADJOINTS, SIMPLIFY, CSE, HOIST, CSE, ZERO_SKIP, SIMPLIFY, CSE, DEAD_CODE, SHARE_EXP, DEAD_CODE);

  /** Runs the enabled passes; {@code disabled} holds pass spellings. */
  public static EnergyFunction optimize(EnergyFunction f, Set<String> disabled) {
    for (Passes p : ORDER) {
      if (!disabled.contains(p.spelling)) {
        f = p.pass.apply(f);
        IrVerifier.verify(f);
      }
    }
    return f;
  }

  /** Parses {@code -cse,-hoist} (or {@code none}) into the set of disabled passes. */
  public static Set<String> disabled(String option) {
    if (option == null || option.isBlank()) {
      return Set.of();
    }
    if (option.trim().equals("none")) {
      return Set.copyOf(List.of(values()).stream().map(Passes::spelling).toList());
    }
    java.util.Set<String> out = new java.util.HashSet<>();
    for (String part : option.split(",")) {
      String name = part.trim().toLowerCase(Locale.ROOT);
      if (name.startsWith("-")) {
        name = name.substring(1);
      }
      boolean known = false;
      for (Passes p : values()) {
        known |= p.spelling.equals(name);
      }
      if (!known) {
        throw new IllegalArgumentException("unknown pass '" + name + "'; the passes are "
            + String.join(", ", List.of(values()).stream().map(Passes::spelling).toList()));
      }
      out.add(name);
    }
    return out;
  }
}
