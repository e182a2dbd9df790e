/**
 * The contract between generated models and the runtime: {@link org.ebm4j.model.EnergyModel}, its
 * parameter and variable layouts, and the capabilities the processor proves from an energy's
 * algebra.
 */
package org.ebm4j.model;
