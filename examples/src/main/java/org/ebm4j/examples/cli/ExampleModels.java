package org.ebm4j.examples.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ebm4j.examples.models.Dbm;
import org.ebm4j.examples.models.FullyVisibleBm;
import org.ebm4j.examples.models.GaussianBernoulliRbm;
import org.ebm4j.examples.models.Potts;
import org.ebm4j.examples.models.Rbm;
import org.ebm4j.examples.models.SoftmaxRbm;
import org.ebm4j.examples.models.SpinRbm;
import org.ebm4j.examples.models.TanhEnergy;

/** The example models by short name, with default sizes for their non-visible dimensions. */
final class ExampleModels {
  record Example(Class<?> spec, Map<String, Integer> defaultDims, String summary) {}

  static final Map<String, Example> ALL = new LinkedHashMap<>();

  static {
    ALL.put("rbm", new Example(Rbm.class, Map.of("hidden", 8), "binary RBM"));
    ALL.put("spin-rbm", new Example(SpinRbm.class, Map.of("hidden", 8), "RBM with ±1 hidden units"));
    ALL.put("fvbm", new Example(FullyVisibleBm.class, Map.of(), "fully visible Boltzmann machine (loops)"));
    ALL.put("gb-rbm", new Example(GaussianBernoulliRbm.class, Map.of("hidden", 8), "Gaussian–Bernoulli RBM"));
    ALL.put("dbm", new Example(Dbm.class, Map.of("h1", 8, "h2", 4), "two-layer deep Boltzmann machine"));
    ALL.put("tanh", new Example(TanhEnergy.class, Map.of("hidden", 16), "neural energy over real vectors"));
    ALL.put("potts", new Example(Potts.class, Map.of(), "Potts model of categorical sites (fields h and couplings J over units = sites × states)"));
    ALL.put("softmax-rbm", new Example(SoftmaxRbm.class, Map.of("hidden", 8), "RBM with categorical (softmax) visible units"));
  }

  private ExampleModels() {}

  /** The spec or generated class for a short name or a class name on the class path. */
  static Class<?> resolve(String name) {
    Example e = ALL.get(name);
    if (e != null) {
      return e.spec();
    }
    try {
      return Class.forName(name, true, Thread.currentThread().getContextClassLoader());
    } catch (ClassNotFoundException | LinkageError ex) {
      throw new IllegalArgumentException(
          "unknown model '" + name + "': use one of " + ALL.keySet()
              + " or the class name of an @EnergyModel class on the class path");
    }
  }

  static Map<String, Integer> defaults(String name) {
    Example e = ALL.get(name);
    return e == null ? Map.of() : e.defaultDims();
  }
}
