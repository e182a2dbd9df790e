package org.ebm4j.data;

import java.nio.file.Path;

/**
 * Parses a data set specification: {@code bars-and-stripes:N}, {@code ring[:N]}, {@code csv:FILE}, or {@code
 * mnist:DIR} (optionally {@code mnist:DIR:stochastic}).
 */
public final class DataSpec {
  /** The forms {@link #load} accepts, for help texts and errors. */
  public static final String FORMS =
      "bars-and-stripes:N (built in, the N×N bars and stripes), ring[:N] (built in, N points, default 2000, around a"
          + " circle of radius 2 in the plane, radial noise 0.2), csv:FILE (one example per line, comma-separated),"
          + " mnist:DIR (the four IDX files, .gz or not; binarized at pixel/255 > 0.5, or mnist:DIR:stochastic),"
          + " fasta:FILE (an aligned FASTA file, one-hot over the 21 states -ACDEFGHIKLMNPQRSTVWY, each sequence weighted"
          + " by 1 / its neighbours of identity 0.8 or more; options :identity=X (1 for no reweighting), :alphabet=rna or"
          + " :alphabet=SYMBOLS, and :pseudocount=L, DCA's pseudo-count, as uniform random rows weighing L/(1-L) of the data)";

  private DataSpec() {}

  /** Loads the training split of the data set a specification names. */
  public static Dataset load(String spec) {
    return load(spec, true, 0);
  }

  /**
   * Loads a data set.
   *
   * @param train for MNIST, the 60 000 training images; else the 10 000 test images
   * @param seed seed of stochastic binarization
   * @throws IllegalArgumentException saying which forms are accepted, or what is wrong with the file
   */
  public static Dataset load(String spec, boolean train, long seed) {
    int colon = spec.indexOf(':');
    String kind = colon < 0 ? spec : spec.substring(0, colon);
    String arg = colon < 0 ? "" : spec.substring(colon + 1);
    switch (kind) {
      case "bars-and-stripes":
        try {
          return BarsAndStripes.generate(arg.isEmpty() ? 4 : Integer.parseInt(arg));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("bars-and-stripes:N needs an integer N, got '" + arg + "'");
        }
      case "ring":
        try {
          return ring(arg.isEmpty() ? 2000 : Integer.parseInt(arg), train ? 1 : 2);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("ring:N needs an integer N, got '" + arg + "'");
        }
      case "csv":
        if (arg.isEmpty()) {
          throw new IllegalArgumentException("csv:FILE needs a file name");
        }
        return CsvReader.read(Path.of(arg));
      case "mnist":
        {
          boolean stochastic = arg.endsWith(":stochastic");
          String dir = stochastic ? arg.substring(0, arg.length() - ":stochastic".length()) : arg;
          if (dir.isEmpty()) {
            throw new IllegalArgumentException("mnist:DIR needs the directory holding the IDX files");
          }
          return Mnist.load(Path.of(dir), train, stochastic ? seed : null);
        }
      case "fasta":
        return fasta(arg);
      default:
        throw new IllegalArgumentException("unknown data '" + spec + "'; use " + FORMS);
    }
  }

  /** {@code fasta:FILE[:identity=X][:alphabet=A]}, options read from the end so a path may hold ':'. */
  private static Dataset fasta(String arg) {
    String alphabet = Alignment.PROTEIN;
    double identity = 0.8;
    double pseudocount = 0;
    String file = arg;
    while (true) {
      int colon = file.lastIndexOf(':');
      String option = colon < 0 ? "" : file.substring(colon + 1);
      if (option.startsWith("identity=")) {
        try {
          identity = Double.parseDouble(option.substring("identity=".length()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("fasta:FILE:identity=X needs a number in (0, 1], got '" + option + "'");
        }
      } else if (option.startsWith("pseudocount=")) {
        try {
          pseudocount = Double.parseDouble(option.substring("pseudocount=".length()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("fasta:FILE:pseudocount=L needs a number in [0, 1), got '" + option + "'");
        }
      } else if (option.startsWith("alphabet=")) {
        String a = option.substring("alphabet=".length());
        alphabet = a.equals("protein") ? Alignment.PROTEIN : a.equals("rna") ? Alignment.RNA : a;
        if (alphabet.length() < 2 || alphabet.chars().distinct().count() != alphabet.length()) {
          throw new IllegalArgumentException("fasta:FILE:alphabet=… needs protein, rna or at least two distinct symbols, got '" + a + "'");
        }
      } else {
        break;
      }
      file = file.substring(0, colon);
    }
    if (file.isEmpty()) {
      throw new IllegalArgumentException("fasta:FILE needs the alignment's file name");
    }
    Alignment a = Alignment.readFasta(Path.of(file), alphabet);
    return a.toDataset(identity >= 1 ? null : a.weights(identity), pseudocount, 1);
  }

  /**
   * {@code n} points around the circle of radius 2, angles uniform, radii 2 + 0.2·N(0, 1): a density
   * no Gaussian or mixture of a few fits, the classic test of a flexible energy in the plane.
   */
  public static Dataset ring(int n, long seed) {
    if (n < 1) {
      throw new IllegalArgumentException("ring:N needs at least one point, got " + n);
    }
    org.ebm4j.random.Rng rng = new org.ebm4j.random.Rng(seed);
    double[] values = new double[2 * n];
    for (int i = 0; i < n; i++) {
      double angle = 2 * Math.PI * rng.nextDouble();
      double radius = 2 + 0.2 * rng.nextGaussian();
      values[2 * i] = radius * Math.cos(angle);
      values[2 * i + 1] = radius * Math.sin(angle);
    }
    return new Dataset("ring", n, 2, values);
  }
}
