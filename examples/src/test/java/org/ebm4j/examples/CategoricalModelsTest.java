package org.ebm4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.ebm4j.check.ModelChecker;
import org.ebm4j.examples.models.Potts;
import org.ebm4j.examples.models.PottsModel;
import org.ebm4j.examples.models.SoftmaxRbm;
import org.ebm4j.examples.models.SoftmaxRbmModel;
import org.ebm4j.model.BlockConditionals;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.FreeEnergy;
import org.ebm4j.model.SiteConditionals;
import org.junit.jupiter.api.Test;

/** The generated code of categorical models against their spec classes, and what the processor proved. */
class CategoricalModelsTest {
  @Test
  void softmaxRbmChecksAgainstItsSpec() {
    assertTrue(ModelChecker.check(SoftmaxRbm.class, Map.of("visible", 4 * 3, "states", 3, "hidden", 3), 11) > 0);
    EnergyModel m = SoftmaxRbmModel.builder().visible(4 * 3).states(3).hidden(3).seed(5).build();
    assertTrue(m.capability(FreeEnergy.class).isPresent());
    assertEquals(List.of("v", "h"), m.capability(BlockConditionals.class).orElseThrow().blocks());
    assertEquals(3, m.variables().get("v").group());
    assertEquals(4, m.variables().get("v").units());
  }

  @Test
  void pottsChecksAgainstItsSpec() {
    assertTrue(ModelChecker.check(Potts.class, Map.of("units", 4 * 3, "states", 3), 11) > 0);
    EnergyModel m = PottsModel.builder().units(4 * 3).states(3).seed(5).build();
    assertTrue(m.capability(BlockConditionals.class).isEmpty(), "Potts sites interact: no block");
    assertTrue(m.capability(SiteConditionals.class).isPresent());
    // E = −hᵀs − ½ sᵀJs is affine in s once the coupling J is taken out: moves follow from gradients.
    assertEquals(List.of("s"), m.capability(org.ebm4j.model.ParameterRoles.class).orElseThrow().affineApartFromCouplings());
    assertTrue(org.ebm4j.model.SelfCouplings.of(m) != null);
    assertTrue(org.ebm4j.model.SelfCouplings.of(SoftmaxRbmModel.builder().visible(6).states(3).hidden(2).build()) == null, "latents: no");
  }

  @Test
  void unitsThatAreNotAMultipleOfTheStatesAreRefusedWhenBuilt() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> PottsModel.builder().units(10).states(3).build());
    assertTrue(e.getMessage().contains("units = 10 is not a multiple of states = 3"), e.getMessage());
  }
}
