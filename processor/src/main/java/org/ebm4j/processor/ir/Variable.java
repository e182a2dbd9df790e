package org.ebm4j.processor.ir;

import java.util.List;
import org.ebm4j.model.Domain;

/**
 * A variable of the state as the IR knows it, so that analyses need not reach back into the
 * front end.
 *
 * @param name the energy parameter's name
 * @param visible {@code @Visible} (else {@code @Latent})
 * @param domain the values a unit takes
 * @param dims dimension names ({@code @Shape}; empty for a scalar)
 * @param states for a categorical variable the dimension holding K, its entries one-hot in groups of K; else null
 */
public record Variable(String name, boolean visible, Domain domain, List<String> dims, String states) {
  public Variable {
    dims = List.copyOf(dims);
  }

  public Variable(String name, boolean visible, Domain domain, List<String> dims) {
    this(name, visible, domain, dims, null);
  }
}
