package org.ebm4j.check;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ebm4j.dsl.Energy;
import org.ebm4j.dsl.LogDensity;
import org.ebm4j.dsl.Visible;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.ParamLayout;
import org.ebm4j.model.Variables;

/**
 * Runs an annotated spec class as written, as the reference for its generated model: the energy
 * E(x; θ) computed by the spec's own method, with the spec's {@code @Param} fields set from the
 * generated model's parameter vector.
 */
public final class SpecOracle {
  private final EnergyModel model;
  private final Object spec;
  private final Method method;
  private final boolean logDensity;
  private final List<Field> fields = new ArrayList<>();
  /** For each method parameter in declaration order, its variable in the state. */
  private final List<Variables.Variable> arguments = new ArrayList<>();

  /** An oracle for {@code model}, whose class was generated from {@code specClass}. */
  public SpecOracle(Class<?> specClass, EnergyModel model) {
    this.model = model;
    try {
      var constructor = specClass.getDeclaredConstructor();
      constructor.setAccessible(true);
      this.spec = constructor.newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(specClass.getName() + " needs a no-argument constructor to run as an oracle", e);
    }
    Method found = null;
    for (Method m : specClass.getDeclaredMethods()) {
      if (m.isAnnotationPresent(Energy.class) || m.isAnnotationPresent(LogDensity.class)) {
        found = m;
      }
    }
    if (found == null) {
      throw new IllegalArgumentException(specClass.getName() + " has no @Energy method");
    }
    this.method = found;
    this.method.setAccessible(true);
    this.logDensity = found.isAnnotationPresent(LogDensity.class);
    for (ParamLayout.Entry e : model.layout().entries()) {
      try {
        Field field = specClass.getDeclaredField(e.name());
        field.setAccessible(true);
        fields.add(field);
      } catch (NoSuchFieldException ex) {
        throw new IllegalArgumentException("spec has no field " + e.name(), ex);
      }
    }
    // The state holds visible variables first, then latent ones, each in declaration order.
    List<Variables.Variable> visible = model.variables().all().stream().filter(Variables.Variable::visible).toList();
    List<Variables.Variable> latent = model.variables().all().stream().filter(v -> !v.visible()).toList();
    int nv = 0;
    int nl = 0;
    for (Parameter p : method.getParameters()) {
      arguments.add(p.isAnnotationPresent(Visible.class) ? visible.get(nv++) : latent.get(nl++));
    }
  }

  /** E(x; θ) by the spec's own method, with θ = {@code params}. */
  public double energy(double[] params, double[] x) {
    try {
      load(params);
      Object[] args = new Object[arguments.size()];
      for (int i = 0; i < args.length; i++) {
        Variables.Variable v = arguments.get(i);
        if (v.dims().isEmpty()) {
          args[i] = x[v.offset()];
        } else {
          double[] a = new double[v.size()];
          System.arraycopy(x, v.offset(), a, 0, v.size());
          args[i] = a;
        }
      }
      double value = (double) method.invoke(spec, args);
      return logDensity ? -value : value;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the spec's energy method failed: " + e.getCause(), e);
    }
  }

  private void load(double[] params) throws IllegalAccessException {
    List<ParamLayout.Entry> entries = model.layout().entries();
    for (int k = 0; k < entries.size(); k++) {
      ParamLayout.Entry e = entries.get(k);
      Field field = fields.get(k);
      switch (e.shape().size()) {
        case 0 -> field.setDouble(spec, params[e.offset()]);
        case 1 -> {
          double[] a = new double[e.shape().get(0)];
          System.arraycopy(params, e.offset(), a, 0, a.length);
          field.set(spec, a);
        }
        default -> {
          int rows = e.shape().get(0);
          int cols = e.shape().get(1);
          double[][] a = new double[rows][cols];
          for (int i = 0; i < rows; i++) {
            System.arraycopy(params, e.offset() + i * cols, a[i], 0, cols);
          }
          field.set(spec, a);
        }
      }
    }
  }

  /** A random state in the variables' domains: binary, spin and categorical uniform, real N(0, 1). */
  public static double[] randomState(EnergyModel model, SplittableRandom rng) {
    double[] x = new double[model.stateSize()];
    for (Variables.Variable v : model.variables().all()) {
      if (v.isCategorical()) {
        for (int u = 0; u < v.units(); u++) {
          v.setState(x, u, rng.nextInt(v.group()));
        }
        continue;
      }
      for (int k = v.offset(); k < v.offset() + v.size(); k++) {
        x[k] = v.domain().isDiscrete() ? v.domain().value(rng.nextInt(v.domain().size())) : rng.nextGaussian();
      }
    }
    return x;
  }

  /** Sets θ to draws from N(0, scale²), a harder test than the initial values. */
  public static void randomize(EnergyModel model, SplittableRandom rng, double scale) {
    double[] p = model.params();
    for (int k = 0; k < p.length; k++) {
      p[k] = scale * rng.nextGaussian();
    }
  }

  /** Convenience: a model of the class generated from {@code spec}, with these dimensions. */
  public static EnergyModel create(Class<?> spec, Map<String, Integer> dims, long seed) {
    return org.ebm4j.model.Models.create(spec, dims, seed);
  }
}
