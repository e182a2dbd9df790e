package org.ebm4j.sampling;

import com.google.auto.service.AutoService;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.ebm4j.model.BlockConditionals;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.SiteConditionals;
import org.ebm4j.model.Variables;

/**
 * Block Gibbs sampling: each sweep draws every variable from its conditional given the rest,
 * latents first, then visibles (for an RBM: h | v, then v | h). Variables that are not blocks but
 * discrete are updated site by site.
 */
public final class BlockGibbsSampler implements Sampler {
  private final EnergyModel model;
  private final BlockConditionals blocks;
  private final SiteConditionals sites;
  private final List<Variables.Variable> order = new ArrayList<>();
  private final double[] x;
  /** All variables binary or spin blocks and batched gradients: whole sweeps as matrix products. */
  private final boolean batched;
  private double[] scratch = new double[0];
  private double[] logits = new double[0];

  BlockGibbsSampler(EnergyModel model) {
    this.model = model;
    this.blocks = model.capability(BlockConditionals.class).orElseThrow();
    this.sites = model.capability(SiteConditionals.class).orElse(null);
    model.variables().all().stream().filter(v -> !v.visible()).forEach(order::add);
    model.variables().all().stream().filter(Variables.Variable::visible).forEach(order::add);
    this.x = new double[model.stateSize()];
    this.batched = model.capability(org.ebm4j.model.BatchGradients.class).isPresent()
        && model.variables().all().stream().allMatch(v -> v.domain().isDiscrete() && blocks.blocks().contains(v.name()));
  }

  @Override
  public void sweep(Chains chains, int sweeps, RandomGenerator rng) {
    if (batched) {
      sweepBatched(chains, sweeps, rng);
      return;
    }
    for (int c = 0; c < chains.count(); c++) {
      chains.get(c, x);
      for (int s = 0; s < sweeps; s++) {
        for (Variables.Variable v : order) {
          if (blocks.blocks().contains(v.name())) {
            blocks.sample(v.name(), x, rng);
          } else {
            for (int site = v.offset(); site < v.offset() + v.size(); site++) {
              GibbsSampler.update(model, sites, x, site, rng);
            }
          }
        }
      }
      chains.set(c, x);
    }
  }

  /** Every block of every chain at once: one batched gradient per block, then the draws. */
  private void sweepBatched(Chains chains, int sweeps, RandomGenerator rng) {
    double[] states = chains.states();
    int rows = chains.count();
    int width = model.stateSize();
    if (scratch.length < states.length) {
      scratch = new double[states.length];
      logits = new double[states.length];
    }
    for (int s = 0; s < sweeps; s++) {
      for (Variables.Variable v : order) {
        org.ebm4j.model.Batches.blockLogits(model, v, states, rows, scratch, logits);
        double low = v.domain() == org.ebm4j.model.Domain.SPIN ? -1 : 0;
        for (int r = 0; r < rows; r++) {
          int base = r * width + v.offset();
          for (int k = 0; k < v.size(); k++) {
            states[base + k] = rng.nextDouble() < org.ebm4j.kernel.Kernels.sigmoid(logits[r * v.size() + k]) ? 1 : low;
          }
        }
      }
    }
  }

  @Override
  public String name() {
    return "block-gibbs";
  }

  /** Registers {@code block-gibbs}. */
  @AutoService(SamplerProvider.class)
  public static final class Provider implements SamplerProvider {
    @Override
    public String name() {
      return "block-gibbs";
    }

    @Override
    public String description() {
      return "block Gibbs sampling over the variables the processor proved conditionally independent";
    }

    @Override
    public Optional<String> unsupportedReason(EnergyModel model) {
      Optional<BlockConditionals> blocks = model.capability(BlockConditionals.class);
      if (blocks.isEmpty()) {
        return Optional.of("the processor found no variable whose units are conditionally independent; use gibbs, metropolis or langevin");
      }
      for (Variables.Variable v : model.variables().all()) {
        if (!blocks.get().blocks().contains(v.name())
            && (!v.domain().isDiscrete() || model.capability(SiteConditionals.class).isEmpty())) {
          return Optional.of("variable '" + v.name() + "' is neither a block nor discrete");
        }
      }
      return Optional.empty();
    }

    @Override
    public Sampler create(EnergyModel model, SamplerOptions options) {
      return new BlockGibbsSampler(model);
    }
  }
}
