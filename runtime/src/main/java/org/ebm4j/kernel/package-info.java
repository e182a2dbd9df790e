/**
 * Numeric kernels called by generated models. Public only because generated classes live in users'
 * packages; do not rely on it.
 */
package org.ebm4j.kernel;
