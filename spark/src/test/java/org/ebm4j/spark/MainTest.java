package org.ebm4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.ebm4j.data.BarsAndStripes;
import org.ebm4j.estimate.Enumeration;
import org.ebm4j.estimate.ExactLogZ;
import org.ebm4j.model.EnergyModel;
import org.ebm4j.model.Models;
import org.ebm4j.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spark-submit entry point, run in-process in local mode (as spark-submit --master local[2] would). */
class MainTest {
  record Result(int exit, String out, String err) {}

  static Result run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    try {
      int exit = Main.run(args);
      return new Result(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void trainsWritesACheckpointAndEvaluatesItExactly(@TempDir Path dir) {
    Path run = dir.resolve("run");
    Result train = run("train", "--model", "org.ebm4j.examples.models.Rbm", "--dims", "hidden=6", "--data", "bars-and-stripes:3",
        "--partitions", "2", "--negative", "exact", "--batch", "7", "--optimizer", "adam", "--lr", "0.05",
        "--epochs", "80", "--out", run.toString());
    assertEquals(0, train.exit(), train.err());
    assertTrue(train.err().contains("14 examples in 2 partitions"), train.err());
    assertTrue(train.err().contains("epoch   80"), train.err());
    Checkpoint c = Checkpoint.read(run);
    EnergyModel model = Models.load(c);
    assertEquals("exact", c.get("negativeSpec"));
    double logZ = ExactLogZ.compute(model, 1, null);
    double expected = Enumeration.averageLogLikelihood(model, BarsAndStripes.generate(3), logZ);
    assertTrue(expected > -6.0, "training raised the log-likelihood from about -6.24: " + expected);

    Result eval = run("evaluate", "--checkpoint", run.toString(), "--logz", "exact");
    assertEquals(0, eval.exit(), eval.err());
    String json = eval.out().trim();
    double logZSpark = Double.parseDouble(json.replaceAll(".*\"logZ\":([^,]+),.*", "$1"));
    double llSpark = Double.parseDouble(json.replaceAll(".*\"logLikelihood\":([^,]+),.*", "$1"));
    assertEquals(logZ, logZSpark, 0.0);
    assertEquals(expected, llSpark, 1e-12);

    Result ais = run("evaluate", "--checkpoint", run.toString(), "--logz", "ais", "--temperatures", "300", "--runs", "40", "--shards", "4");
    assertEquals(0, ais.exit(), ais.err());
    double aisLogZ = Double.parseDouble(ais.out().trim().replaceAll(".*\"logZ\":([^,]+),.*", "$1"));
    assertEquals(logZ, aisLogZ, 0.2, ais.out());
  }

  @Test
  void readsCsvThroughSparkAndScoresOtherData(@TempDir Path dir) throws Exception {
    StringBuilder csv = new StringBuilder();
    var data = BarsAndStripes.generate(3);
    for (int r = 0; r < data.size(); r++) {
      for (int k = 0; k < data.width(); k++) {
        csv.append(k == 0 ? "" : ",").append((int) data.values()[r * data.width() + k]);
      }
      csv.append('\n');
    }
    Path file = dir.resolve("bs.csv");
    java.nio.file.Files.writeString(file, csv);
    Path run = dir.resolve("run");
    Result train = run("train", "--model", "org.ebm4j.examples.models.Rbm", "--dims", "hidden=3", "--data", "spark-csv:" + file,
        "--negative", "exact", "--batch", "14", "--epochs", "2", "--out", run.toString());
    assertEquals(0, train.exit(), train.err());
    assertTrue(train.err().contains("14 examples"), train.err());
    // Scored on other data than it was trained on: the first 9 of the images, read on the driver.
    Path part = dir.resolve("part.csv");
    java.nio.file.Files.writeString(part, csv.toString().lines().limit(9).map(l -> l + "\n").reduce("", String::concat));
    Result averaged = run("train", "--model", "org.ebm4j.examples.models.Rbm", "--dims", "hidden=3", "--data", "spark-csv:" + file,
        "--negative", "pcd:1", "--chains", "10", "--batch", "7", "--average-every", "2", "--epochs", "2", "--out", dir.resolve("avg").toString());
    assertEquals(0, averaged.exit(), averaged.err());
    assertTrue(averaged.err().contains("epoch    2"), averaged.err());
    Result eval = run("evaluate", "--checkpoint", run.toString(), "--data", "csv:" + part);
    assertEquals(0, eval.exit(), eval.err());
    assertTrue(eval.out().contains("\"examples\":9"), eval.out());
  }

  @Test
  void errorsAreOneLineNamingTheProblem(@TempDir Path dir) {
    Result missing = run("train", "--model", "org.example.Nope", "--data", "bars-and-stripes:3", "--out", dir.toString());
    assertEquals(1, missing.exit());
    assertTrue(missing.err().startsWith("error: model class org.example.Nope is not on the class path"), missing.err());
    Result optimizer = run("train", "--model", "org.ebm4j.examples.models.Rbm", "--dims", "hidden=2", "--data", "bars-and-stripes:3",
        "--optimizer", "lbfgs", "--out", dir.toString());
    assertEquals(1, optimizer.exit());
    assertTrue(optimizer.err().contains("--optimizer must be sgd or adam"), optimizer.err());
    Result cd = run("train", "--model", "org.ebm4j.examples.models.Rbm", "--dims", "hidden=2", "--data", "bars-and-stripes:3",
        "--negative", "cd:1", "--out", dir.toString());
    assertEquals(1, cd.exit());
    assertTrue(cd.err().contains("use pcd:K"), cd.err());
    Result every = run("train", "--model", "org.ebm4j.examples.models.Rbm", "--dims", "hidden=2", "--data", "bars-and-stripes:3",
        "--average-every", "-1", "--out", dir.toString());
    assertEquals(1, every.exit());
    assertTrue(every.err().contains("--average-every must be >= 0"), every.err());
    assertFalse(cd.err().contains("\tat "), cd.err());
  }
}
