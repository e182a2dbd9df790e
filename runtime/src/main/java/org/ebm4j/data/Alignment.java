package org.ebm4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ebm4j.kernel.Parallel;

/**
 * A multiple sequence alignment: N aligned sequences of L columns over an alphabet of K symbols,
 * the input of Potts models of protein and RNA families (plmDCA, bmDCA). Read from FASTA; each
 * sequence can be weighted by its share of the near copies around it, and written as one-hot rows.
 *
 * @param name where it came from
 * @param alphabet the K symbols, a state each in this order ("-ACDEFGHIKLMNPQRSTVWY": gap first)
 * @param headers each sequence's header line, without '>'
 * @param states N × L state indices, row-major
 * @param columns L
 * @param lines the file line of each sequence's header, for messages
 */
public record Alignment(String name, String alphabet, List<String> headers, byte[] states, int columns, int[] lines) {
  /** Amino acids with the gap first: 21 states, as DCA tools order them. */
  public static final String PROTEIN = "-ACDEFGHIKLMNPQRSTVWY";
  /** Nucleotides of RNA with the gap first. */
  public static final String RNA = "-ACGU";
  /** Letters that are not one of the 20 amino acids (ambiguity codes, rare residues): read as gaps, as DCA tools do. */
  private static final String NONSTANDARD_PROTEIN = "BZXJOU";

  /** The number of sequences. */
  public int size() {
    return headers.size();
  }

  /** The number of states, K. */
  public int statesPerColumn() {
    return alphabet.length();
  }

  /**
   * Reads an aligned FASTA file: lines starting with '>' are headers, the lines up to the next
   * header are the sequence (joined); every sequence must have the same length. Lowercase letters
   * count as their uppercase, '.' as the gap '-'. With the protein alphabet, the letters B, Z, X,
   * J, O and U (ambiguous or rare residues) are read as gaps.
   *
   * @throws IllegalArgumentException naming the line (and column) of the first problem, or the file
   *     that cannot be read
   */
  public static Alignment readFasta(Path file, String alphabet) {
    int[] index = new int[128];
    java.util.Arrays.fill(index, -1);
    for (int k = 0; k < alphabet.length(); k++) {
      index[alphabet.charAt(k)] = k;
    }
    int gap = alphabet.indexOf('-');
    List<String> headers = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    java.io.ByteArrayOutputStream states = new java.io.ByteArrayOutputStream();
    int columns = -1;
    int current = 0;
    int lineNo = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while (true) {
        line = in.readLine();
        lineNo++;
        if (line == null || line.startsWith(">")) {
          if (!headers.isEmpty()) {
            if (columns < 0) {
              columns = current;
              if (columns == 0) {
                throw new IllegalArgumentException(file + ", line " + lines.get(0) + ": sequence '" + headers.get(0) + "' is empty");
              }
            } else if (current != columns) {
              throw new IllegalArgumentException(file + ", line " + lines.get(lines.size() - 1) + ": sequence '" + headers.get(headers.size() - 1)
                  + "' has " + current + " columns, but the first sequence has " + columns + "; an alignment's sequences all have the same length");
            }
          }
          if (line == null) {
            break;
          }
          headers.add(line.substring(1).trim());
          lines.add(lineNo);
          current = 0;
          continue;
        }
        String text = line.strip();
        if (text.isEmpty()) {
          continue;
        }
        if (headers.isEmpty()) {
          throw new IllegalArgumentException(file + ", line " + lineNo + ": sequence text before the first '>' header; is this a FASTA file?");
        }
        for (int c = 0; c < text.length(); c++) {
          char ch = text.charAt(c);
          char up = ch == '.' ? '-' : Character.toUpperCase(ch);
          int k = up < 128 ? index[up] : -1;
          if (k < 0 && gap >= 0 && alphabet.equals(PROTEIN) && NONSTANDARD_PROTEIN.indexOf(up) >= 0) {
            k = gap;
          }
          if (k < 0) {
            throw new IllegalArgumentException(file + ", line " + lineNo + ", column " + (line.indexOf(text) + c + 1) + ": symbol '" + ch
                + "' is not in the alphabet " + alphabet);
          }
          states.write(k);
          current++;
        }
      }
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("alignment file " + file + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read alignment file " + file + ": " + e.getMessage());
    }
    if (headers.isEmpty()) {
      throw new IllegalArgumentException(file + ": no sequences (a FASTA file has '>' header lines, each followed by its sequence)");
    }
    return new Alignment("fasta:" + file, alphabet, List.copyOf(headers), states.toByteArray(), columns, lines.stream().mapToInt(Integer::intValue).toArray());
  }

