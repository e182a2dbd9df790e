package org.ebm4j.model;

import java.util.List;
import java.util.Optional;

/**
 * Where each {@code @Param} lives in a model's flat parameter vector, in declaration order.
 *
 * @param entries one entry per parameter, in declaration order
 */
public record ParamLayout(List<Entry> entries) {

  /**
   * One parameter: its values are {@code params[offset .. offset + size())}, row-major.
   *
   * @param name the field name in the spec class
   * @param offset first index in the flat vector
   * @param dims dimension names, one per axis (empty for a scalar)
   * @param shape sizes, one per axis (empty for a scalar)
   */
  public record Entry(String name, int offset, List<String> dims, List<Integer> shape) {
    /** An entry (the lists are copied). */
    public Entry {
      dims = List.copyOf(dims);
      shape = List.copyOf(shape);
    }

    /** Number of scalars: the product of {@link #shape()}. */
    public int size() {
      int n = 1;
      for (int s : shape) {
        n *= s;
      }
      return n;
    }
  }

  /** A layout of these entries (the list is copied). */
  public ParamLayout {
    entries = List.copyOf(entries);
  }

  /** The parameter called {@code name}, if any. */
  public Optional<Entry> find(String name) {
    return entries.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  /** Total number of scalars in the parameter vector. */
  public int size() {
    return entries.stream().mapToInt(Entry::size).sum();
  }

  /** The parameter holding flat index {@code index}. */
  public Entry entryAt(int index) {
    for (Entry e : entries) {
      if (index >= e.offset() && index < e.offset() + e.size()) {
        return e;
      }
    }
    throw new IndexOutOfBoundsException("no parameter holds index " + index + " of " + size());
  }
}
