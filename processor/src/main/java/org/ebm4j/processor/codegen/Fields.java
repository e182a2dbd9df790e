package org.ebm4j.processor.codegen;

/** How generated classes spell the sizes of dimensions and the offsets of parameters and variables. */
final class Fields {
  private Fields() {}

  static String dimField(String dim) {
    return "dim_" + dim;
  }

  static String paramOffset(String name) {
    return "param_" + name;
  }

  static String stateOffset(String name) {
    return "state_" + name;
  }
}
