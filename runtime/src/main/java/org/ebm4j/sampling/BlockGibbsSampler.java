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
 * visibles first, then latents (for an RBM: v | h, then h | v), so that a sweep ends with latents
 * drawn given the visibles — the conditional a free-energy gradient computes anyway (see {@link
 * Sampler#sweepDeferringLatents}). Variables that are not blocks but discrete are updated site by site.
 */
public final class BlockGibbsSampler implements Sampler {
  private final EnergyModel model;
  private final BlockConditionals blocks;
  private final SiteConditionals sites;
  private final List<Variables.Variable> order = new ArrayList<>();
  private final double[] x;
  private final double[] weights;
  /** All variables binary or spin blocks and batched gradients: whole sweeps as matrix products. */
  private final boolean batched;
  private double[] scratch = new double[0];

  BlockGibbsSampler(EnergyModel model) {
    this.model = model;
    this.blocks = model.capability(BlockConditionals.class).orElseThrow();
    this.sites = model.capability(SiteConditionals.class).orElse(null);
    model.variables().all().stream().filter(Variables.Variable::visible).forEach(order::add);
    model.variables().all().stream().filter(v -> !v.visible()).forEach(order::add);
    this.x = new double[model.stateSize()];
    this.weights = new double[model.variables().all().stream().mapToInt(Variables.Variable::group).max().orElse(1)];
    this.batched = model.capability(org.ebm4j.model.BatchGradients.class).isPresent()
        && model.variables().all().stream().allMatch(v -> v.domain().isDiscrete() && blocks.blocks().contains(v.name()));
  }

  @Override
  public void sweep(Chains chains, int sweeps, RandomGenerator rng) {
    if (batched) {
      sweepBatched(chains, sweeps, false, rng);
      return;
    }
    for (int c = 0; c < chains.count(); c++) {
      chains.get(c, x);
      for (int s = 0; s < sweeps; s++) {
        for (Variables.Variable v : order) {
          if (blocks.blocks().contains(v.name())) {
            blocks.sample(v.name(), x, rng);
          } else {
            for (int site = v.offset(); site < v.offset() + v.size(); ) {
              site = GibbsSampler.updateUnit(model, sites, x, site, weights, rng);
            }
          }
        }
      }
      chains.set(c, x);
    }
  }

  /** Batched models only: the last sweep ends with the visibles, latents left to the caller. */
  @Override
  public boolean sweepDeferringLatents(Chains chains, int sweeps, RandomGenerator rng) {
    if (!batched) {
      return false;
    }
    sweepBatched(chains, sweeps, true, rng);
    return true;
  }

  /** Every block of every chain at once: one batched gradient per block, then the draws. */
  private void sweepBatched(Chains chains, int sweeps, boolean deferLast, RandomGenerator rng) {
    int rows = chains.count();
    if (org.ebm4j.model.Batches.precision(model) == org.ebm4j.model.Precision.FLOAT32) {
      // The chains stay in float between sweeps and updates: no conversion per product.
      float[] floats = chains.floatStates();
      for (int s = 0; s < sweeps; s++) {
        for (Variables.Variable v : order) {
          if (!(deferLast && s == sweeps - 1 && !v.visible())) {
            org.ebm4j.model.Batches.drawBlock(model, v, floats, rows, rng);
          }
        }
      }
      return;
    }
    double[] states = chains.states();
    if (scratch.length < states.length) {
      scratch = new double[states.length];
    }
    for (int s = 0; s < sweeps; s++) {
      for (Variables.Variable v : order) {
        if (deferLast && s == sweeps - 1 && !v.visible()) {
          continue;
        }
        org.ebm4j.model.Batches.drawBlock(model, v, states, rows, scratch, rng);
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
    public java.util.Set<String> optionKeys() {
      return java.util.Set.of();
    }

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
