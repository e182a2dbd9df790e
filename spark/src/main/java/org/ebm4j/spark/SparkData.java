package org.ebm4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.ebm4j.data.Dataset;
import scala.Tuple2;

/**
 * A data set held by a Spark cluster: one cached {@link Block} of consecutive examples per
 * partition, examples numbered 0..size−1 in partition order, as a single machine numbers the rows
 * of a {@link Dataset}. A trainer asks each block for the rows of a minibatch by their numbers.
 */
public final class SparkData implements Serializable {
  /** The examples {@code first .. first + rows − 1}, row-major, with their weights (null: all 1). */
  public record Block(long first, int rows, int width, double[] values, double[] weights) implements Serializable {
    /** The rows of this block among {@code indices}, in the order they appear there, as a local data set (null if none). */
    Dataset pick(int[] indices) {
      int count = 0;
      for (int i : indices) {
        count += i >= first && i < first + rows ? 1 : 0;
      }
      if (count == 0) {
        return null;
      }
      double[] v = new double[count * width];
      double[] w = weights == null ? null : new double[count];
      int r = 0;
      for (int i : indices) {
        if (i >= first && i < first + rows) {
          int local = (int) (i - first);
          System.arraycopy(values, local * width, v, r * width, width);
          if (w != null) {
            w[r] = weights[local];
          }
          r++;
        }
      }
      Dataset d = new Dataset("block", count, width, v);
      return w == null ? d : d.withWeights(w);
    }

    Dataset all() {
      Dataset d = new Dataset("rows " + first + ".." + (first + rows - 1), rows, width, values);
      return weights == null ? d : d.withWeights(weights);
    }
  }

  private final String name;
  private final JavaRDD<Block> blocks;
  private final int size;
  private final int width;
  private final int partitions;
  private final boolean weighted;

