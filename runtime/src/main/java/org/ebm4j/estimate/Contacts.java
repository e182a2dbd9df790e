package org.ebm4j.estimate;

import java.util.ArrayList;
import java.util.List;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.ParameterRoles;
import org.ebm4j.model.Variables;

/**
 * Contact scores of a Potts model, as direct-coupling analysis computes them: for each pair of
 * units (alignment columns) i &lt; j, the Frobenius norm of their coupling block in the zero-sum
 * gauge, with the average product correction (APC) taken off. Read from any model whose
 * categorical visible variable has couplings with itself ({@link ParameterRoles}): the pair's
 * coupling in log p̃ is C_ij(a, b) = Σ c · (W[ia][jb] + W[jb][ia]) over those couplings.
 */
public final class Contacts {
  /** One pair of units, 0-based, i &lt; j, and its score. */
  public record Pair(int i, int j, double score) {}

  private Contacts() {}

  /**
   * The APC-corrected scores of every pair, best first.
   *
   * @param excluded a state left out of the norms (the gap, as DCA tools do), or -1 for none
   * @throws IllegalArgumentException when the model has no categorical visible variable coupled
   *     with itself
   */
  public static List<Pair> scores(EnergyModel model, int excluded) {
    double[][] f = frobenius(model, excluded);
    int n = f.length;
    double[] rowMean = new double[n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i != j) {
          rowMean[i] += f[i][j] / (n - 1);
          total += f[i][j];
        }
      }
    }
    double mean = total / ((double) n * (n - 1));
    List<Pair> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        out.add(new Pair(i, j, f[i][j] - (mean == 0 ? 0 : rowMean[i] * rowMean[j] / mean)));
      }
    }
    out.sort(java.util.Comparator.comparingDouble(Pair::score).reversed().thenComparingInt(Pair::i).thenComparingInt(Pair::j));
    return out;
  }

  /** ‖C_ij‖ in the zero-sum gauge (symmetric, 0 on the diagonal), the state {@code excluded} left out of the norm. */
  public static double[][] frobenius(EnergyModel model, int excluded) {
    Variables.Variable v = model.variables().all().stream().filter(x -> x.visible() && x.isCategorical()).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("contact scores need a categorical visible variable; " + model.getClass().getSimpleName() + " has none"));
    List<ParameterRoles.Coupling> couplings = model.capability(ParameterRoles.class).map(ParameterRoles::couplings).orElse(List.of()).stream()
        .filter(c -> c.left().equals(v.name()) && c.right().equals(v.name())).toList();
    if (couplings.isEmpty()) {
      throw new IllegalArgumentException("contact scores need couplings of '" + v.name() + "' with itself (a term c·" + v.name() + "ᵀW" + v.name()
          + " with a parameter W of its own); " + model.getClass().getSimpleName() + " has none");
    }
    int k = v.group();
    int units = v.units();
    int n = v.size();
    double[] params = model.params();
    int[] offsets = couplings.stream().mapToInt(c -> model.layout().find(c.param()).orElseThrow().offset()).toArray();
    double[] coefficients = couplings.stream().mapToDouble(ParameterRoles.Coupling::coefficient).toArray();
    double[][] f = new double[units][units];
    double[][] block = new double[k][k];
    for (int i = 0; i < units; i++) {
      for (int j = i + 1; j < units; j++) {
        for (int a = 0; a < k; a++) {
          for (int b = 0; b < k; b++) {
            double s = 0;
            int ia = i * k + a;
            int jb = j * k + b;
            for (int q = 0; q < offsets.length; q++) {
              s += coefficients[q] * (params[offsets[q] + ia * n + jb] + params[offsets[q] + jb * n + ia]);
            }
            block[a][b] = s;
          }
        }
        zeroSum(block, k);
        double norm = 0;
        for (int a = 0; a < k; a++) {
          for (int b = 0; b < k; b++) {
            if (a != excluded && b != excluded) {
              norm += block[a][b] * block[a][b];
            }
          }
        }
        f[i][j] = f[j][i] = Math.sqrt(norm);
      }
    }
    return f;
  }

  /** C(a, b) − mean_a − mean_b + mean: every row and column of the block sums to zero. */
  private static void zeroSum(double[][] c, int k) {
    double[] rows = new double[k];
    double[] cols = new double[k];
    double all = 0;
    for (int a = 0; a < k; a++) {
      for (int b = 0; b < k; b++) {
        rows[a] += c[a][b] / k;
        cols[b] += c[a][b] / k;
        all += c[a][b] / ((double) k * k);
      }
    }
    for (int a = 0; a < k; a++) {
      for (int b = 0; b < k; b++) {
        c[a][b] += all - rows[a] - cols[b];
      }
    }
  }
}
