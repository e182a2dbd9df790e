package org.ebm4j.processor.frontend;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ebm4j.processor.ir.IntExpr;

/**
 * The locals of an energy body: nested scopes of declarations, and the regions (loop and if
 * bodies) inside which a local declared outside may only be added to.
 */
final class Scopes {
  /** What a local holds. */
  enum LocalKind {
    DOUBLE,
    VECTOR,
    INT,
    INDEX
  }

  /** A local variable: its current SSA value (or int expression) and the region that declared it. */
  static final class Local {
    final String name;
    final LocalKind kind;
    final Region declaredIn;
    int value = -1;
    IntExpr intValue;
    boolean poisoned;

    Local(String name, LocalKind kind, Region declaredIn) {
      this.name = name;
      this.kind = kind;
      this.declaredIn = declaredIn;
    }
  }

  /** A loop or if body: the outer locals it adds into, and their accumulator values. */
  static final class Region {
    final Region parent;
    final Set<String> written;
    final Map<Local, Integer> slots = new LinkedHashMap<>();
    final String what;

    Region(Region parent, Set<String> written, String what) {
      this.parent = parent;
      this.written = written;
      this.what = what;
    }
  }

  private final List<Map<String, Local>> scopes = new ArrayList<>();
  private Region region;

  /** The innermost region, or null at the top of the body. */
  Region region() {
    return region;
  }

  /** Opens a block scope. */
  void push() {
    scopes.add(new HashMap<>());
  }

  /** Closes the innermost block scope. */
  void pop() {
    scopes.remove(scopes.size() - 1);
  }

  /** Declares a local in the innermost scope, in the current region. */
  Local declare(String name, LocalKind kind) {
    return declare(name, kind, region);
  }

  /** Declares a local in the innermost scope as if by {@code declaredIn} (a loop's index, by the loop's outside). */
  Local declare(String name, LocalKind kind, Region declaredIn) {
    Local local = new Local(name, kind, declaredIn);
    scopes.get(scopes.size() - 1).put(name, local);
    return local;
  }

  /** The local a name means, innermost first, or null. */
  Local lookup(String name) {
    for (int i = scopes.size() - 1; i >= 0; i--) {
      Local local = scopes.get(i).get(name);
      if (local != null) {
        return local;
      }
    }
    return null;
  }

  /** Enters a region's body (with a scope of its own), whose statements assign {@code written}. */
  Region enter(Set<String> written, String what) {
    region = new Region(region, written, what);
    push();
    return region;
  }

  /** Leaves a region: each local it added into holds its accumulator from now on. */
  void leave(Region body) {
    pop();
    region = body.parent;
    body.slots.forEach((local, slot) -> local.value = slot);
  }
}
