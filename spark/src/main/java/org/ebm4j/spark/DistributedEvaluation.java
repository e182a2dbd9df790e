package org.ebm4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.ebm4j.estimate.Ais;
import org.ebm4j.estimate.ExactLogZ;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.sampling.SamplerOptions;

/**
 * Evaluation spread over a Spark cluster, where distribution pays most: each task is seconds to
 * hours of work and a few numbers of result. Every method computes the same parts a single machine
 * would ({@link ExactLogZ#part}, {@link Ais#forwardShard}) and combines them on the driver in the
 * same order, so its answer equals the single-machine answer for the same seed, to the last bit.
 */
public final class DistributedEvaluation {
  private DistributedEvaluation() {}

  /**
   * Exact log Z with the enumeration's fixed parts ({@link ExactLogZ#parts}: 64 ranges of latent
   * states in Gray-code order for models with a summed-out visible block) as Spark tasks.
   */
  public static double exactLogZ(JavaSparkContext sc, EnergyModel model) {
    int parts = ExactLogZ.parts(model);
    Broadcast<ModelSnapshot> snapshot = sc.broadcast(ModelSnapshot.of(model));
    List<Integer> indices = IntStream.range(0, parts).boxed().toList();
    // One model per Spark partition; collect() keeps the parts' order.
    List<ExactLogZ.Part> results = sc.parallelize(indices, Math.min(parts, sc.defaultParallelism() * 4))
        .mapPartitions(it -> {
          EnergyModel m = snapshot.value().build();
          List<ExactLogZ.Part> out = new ArrayList<>();
          it.forEachRemaining(p -> out.add(ExactLogZ.part(m, p)));
          return out.iterator();
        })
        .collect();
    snapshot.destroy();
    return ExactLogZ.combine(results);
  }

  /**
   * Forward AIS with {@code runs} runs in {@code shards} shards (runs as even as can be), shard s
   * drawing from {@code Rng.stream(seed, s)}: the same estimate as {@link #aisLocally} for the same
   * arguments. Give at least as many shards as the cluster has cores.
   *
   * @param baseLogits the base distribution's logits ({@link Ais#baseRateLogits} of the data)
   * @param sampler the transition at each temperature, or null for the model's default
   */
  public static Ais.Result ais(JavaSparkContext sc, EnergyModel model, double[] baseLogits, String sampler, SamplerOptions options,
      int temperatures, int runs, int shards, long seed) {
    check(temperatures, runs, shards);
    Broadcast<ModelSnapshot> snapshot = sc.broadcast(ModelSnapshot.of(model));
    double[] base = baseLogits.clone();
    String spec = options.spec();
    List<double[]> logWeights = sc.parallelize(IntStream.range(0, shards).boxed().toList(), shards)
        .map(s -> new Ais(snapshot.value().build(), base, sampler, SamplerOptions.parse(spec))
            .forwardShard(temperatures, shardRuns(runs, shards, s), seed, s))
        .collect();
    snapshot.destroy();
    return Ais.combine(logWeights, temperatures);
  }

  /** {@link #ais} on this machine, shard after shard: the reference the distributed estimate equals. */
  public static Ais.Result aisLocally(EnergyModel model, double[] baseLogits, String sampler, SamplerOptions options,
      int temperatures, int runs, int shards, long seed) {
    check(temperatures, runs, shards);
    List<double[]> logWeights = new ArrayList<>();
    for (int s = 0; s < shards; s++) {
      logWeights.add(new Ais(model, baseLogits, sampler, options).forwardShard(temperatures, shardRuns(runs, shards, s), seed, s));
    }
    return Ais.combine(logWeights, temperatures);
  }

  /**
   * Runs {@code run} on every setting (seeds, hyper-parameters) as one Spark job, one task per
   * setting, results in the settings' order. Each task should be long (a training run, an
   * evaluation): Spark's scheduling costs tens of milliseconds per task.
   */
  public static <S extends Serializable, R> List<R> sweep(JavaSparkContext sc, List<S> settings, Function<S, R> run) {
    if (settings.isEmpty()) {
      return List.of();
    }
    return sc.parallelize(settings, settings.size()).map(run).collect();
  }

  /**
   * The weighted average of log p̃(v) over the examples (latents summed out, as the single-machine
   * evaluation does), one task per partition; minus log Z it is the average log-likelihood.
   */
  public static double averageLogPTilde(JavaSparkContext sc, EnergyModel model, SparkData data) {
    Broadcast<ModelSnapshot> snapshot = sc.broadcast(ModelSnapshot.of(model));
    List<double[]> sums = data.blocks().map(b -> {
      EnergyModel m = snapshot.value().build();
      double[] v = new double[b.width()];
      double total = 0;
      double weights = 0;
      for (int r = 0; r < b.rows(); r++) {
        System.arraycopy(b.values(), r * b.width(), v, 0, b.width());
        double w = b.weights() == null ? 1 : b.weights()[r];
        total += w * org.ebm4j.estimate.Enumeration.logPTildeVisible(m, v);
        weights += w;
      }
      return new double[] {total, weights};
    }).collect();
    snapshot.destroy();
    double total = 0;
    double weights = 0;
    for (double[] s : sums) {
      total += s[0];
      weights += s[1];
    }
    return total / weights;
  }

  static int shardRuns(int runs, int shards, int s) {
    return (int) ((long) runs * (s + 1) / shards - (long) runs * s / shards);
  }

  private static void check(int temperatures, int runs, int shards) {
    if (temperatures < 3 || runs < 1 || shards < 1 || shards > runs) {
      throw new IllegalArgumentException("AIS needs temperatures >= 3 and 1 <= shards <= runs; got temperatures=" + temperatures
          + ", runs=" + runs + ", shards=" + shards);
    }
  }
}
