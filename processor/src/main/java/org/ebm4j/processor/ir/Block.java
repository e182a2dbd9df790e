package org.ebm4j.processor.ir;

import java.util.List;

/** A sequence of statements. */
public record Block(List<Stmt> stmts) {
  public Block {
    stmts = List.copyOf(stmts);
  }
}
