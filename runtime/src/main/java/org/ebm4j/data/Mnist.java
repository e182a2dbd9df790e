package org.ebm4j.data;

import java.nio.file.Path;
import org.ebm4j.random.Rng;

/**
 * MNIST from the four IDX files in a directory, binarized: by threshold (pixel/255 &gt; 0.5, the
 * usual scheme), or stochastically (each pixel 1 with probability pixel/255, from a seed). The
 * scheme is part of the data set's name, so it is recorded with every result.
 */
public final class Mnist {
  private Mnist() {}

  /**
   * @param train the 60 000 training images, else the 10 000 test images
   * @param stochasticSeed null for threshold binarization
   */
  public static Dataset load(Path dir, boolean train, Long stochasticSeed) {
    String file = train ? "train-images-idx3-ubyte" : "t10k-images-idx3-ubyte";
    IdxReader.IdxArray images = IdxReader.read(dir.resolve(file));
    if (images.dims().length != 3) {
      throw new IllegalArgumentException(dir.resolve(file) + " holds a rank-" + images.dims().length + " array, not images");
    }
    int n = images.dims()[0];
    int width = images.itemSize();
    double[] values = new double[n * width];
    Rng rng = stochasticSeed == null ? null : new Rng(stochasticSeed);
    for (int k = 0; k < values.length; k++) {
      double p = images.values()[k] / 255.0;
      values[k] = rng == null ? (p > 0.5 ? 1 : 0) : (rng.nextDouble() < p ? 1 : 0);
    }
    String scheme = rng == null ? "threshold 0.5" : "stochastic, seed " + stochasticSeed;
    return new Dataset("mnist:" + dir + " (" + (train ? "train" : "test") + ", " + scheme + ")", n, width, values);
  }
}
