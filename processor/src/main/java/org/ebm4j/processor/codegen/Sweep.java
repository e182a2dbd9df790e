package org.ebm4j.processor.codegen;

import com.palantir.javapoet.CodeBlock;
import org.ebm4j.processor.ir.IntExpr;
import org.ebm4j.processor.ir.Value;

/**
 * What a {@link Primitive} rule needs from the code generator: how values and their adjoints are
 * spelled in the generated method, and where to write code. Tensors are views (array, offset) into
 * parameters, the state or scratch arrays; matrices are row-major.
 */
public interface Sweep {
  Value value(int id);

  /** Whether the value has an adjoint in this sweep (it depends on what is differentiated). */
  boolean active(int id);

  /** An rvalue for a scalar value. */
  String scalar(int id);

  /** The array holding a tensor value. */
  String array(int id);

  /** The offset of a tensor value within {@link #array}. */
  String offset(int id);

  /** An lvalue for the adjoint of an active scalar value. */
  String adjoint(int id);

  /** The array holding the adjoint of an active tensor value. */
  String adjointArray(int id);

  /** The offset of that adjoint within {@link #adjointArray}. */
  String adjointOffset(int id);

  /** The size of a named dimension. */
  String size(String dim);

  /** An int expression as Java source (subscripts are bounds-checked where not proven in range). */
  String index(IntExpr e, String dim);

  /** A fresh local name with this prefix. */
  String fresh(String prefix);

  CodeBlock.Builder code();
}
