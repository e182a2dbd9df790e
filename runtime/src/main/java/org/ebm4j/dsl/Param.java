package org.ebm4j.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A parameter θ of the energy: a {@code double}, {@code double[]} or {@code double[][]} field.

 <p>{@link #shape()} names one dimension per array axis; each named dimension becomes a setter of the
 generated builder. {@link #init()} is {@code zeros}, {@code constant(a)}, {@code normal(std)} or
 {@code uniform(lo,hi)}, numbers written as in Java. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Param {
  /** Dimension names, one per axis; empty for a scalar. */
  String[] shape() default {};

  /** Initialiser drawn with the builder's seed. */
  String init() default "zeros";
}
