/**
 * What users write: the annotations that declare an energy-based model, and {@link
 * org.ebm4j.dsl.Ops}, the functions an energy body may call.
 *
 * <p>A spec class runs as written, so it doubles as the reference implementation its generated
 * model is tested against.
 */
package org.ebm4j.dsl;
