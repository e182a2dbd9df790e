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

  /**
   * The option keys this sampler reads, so that a mistyped key is refused instead of ignored; null
   * (the default, for providers written before this existed) accepts any key.
   */
  default java.util.Set<String> optionKeys() {
    return null;
  }
}
