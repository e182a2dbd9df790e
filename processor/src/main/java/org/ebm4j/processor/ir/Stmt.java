package org.ebm4j.processor.ir;

import java.util.List;

/**
 * Statements of the structured IR. Regions ({@link Loop}, {@link If}) only add into accumulators
 * declared outside them and never read those accumulators, so every iteration is independent: the
 * reverse sweep can recompute an iteration instead of storing it.
 */
public sealed interface Stmt {

  /** Defines a value. */
  record Let(Value value) implements Stmt {}

  /**
   * {@code slot += value} (or {@code -=}); slot is the id of an {@link Op#ACC} value, or in a
   * derived program a buffer ({@link Op#ADJOINT}, {@link Op#OUT}, or a ROW of one). With indices,
   * the value is added at that entry of the buffer; a scalar added to a whole tensor buffer is
   * added to every entry.
   */
  record Accumulate(int slot, boolean subtract, int value, List<IntExpr> indices) implements Stmt {
    public Accumulate {
      indices = List.copyOf(indices);
    }

    public Accumulate(int slot, boolean subtract, int value) {
      this(slot, subtract, value, List.of());
    }
  }

  /**
   * {@code for (index = start; index < end; index++) body}; {@code slots} are the ACC values this
   * region (including nested regions) adds into, defined just before the loop.
   */
  record Loop(int loop, String indexName, IntExpr start, IntExpr end, Block body, List<Integer> slots, Object origin)
      implements Stmt {
    public Loop {
      slots = List.copyOf(slots);
    }
  }

  /** {@code if (cond) then else otherwise}, with the ACC values either branch adds into. */
  record If(Cond cond, Block then, Block otherwise, List<Integer> slots) implements Stmt {
    public If {
      slots = List.copyOf(slots);
    }
  }
}