  /** The state of sequence n at column i. */
  public int state(int n, int i) {
    return states[n * columns + i];
  }

  /**
   * Each sequence's weight: 1 / the number of sequences (itself included) that agree with it in at
   * least {@code identity} of the columns, so a cluster of near copies counts about once (the
   * "effective number of sequences" of DCA is the weights' sum). Quadratic in N; split over the
   * cores, the same result for any number of them.
   */
  public double[] weights(double identity) {
    if (!(identity > 0 && identity <= 1)) {
      throw new IllegalArgumentException("sequence identity for reweighting must be in (0, 1], got " + identity);
    }
    int n = size();
    int allowed = columns - (int) Math.ceil(identity * columns - 1e-9); // most mismatches still "similar"
    int[] neighbours = new int[n];
    Parallel.rows(n, (long) n * columns, (from, to) -> {
      for (int a = from; a < to; a++) {
        int count = 0;
        int base = a * columns;
        for (int b = 0; b < n; b++) {
          int other = b * columns;
          int mismatches = 0;
          for (int i = 0; i < columns && mismatches <= allowed; i++) {
            if (states[base + i] != states[other + i]) {
              mismatches++;
            }
          }
          if (mismatches <= allowed) {
            count++;
          }
        }
        neighbours[a] = count;
      }
    });
    double[] w = new double[n];
    for (int a = 0; a < n; a++) {
      w[a] = 1.0 / neighbours[a];
    }
    return w;
  }

  /**
   * The sequences as one-hot rows: L × K columns, column i·K + a is 1 when column i holds state a,
   * with the given weights (or none).
   */
  public Dataset toDataset(double[] weights) {
    int k = statesPerColumn();
    int width = columns * k;
    double[] values = new double[size() * width];
    for (int n = 0; n < size(); n++) {
      for (int i = 0; i < columns; i++) {
        values[n * width + i * k + states[n * columns + i]] = 1;
      }
    }
    return new Dataset(name, size(), width, values, lines, weights == null ? null : weights.clone(), k);
  }

  /**
   * The one-hot rows of {@link #toDataset} mixed with the uniform distribution as DCA's pseudo-count
   * λ does (frequencies f → (1 − λ) f + λ / K, pairs f → (1 − λ) f + λ / K²): {@code size()} more
   * rows of independent uniform states, drawn from {@code seed}, which together weigh λ / (1 − λ)
   * times the sequences' total weight. Maximum likelihood on it matches the pseudo-counted
   * statistics in expectation over the drawn rows.
   *
   * @param weights the sequences' weights, or null for 1 each
   * @param lambda the pseudo-count, in [0, 1)
   */
  public Dataset toDataset(double[] weights, double lambda, long seed) {
    if (!(lambda >= 0 && lambda < 1)) {
      throw new IllegalArgumentException("the pseudo-count must be in [0, 1), got " + lambda);
    }
    Dataset sequences = toDataset(weights);
    if (lambda == 0) {
      return sequences;
    }
    int n = size();
    int k = statesPerColumn();
    int width = sequences.width();
    double[] values = java.util.Arrays.copyOf(sequences.values(), 2 * n * width);
    double[] w = new double[2 * n];
    for (int s = 0; s < n; s++) {
      w[s] = sequences.weight(s);
    }
    double total = sequences.totalWeight();
    org.ebm4j.random.Rng rng = new org.ebm4j.random.Rng(seed);
    double uniformWeight = lambda / (1 - lambda) * total / n;
    for (int s = n; s < 2 * n; s++) {
      for (int i = 0; i < columns; i++) {
        values[s * width + i * k + rng.nextInt(k)] = 1;
      }
      w[s] = uniformWeight;
    }
    int[] rowLines = new int[2 * n];
    System.arraycopy(lines, 0, rowLines, 0, n);
    return new Dataset(name + " (pseudo-count " + lambda + ")", 2 * n, width, values, rowLines, w, k, n);
  }

  /** Writes sequences (one-hot rows of L × K columns) as FASTA, headers "&gt;sample_1" and so on. */
  public static String toFasta(double[] oneHot, int rows, int columns, String alphabet, String prefix) {
    int k = alphabet.length();
    StringBuilder out = new StringBuilder();
    for (int r = 0; r < rows; r++) {
      out.append('>').append(prefix).append(r + 1).append('\n');
      for (int i = 0; i < columns; i++) {
        int at = r * columns * k + i * k;
        int state = 0;
        for (int a = 0; a < k; a++) {
          if (oneHot[at + a] != 0) {
            state = a;
          }
        }
        out.append(alphabet.charAt(state));
      }
      out.append('\n');
    }
    return out.toString();
  }
}
