package org.ebm4j.sampling;

import java.util.Optional;
import org.ebm4j.model.EnergyModel;

/**
 * A named kind of sampler, found with {@link java.util.ServiceLoader}. Third-party samplers
 * register with {@code @AutoService(SamplerProvider.class)} and are then usable by name.
 */
public interface SamplerProvider {

  /** The name users select it by, e.g. {@code gibbs}. */
  String name();

  /** One line on what it does. */
  String description();

  /** Empty if this provider can sample {@code model}, else why not (for error messages). */
  Optional<String> unsupportedReason(EnergyModel model);

  /**
   * A sampler for {@code model}.
   *
   * @throws IllegalArgumentException if the model is unsupported or an option is invalid
   */
  Sampler create(EnergyModel model, SamplerOptions options);
}
