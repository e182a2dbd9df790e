package org.ebm4j.sampling;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.ebm4j.model.BlockConditionals;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.Variables;

/** Finds sampler providers by name through {@link ServiceLoader}, built-in ones first. */
public final class Samplers {
  private Samplers() {}

  /** Every provider on the class path, by name, in a stable order. */
  public static Map<String, SamplerProvider> providers() {
    Map<String, SamplerProvider> out = new LinkedHashMap<>();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    for (SamplerProvider p : ServiceLoader.load(SamplerProvider.class, loader == null ? Samplers.class.getClassLoader() : loader)) {
      out.putIfAbsent(p.name(), p);
    }
    for (SamplerProvider p : ServiceLoader.load(SamplerProvider.class, Samplers.class.getClassLoader())) {
      out.putIfAbsent(p.name(), p);
    }
    return out;
  }

  /**
   * The provider called {@code name}.
   *
   * @throws IllegalArgumentException listing the known names
   */
  public static SamplerProvider provider(String name) {
    Map<String, SamplerProvider> all = providers();
    SamplerProvider p = all.get(name);
    if (p == null) {
      throw new IllegalArgumentException("unknown sampler '" + name + "'; known samplers: " + String.join(", ", all.keySet()));
    }
    return p;
  }

  /**
   * A sampler by name for {@code model}.
   *
   * @throws IllegalArgumentException for an unknown name, or with the provider's reason when it does
   *     not support the model
   */
  public static Sampler create(String name, EnergyModel model, SamplerOptions options) {
    SamplerProvider p = provider(name);
    java.util.Set<String> known = p.optionKeys();
    if (known != null) {
      for (String key : options.keys()) {
        if (!known.contains(key)) {
          throw new IllegalArgumentException("sampler '" + name + "' has no option '" + key + "'; "
              + (known.isEmpty() ? "it takes none" : "its options are " + new java.util.TreeSet<>(known)));
        }
      }
    }
    Optional<String> reason = p.unsupportedReason(model);
    if (reason.isPresent()) {
      throw new IllegalArgumentException("sampler '" + name + "' cannot sample " + model.getClass().getSimpleName() + ": " + reason.get());
    }
    return p.create(model, options);
  }

  /** DESIGN's default: block-gibbs with block conditionals, else gibbs (discrete) or langevin (real). */
  public static String defaultName(EnergyModel model) {
    if (model.capability(BlockConditionals.class).isPresent()
        && provider("block-gibbs").unsupportedReason(model).isEmpty()) {
      return "block-gibbs";
    }
    boolean discrete = model.variables().all().stream().map(Variables.Variable::domain).allMatch(d -> d.isDiscrete());
    return discrete ? "gibbs" : "langevin";
  }
}
