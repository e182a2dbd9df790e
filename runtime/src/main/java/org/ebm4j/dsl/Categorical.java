package org.ebm4j.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Units that each take one of K states, written one-hot: a {@code @Shape("units") double[]} whose
 * consecutive groups of K entries are the units, exactly one entry of each group 1 and the rest 0.
 * K is the dimension {@link #states} names, set on the builder like any other, and the variable's
 * dimension is (number of units) × K. With one-hot units a Potts energy is as short as its maths,
 * {@code -dot(h, s) - 0.5 * bilinear(s, j, s)}, and a softmax RBM is an RBM with this annotation.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Categorical {
  /** The dimension that holds K, the number of states of each unit. */
  String states();
}
