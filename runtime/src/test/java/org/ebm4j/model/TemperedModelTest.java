package org.ebm4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.random.RandomGenerator;
import org.ebm4j.random.Rng;
import org.junit.jupiter.api.Test;

/**
 * A tempered view against sums over every state of a small model with a binary visible block and
 * a spin latent block, E(v, h) = −b·v − c h − h Σᵢ wᵢ vᵢ, written out by hand.
 */
class TemperedModelTest {
  static final double[] B = {0.3, -0.7};
  static final double C = 0.4;
  static final double[] W = {1.1, -0.6};

  /** The small model; its capabilities as a generated model would offer them. */
  static final class Small implements EnergyModel, BlockConditionals, FreeEnergy {
    private final Variables variables = new Variables(List.of(
        new Variables.Variable("v", true, Domain.BINARY, 0, 2, List.of("n")),
        new Variables.Variable("h", false, Domain.SPIN, 2, 1, List.of())));

    @Override
    public double[] params() {
      return new double[0];
    }

    @Override
    public ParamLayout layout() {
      return new ParamLayout(List.of());
    }

    @Override
    public Variables variables() {
      return variables;
    }

    @Override
    public double energy(double[] x) {
      return -B[0] * x[0] - B[1] * x[1] - C * x[2] - x[2] * (W[0] * x[0] + W[1] * x[1]);
    }

    @Override
    public void accumulateGradient(double[] x, double weight, double[] grad) {}

    @Override
    public void inputGradient(double[] x, double[] out) {
      out[0] = B[0] + W[0] * x[2];
      out[1] = B[1] + W[1] * x[2];
      out[2] = C + W[0] * x[0] + W[1] * x[1];
    }

    @Override
    public List<String> blocks() {
      return List.of("v", "h");
    }

    @Override
    public void conditionalFields(String block, double[] x, double[] out) {
      double[] g = new double[3];
      inputGradient(x, g);
      Variables.Variable v = variables.get(block);
      for (int k = 0; k < v.size(); k++) {
        out[k] = v.domain().logitOfField(-g[v.offset() + k]);
      }
    }

    @Override
    public void sample(String block, double[] x, RandomGenerator rng) {
      throw new UnsupportedOperationException();
    }

    @Override
    public double logSumOverBlock(String block, double[] x) {
      throw new UnsupportedOperationException();
    }

    @Override
    public double freeEnergy(double[] v) {
      return -B[0] * v[0] - B[1] * v[1] - Math.log(2 * Math.cosh(C + W[0] * v[0] + W[1] * v[1]));
    }

    @Override
    public void accumulateMarginalGradient(double[] v, double weight, double[] grad) {}

    @Override
    public String describe() {
      return "small";
    }
  }

  static final double BETA = 0.4;
  static final double[] BASE = {0.5, -1.2, 0.8};

  static double[] state(int index) {
    return new double[] {index & 1, (index >> 1) & 1, ((index >> 2) & 1) == 1 ? 1 : -1};
  }

  @Test
  void theBaseIsANormalisedProductOfUnitsWithTheGivenLogits() {
    TemperedModel t = new TemperedModel(new Small(), BETA, BASE);
    double total = 0;
    for (int i = 0; i < 8; i++) {
      total += Math.exp(t.baseLogDensity(state(i)));
    }
    assertEquals(1, total, 1e-12);
    double[] x = state(5);
    double[] y = x.clone();
    y[1] = 1 - y[1];
    assertEquals(BASE[1], t.baseLogDensity(y) - t.baseLogDensity(x), 1e-12, "the base logit of unit 1 is log p(1)/p(0)");
    assertEquals(BETA * new Small().energy(x) - (1 - BETA) * t.baseLogDensity(x), t.energy(x), 1e-12);
  }

  @Test
  void temperedConditionalsAndFreeEnergyMatchSumsOverStates() {
    TemperedModel t = new TemperedModel(new Small(), BETA, BASE);
    BlockConditionals blocks = t.capability(BlockConditionals.class).orElseThrow();
    FreeEnergy free = t.capability(FreeEnergy.class).orElseThrow();
    for (int i = 0; i < 8; i++) {
      double[] x = state(i);
      // Fields: the log-odds of each unit's high value against its low one under E_β.
      for (String name : List.of("v", "h")) {
        Variables.Variable v = t.variables().get(name);
        double[] fields = new double[v.size()];
        blocks.conditionalFields(name, x, fields);
        for (int k = 0; k < v.size(); k++) {
          double[] hi = x.clone();
          double[] lo = x.clone();
          hi[v.offset() + k] = v.domain().high();
          lo[v.offset() + k] = v.domain().low();
          assertEquals(t.energy(lo) - t.energy(hi), fields[k], 1e-12, name + "[" + k + "] at state " + i);
        }
      }
      // The visible block summed out exactly, and the latent one through the free energy.
      double sumV = 0;
      for (int j = 0; j < 4; j++) {
        double[] y = x.clone();
        y[0] = j & 1;
        y[1] = (j >> 1) & 1;
        sumV += Math.exp(-t.energy(y));
      }
      assertEquals(Math.log(sumV), blocks.logSumOverBlock("v", x), 1e-12);
      double sumH = Math.exp(-t.energy(new double[] {x[0], x[1], 1})) + Math.exp(-t.energy(new double[] {x[0], x[1], -1}));
      assertEquals(-Math.log(sumH), free.freeEnergy(new double[] {x[0], x[1]}), 1e-12);
    }
  }

  @Test
  void blockDrawsFollowTheTemperedConditional() {
    // 40 000 draws of h given v = (1, 0): within 5 binomial standard errors.
    TemperedModel t = new TemperedModel(new Small(), BETA, BASE);
    BlockConditionals blocks = t.capability(BlockConditionals.class).orElseThrow();
    double[] x = {1, 0, -1};
    double p = Math.exp(-t.energy(new double[] {1, 0, 1}));
    p /= p + Math.exp(-t.energy(new double[] {1, 0, -1}));
    Rng rng = new Rng(11);
    int n = 40_000;
    int high = 0;
    for (int i = 0; i < n; i++) {
      blocks.sample("h", x, rng);
      high += x[2] == 1 ? 1 : 0;
    }
    assertEquals(p, (double) high / n, 5 * Math.sqrt(p * (1 - p) / n));
  }
}
