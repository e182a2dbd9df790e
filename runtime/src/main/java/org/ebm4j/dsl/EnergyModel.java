package org.ebm4j.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a class whose {@link Energy} method the ebm4j processor compiles into a generated model.

 <p>The generated class is named {@link #name()}, or {@code <SimpleName>Model} when empty, and lives in
 the same package. It implements {@code org.ebm4j.model.EnergyModel}. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EnergyModel {
  /** Simple name of the generated class; empty means {@code <SimpleName>Model}. */
  String name() default "";
}
