package org.ebm4j.processor.ir;

import java.util.List;

/**
 * The shape of an IR value: named dimensions, none for a scalar, one for a vector, two for a
 * row-major matrix.
 *
 * @param dims dimension names, outermost first
 */
public record Shape(List<String> dims) {
  public static final Shape SCALAR = new Shape(List.of());

  public Shape {
    dims = List.copyOf(dims);
  }

  public static Shape vector(String dim) {
    return new Shape(List.of(dim));
  }

  public static Shape matrix(String rows, String cols) {
    return new Shape(List.of(rows, cols));
  }

  public int rank() {
    return dims.size();
  }

  public boolean isScalar() {
    return dims.isEmpty();
  }

  public boolean isVector() {
    return dims.size() == 1;
  }

  public boolean isMatrix() {
    return dims.size() == 2;
  }

  public String dim(int axis) {
    return dims.get(axis);
  }

  @Override
  public String toString() {
    return dims.isEmpty() ? "scalar" : dims.toString();
  }
}