  private SparkData(String name, JavaRDD<Block> blocks) {
    this.name = name;
    this.blocks = blocks.getStorageLevel().useMemory() ? blocks : blocks.cache();
    List<Block> shapes = this.blocks.map(b -> new Block(b.first(), b.rows(), b.width(), new double[0], b.weights() == null ? null : new double[0])).collect();
    long total = 0;
    int w = -1;
    boolean anyWeights = false;
    for (Block b : shapes) {
      total += b.rows();
      if (b.rows() > 0) {
        if (w >= 0 && b.width() != w) {
          throw new IllegalArgumentException(name + ": rows of " + w + " and of " + b.width() + " values (from row " + (b.first() + 1) + ")");
        }
        w = b.width();
      }
      anyWeights |= b.weights() != null;
    }
    if (total == 0) {
      throw new IllegalArgumentException(name + " holds no rows");
    }
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + " holds " + total + " rows; at most " + Integer.MAX_VALUE + " are supported");
    }
    this.size = (int) total;
    this.width = w;
    this.partitions = shapes.size();
    this.weighted = anyWeights;
  }

  /** A local data set spread over {@code partitions} partitions (contiguous ranges of rows). */
  public static SparkData of(JavaSparkContext sc, Dataset data, int partitions) {
    if (partitions < 1 || partitions > data.size()) {
      throw new IllegalArgumentException("partitions must be between 1 and the " + data.size() + " rows, got " + partitions);
    }
    List<Block> blocks = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      int from = (int) ((long) data.size() * p / partitions);
      int to = (int) ((long) data.size() * (p + 1) / partitions);
      double[] v = Arrays.copyOfRange(data.values(), from * data.width(), to * data.width());
      double[] w = null;
      if (data.weighted()) {
        w = new double[to - from];
        for (int i = from; i < to; i++) {
          w[i - from] = data.weight(i);
        }
      }
      blocks.add(new Block(from, to - from, data.width(), v, w));
    }
    // Cut the lineage once the blocks are cached: a parallelized collection's partitions carry
    // their rows, so every later task would otherwise ship its block again with the task.
    JavaRDD<Block> rdd = sc.parallelize(blocks, partitions).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    rdd.rdd().localCheckpoint();
    return new SparkData(data.name(), rdd);
  }

  /** Rows of an RDD as examples, numbered in partition order (unweighted). */
  public static SparkData fromRows(String name, JavaRDD<double[]> rows) {
    JavaRDD<Block> blocks = rows.zipWithIndex().mapPartitions(it -> {
      List<double[]> list = new ArrayList<>();
      long first = -1;
      while (it.hasNext()) {
        Tuple2<double[], Long> t = it.next();
        if (first < 0) {
          first = t._2();
        }
        list.add(t._1());
      }
      if (list.isEmpty()) {
        return List.<Block>of().iterator();
      }
      int width = list.get(0).length;
      double[] v = new double[list.size() * width];
      for (int r = 0; r < list.size(); r++) {
        if (list.get(r).length != width) {
          throw new IllegalArgumentException(name + ": row " + (first + r + 1) + " has " + list.get(r).length + " values, row " + (first + 1) + " " + width);
        }
        System.arraycopy(list.get(r), 0, v, r * width, width);
      }
      return List.of(new Block(first, list.size(), width, v, null)).iterator();
    });
    return new SparkData(name, blocks);
  }

  /**
   * The numeric columns of a data frame, in order, as examples (a column named {@code weight}, when
   * {@code weightColumn} names it, gives the examples' weights instead). Any other column type is
   * refused, naming the column.
   */
  public static SparkData fromFrame(String name, org.apache.spark.sql.Dataset<Row> frame, String weightColumn) {
    StructField[] fields = frame.schema().fields();
    int weightAt = -1;
    List<Integer> columns = new ArrayList<>();
    for (int c = 0; c < fields.length; c++) {
      DataType t = fields[c].dataType();
      boolean numeric = t.equals(DataTypes.DoubleType) || t.equals(DataTypes.FloatType) || t.equals(DataTypes.IntegerType)
          || t.equals(DataTypes.LongType) || t.equals(DataTypes.ShortType) || t.equals(DataTypes.ByteType) || t.equals(DataTypes.BooleanType);
      if (!numeric) {
        throw new IllegalArgumentException(name + ": column '" + fields[c].name() + "' is " + t.simpleString()
            + "; every column must be numeric (cast it, or drop it with frame.drop(\"" + fields[c].name() + "\"))");
      }
      if (fields[c].name().equals(weightColumn)) {
        weightAt = c;
      } else {
        columns.add(c);
      }
    }
    if (weightColumn != null && weightAt < 0) {
      throw new IllegalArgumentException(name + " has no column '" + weightColumn + "' for the weights");
    }
    int[] cols = columns.stream().mapToInt(Integer::intValue).toArray();
    int w = weightAt;
    if (w < 0) {
      return fromRows(name, frame.javaRDD().map(row -> values(row, cols)));
    }
    // Rows and weights numbered together: the weight rides as one more value and is split off.
    int[] withWeight = Arrays.copyOf(cols, cols.length + 1);
    withWeight[cols.length] = w;
    SparkData joint = fromRows(name, frame.javaRDD().map(row -> values(row, withWeight)));
    JavaRDD<Block> split = joint.blocks.map(b -> {
      int width = b.width() - 1;
      double[] v = new double[b.rows() * width];
      double[] weights = new double[b.rows()];
      for (int r = 0; r < b.rows(); r++) {
        System.arraycopy(b.values(), r * b.width(), v, r * width, width);
        weights[r] = b.values()[r * b.width() + width];
      }
      return new Block(b.first(), b.rows(), width, v, weights);
    });
    joint.blocks.unpersist();
    return new SparkData(name, split);
  }

  private static double[] values(Row row, int[] columns) {
    double[] out = new double[columns.length];
    for (int k = 0; k < columns.length; k++) {
      Object o = row.get(columns[k]);
      if (o == null) {
        throw new IllegalArgumentException("a null in column " + (columns[k] + 1) + " of row " + row);
      }
      out[k] = o instanceof Boolean b ? (b ? 1 : 0) : ((Number) o).doubleValue();
    }
    return out;
  }

  /** A CSV file (or directory of files) of numbers without a header, one example per line. */
  public static SparkData csv(SparkSession spark, String path) {
    return fromFrame(path, spark.read().option("inferSchema", "true").option("header", "false").csv(path), null);
  }

  /** A Parquet file of numeric columns, one example per row. */
  public static SparkData parquet(SparkSession spark, String path, String weightColumn) {
    return fromFrame(path, spark.read().parquet(path), weightColumn);
  }

  public String name() {
    return name;
  }

  /** The number of examples. */
  public int size() {
    return size;
  }

  /** Values per example. */
  public int width() {
    return width;
  }

  public int partitions() {
    return partitions;
  }

  public boolean weighted() {
    return weighted;
  }

  JavaRDD<Block> blocks() {
    return blocks;
  }

  /** The examples {@code indices}, in that order, gathered to the driver (for monitoring on a fixed subset). */
  public Dataset collect(int[] indices) {
    int[] sorted = indices.clone();
    Arrays.sort(sorted);
    int w = width;
    // Each wanted row with its weight as one more value, keyed by its number.
    List<Tuple2<Integer, double[]>> rows = blocks.flatMap(b -> {
      List<Tuple2<Integer, double[]>> out = new ArrayList<>();
      int from = Arrays.binarySearch(sorted, (int) b.first());
      for (int k = from < 0 ? -from - 1 : from; k < sorted.length && sorted[k] < b.first() + b.rows(); k++) {
        int local = (int) (sorted[k] - b.first());
        double[] row = Arrays.copyOfRange(b.values(), local * w, local * w + w + 1);
        row[w] = b.weights() == null ? 1 : b.weights()[local];
        out.add(new Tuple2<>(sorted[k], row));
      }
      return out.iterator();
    }).collect();
    java.util.Map<Integer, double[]> byNumber = new java.util.HashMap<>();
    rows.forEach(t -> byNumber.put(t._1(), t._2()));
    double[] v = new double[indices.length * w];
    double[] weights = new double[indices.length];
    for (int k = 0; k < indices.length; k++) {
      double[] row = byNumber.get(indices[k]);
      if (row == null) {
        throw new IllegalArgumentException(name + " has no example " + indices[k] + " (it holds 0.." + (size - 1) + ")");
      }
      System.arraycopy(row, 0, v, k * w, w);
      weights[k] = row[w];
    }
    Dataset out = new Dataset(name + " (" + indices.length + " examples)", indices.length, w, v);
    return weighted ? out.withWeights(weights) : out;
  }
}
