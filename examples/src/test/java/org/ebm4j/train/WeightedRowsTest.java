package org.ebm4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ebm4j.examples.models.RbmModel;
import org.ebm4j.examples.models.SpinRbmModel;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.FreeEnergy;
import org.ebm4j.random.Rng;
import org.junit.jupiter.api.Test;

/** log p̃(v) of many rows at once (one batched product per latent block) is the free energy's. */
class WeightedRowsTest {
  @Test
  void batchedLogPTildeIsMinusTheFreeEnergy() {
    for (EnergyModel m : new EnergyModel[] {RbmModel.builder().visible(7).hidden(5).seed(1).build(), SpinRbmModel.builder().visible(6).hidden(4).seed(2).build()}) {
      Rng rng = new Rng(3);
      for (int k = 0; k < m.params().length; k++) {
        m.params()[k] = rng.nextGaussian();
      }
      WeightedRows rows = new WeightedRows(m);
      int n = 9;
      rows.ensure(n);
      int width = m.stateSize();
      int d = m.visibleSize();
      double[][] visible = new double[n][d];
      for (int r = 0; r < n; r++) {
        for (int i = 0; i < d; i++) {
          visible[r][i] = m.variables().domainAt(i).value(rng.nextInt(2));
        }
        System.arraycopy(visible[r], 0, rows.states, r * width, d);
        for (int j = d; j < width; j++) {
          rows.states[r * width + j] = 0.7; // latent parts are ignored
        }
      }
      double[] out = new double[n];
      rows.logPTildeBatch(n, out);
      FreeEnergy free = m.capability(FreeEnergy.class).orElseThrow();
      for (int r = 0; r < n; r++) {
        assertEquals(-free.freeEnergy(visible[r]), out[r], 1e-10, m.getClass().getSimpleName() + " row " + r);
      }
    }
  }
}
