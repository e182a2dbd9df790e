package org.ebm4j.spark;

import org.apache.spark.SparkConf;

/** Spark settings ebm4j uses. */
public final class Spark {
  private Spark() {}

  /**
   * Local mode on {@code cores} cores of this machine, for tests and trials: no web UI, the driver
   * bound to the loopback address (machines whose host name does not resolve otherwise fail).
   */
  public static SparkConf localConf(int cores, String appName) {
    return new SparkConf().setMaster("local[" + cores + "]").setAppName(appName)
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.sql.shuffle.partitions", Integer.toString(2 * cores));
  }
}
