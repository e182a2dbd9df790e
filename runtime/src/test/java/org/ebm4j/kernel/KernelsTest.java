package org.ebm4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The fast element-wise kernels against the JDK's fdlibm functions, at their stated accuracy. */
class KernelsTest {
  @Test
  void tanhIsWithin3e14RelativeOfMathTanh() {
    double worst = 0;
    for (double x = -30; x <= 30; x += 1.37e-4) {
      worst = Math.max(worst, relative(Kernels.tanh(x), Math.tanh(x)));
    }
    for (double x = 1e-300; x < 1; x *= 1.7) {
      worst = Math.max(worst, relative(Kernels.tanh(x), Math.tanh(x)));
      worst = Math.max(worst, relative(Kernels.tanh(-x), Math.tanh(-x)));
    }
    assertTrue(worst < 3e-14, "worst relative error " + worst);
    assertEquals(0.0, Kernels.tanh(0.0));
    assertEquals(1.0, Kernels.tanh(800));
    assertEquals(-1.0, Kernels.tanh(Double.NEGATIVE_INFINITY));
  }

  @Test
  void softplusAndLogCoshAreWithin3e13RelativeOfTheLog1pForms() {
    double worst = 0;
    for (double x = -700; x <= 700; x += 0.0137) {
      double exact = x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
      worst = Math.max(worst, relative(Kernels.softplus(x), exact));
      double a = Math.abs(x);
      worst = Math.max(worst, relative(Kernels.log2cosh(x), a + Math.log1p(Math.exp(-2 * a))));
    }
    assertTrue(worst < 3e-13, "worst relative error " + worst);
    assertEquals(800.0, Kernels.softplus(800));
    assertEquals(0.0, Kernels.softplus(-800));
  }

  @Test
  void theFormsFromOneSharedExpAgreeWithTheirOwnFunctions() {
    double worst = 0;
    for (double x = -700; x <= 700; x += 0.0137) {
      double e = Kernels.expNegAbs(x);
      worst = Math.max(worst, relative(Kernels.tanhE(x, e), Math.tanh(x)));
      double sigmoid = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
      worst = Math.max(worst, relative(Kernels.sigmoidE(x, e), sigmoid));
      worst = Math.max(worst, relative(Kernels.softplusE(x, e), x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))));
    }
    for (double x = 1e-300; x < 1; x *= 1.7) {
      worst = Math.max(worst, relative(Kernels.tanhE(x, Kernels.expNegAbs(x)), Math.tanh(x)));
      worst = Math.max(worst, relative(Kernels.tanhE(-x, Kernels.expNegAbs(-x)), Math.tanh(-x)));
    }
    assertTrue(worst < 5e-13, "worst relative error " + worst);
    assertEquals(1.0, Kernels.tanhE(800, Kernels.expNegAbs(800)));
    assertEquals(0.0, Kernels.sigmoidE(Double.NEGATIVE_INFINITY, Kernels.expNegAbs(Double.NEGATIVE_INFINITY)));
    assertEquals(800.0, Kernels.softplusE(800, Kernels.expNegAbs(800)));
  }

  private static double relative(double got, double want) {
    return want == 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want);
  }
}
