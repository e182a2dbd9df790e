package org.ebm4j.examples.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import org.ebm4j.examples.models.RbmModel;
import org.ebm4j.examples.models.TanhEnergyModel;
import org.ebm4j.sampling.SamplerOptions;
import org.ebm4j.sampling.Samplers;
import org.junit.jupiter.api.Test;

/** Sampler options: a key no sampler reads is refused with the keys it does read. */
class SamplerOptionsTest {
  @Test
  void unknownKeysAreRefusedWithTheKnownOnes() {
    TanhEnergyModel real = TanhEnergyModel.builder().dim(2).hidden(3).seed(1).build();
    assertEquals("sampler 'langevin' has no option 'stpe'; its options are [step]",
        assertThrows(IllegalArgumentException.class, () -> Samplers.create("langevin", real, SamplerOptions.parse("stpe=0.1"))).getMessage());
    assertEquals("sampler 'hmc' has no option 'steps'; its options are [leapfrog, step]",
        assertThrows(IllegalArgumentException.class, () -> Samplers.create("hmc", real, SamplerOptions.parse("steps=3"))).getMessage());
    RbmModel rbm = RbmModel.builder().visible(4).hidden(2).seed(1).build();
    assertEquals("sampler 'block-gibbs' has no option 'step'; it takes none",
        assertThrows(IllegalArgumentException.class, () -> Samplers.create("block-gibbs", rbm, SamplerOptions.parse("step=1"))).getMessage());
    // Tempering reads its own keys and hands the rest to its base sampler, which checks them.
    Samplers.create("tempering", real, SamplerOptions.parse("replicas=3,base=langevin,step=0.05"));
    assertEquals("sampler 'langevin' has no option 'bogus'; its options are [step]",
        assertThrows(IllegalArgumentException.class, () -> Samplers.create("tempering", real, SamplerOptions.parse("base=langevin,bogus=1"))).getMessage());
  }

  @Test
  void optionsWithoutKeysAreCopies() {
    SamplerOptions o = SamplerOptions.parse("replicas=4,base=langevin,step=0.05");
    assertEquals(Set.of("step"), o.without(Set.of("replicas", "base")).keys());
    assertEquals(Set.of("replicas", "base", "step"), o.keys());
  }
}
