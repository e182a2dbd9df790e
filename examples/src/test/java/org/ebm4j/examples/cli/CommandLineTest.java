package org.ebm4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ebm4j.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, run in-process: its outputs, files and exit codes. */
class CommandLineTest {
  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int exit = Main.run(args);
      return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void trainPcdWritesCheckpointThatSampleExportAndResumeRead(@TempDir Path dir) throws Exception {
    Path a = dir.resolve("a");
    Run train = run("train", "--model", "rbm", "--dims", "hidden=6", "--negative", "pcd:1", "--sampler", "block-gibbs",
        "--epochs", "4", "--lr", "0.05", "--out", a.toString());
    assertEquals(0, train.exit(), train.err());
    assertTrue(train.out().contains("epoch    4"), train.out());
    assertTrue(train.out().contains("exact average log-likelihood"), train.out());
    assertEquals(4, Files.readAllLines(a.resolve("metrics.jsonl")).size());
    assertTrue(Files.readAllLines(a.resolve("metrics.jsonl")).get(3).startsWith("{\"epoch\":4,"));

    Run sample = run("sample", "--checkpoint", a.toString(), "--count", "3", "--steps", "10", "--png", dir.resolve("s.png").toString());
    assertEquals(0, sample.exit(), sample.err());
    List<String> rows = sample.out().lines().toList();
    assertEquals(3, rows.size());
    assertTrue(rows.stream().allMatch(r -> r.matches("[01](,[01]){8}")), sample.out());
    assertTrue(Files.size(dir.resolve("s.png")) > 100);

    Run export = run("export", "--checkpoint", a.toString(), "--format", "npy", "--out", dir.resolve("npy").toString());
    assertEquals(0, export.exit(), export.err());
    byte[] w = Files.readAllBytes(dir.resolve("npy/w.npy"));
    String header = new String(w, 10, 118, StandardCharsets.US_ASCII);
    assertTrue(header.contains("'descr': '<f8', 'fortran_order': False, 'shape': (9, 6)"), header);
    assertEquals(128 + 9 * 6 * 8, w.length);

    // 2 epochs, then resume to 4: the same bits as 4 straight.
    Path b = dir.resolve("b");
    assertEquals(0, run("train", "--model", "rbm", "--dims", "hidden=6", "--negative", "pcd:1", "--sampler", "block-gibbs",
        "--epochs", "2", "--lr", "0.05", "--out", b.toString(), "--quiet").exit());
    Run resumed = run("train", "--resume", b.toString(), "--epochs", "4", "--quiet");
    assertEquals(0, resumed.exit(), resumed.err());
    assertArrayEquals(Checkpoint.read(a).array("params"), Checkpoint.read(b).array("params"));
    assertEquals(4, Files.readAllLines(b.resolve("metrics.jsonl")).size());
  }

  @Test
  void plotsAreWrittenAndNotBlank(@TempDir Path dir) throws Exception {
    Run r = run("train", "--model", "rbm", "--dims", "hidden=6", "--epochs", "5", "--plots", dir.toString(), "--quiet");
    assertEquals(0, r.exit(), r.err());
    for (String name : List.of("samples.png", "data.png", "filters.png", "curve.png")) {
      assertColourful(dir.resolve(name), 3);
    }
  }

  /** For two real visible units: the density with samples and data over it, by train and by sample. */
  @Test
  void twoDimensionalRealModelsGetADensityPicture(@TempDir Path dir) throws Exception {
    StringBuilder csv = new StringBuilder();
    java.util.Random random = new java.util.Random(2);
    for (int i = 0; i < 200; i++) {
      double a = 2 * Math.PI * random.nextDouble();
      csv.append(2 * Math.cos(a) + 0.2 * random.nextGaussian()).append(',').append(2 * Math.sin(a) + 0.2 * random.nextGaussian()).append('\n');
    }
    Files.writeString(dir.resolve("ring.csv"), csv);
    Run r = run("train", "--model", "tanh", "--data", "csv:" + dir.resolve("ring.csv"), "--negative", "pcd:5", "--sampler", "mala",
        "--optimizer", "adam", "--lr", "0.02", "--epochs", "5", "--batch", "40", "--plots", dir.resolve("plots").toString(),
        "--out", dir.resolve("run").toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("density.png"), r.out());
    assertTrue(r.out().contains("exact log-likelihoods need discrete visibles"), r.out());
    assertColourful(dir.resolve("plots").resolve("density.png"), 20);
    Run s = run("sample", "--checkpoint", dir.resolve("run").toString(), "--count", "50", "--steps", "50", "--png", dir.resolve("s.png").toString());
    assertEquals(0, s.exit(), s.err());
    assertColourful(dir.resolve("s.png"), 20);
  }

  /** At least {@code colours} distinct colours on a 2-pixel lattice: not blank, not one flat fill. */
  static void assertColourful(Path png, int colours) throws Exception {
    java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
    assertTrue(image.getWidth() >= 24 && image.getHeight() >= 24, png.toString());
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        seen.add(image.getRGB(x, y));
      }
    }
    assertTrue(seen.size() >= colours, png + " looks blank: " + seen.size() + " colours");
  }

  @Test
  void negativePhaseWithoutKMeansOneSweep() {
    Run r = run("train", "--model", "rbm", "--negative", "pcd", "--epochs", "1");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("one block-gibbs sweep of one chain"), r.out());
  }

  @Test
  void unknownSamplerIsRefusedWithTheKnownOnes() {
    Run r = run("train", "--model", "rbm", "--negative", "pcd:1", "--sampler", "nope");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("unknown sampler 'nope'; known samplers: "), r.err());
    assertTrue(r.err().contains("block-gibbs") && r.err().contains("random-scan-gibbs"), r.err());
  }

  @Test
  void usersOwnModelClassTrainsFromTheClassPath(@TempDir Path dir) throws Exception {
    StringBuilder csv = new StringBuilder();
    java.util.Random random = new java.util.Random(1);
    for (int i = 0; i < 200; i++) {
      csv.append(1 + random.nextGaussian()).append(',').append(-1 + 0.5 * random.nextGaussian()).append('\n');
    }
    Path data = dir.resolve("data.csv");
    Files.writeString(data, csv);
    Run r = run("train", "--model", "org.ebm4j.examples.train.DiagonalGaussian", "--data", "csv:" + data,
        "--negative", "pcd:1", "--sampler", "mala", "--sampler-options", "step=0.05", "--optimizer", "adam", "--lr", "0.05",
        "--epochs", "3", "--batch", "20", "--out", dir.resolve("run").toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(Files.exists(dir.resolve("run").resolve(Checkpoint.FILE)));
    Run s = run("sample", "--checkpoint", dir.resolve("run").toString(), "--sampler", "hmc", "--count", "2", "--steps", "5");
    assertEquals(0, s.exit(), s.err());
    assertEquals(2, s.out().lines().count());
  }

  @Test
  void aResumeAfterAKillBetweenMetricsAndCheckpointListsEachEpochOnce(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    assertEquals(0, run("train", "--model", "rbm", "--dims", "hidden=4", "--epochs", "2", "--quiet", "--out", out.toString()).exit());
    // As if killed after writing epoch 3's metrics line, before its checkpoint.
    Files.writeString(out.resolve("metrics.jsonl"), "{\"epoch\":3,\"seconds\":0.1}\n", java.nio.file.StandardOpenOption.APPEND);
    assertEquals(0, run("train", "--resume", out.toString(), "--epochs", "4", "--quiet").exit());
    List<Integer> epochs = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
      epochs.add(Integer.parseInt(line.substring(line.indexOf("\"epoch\":") + 8, line.indexOf(','))));
    }
    assertEquals(List.of(1, 2, 3, 4), epochs);
  }

  @Test
  void aDivergingRunStopsNamingTheEpochAndKeepsOnlyGoodCheckpoints(@TempDir Path dir) throws Exception {
    // The run: it used to exit 0 at -2 235 147 nats, overwriting the checkpoint every epoch.
    Path first = dir.resolve("first");
    Run wrecked = run("train", "--model", "rbm", "--data", "bars-and-stripes:3", "--dims", "hidden=12", "--lr", "1e6", "--epochs", "30", "--batch", "14",
        "--quiet", "--out", first.toString());
    assertEquals(1, wrecked.exit());
    assertTrue(wrecked.err().contains("training diverged in epoch 1: the log-likelihood collapsed")
        && wrecked.err().contains("No checkpoint was written"), wrecked.err());
    assertFalse(Files.exists(first.resolve(org.ebm4j.train.Checkpoint.FILE)));

    // Diverging in epoch 2: the directory keeps epoch 1's checkpoint, named in the message, and best/.
    Path later = dir.resolve("later");
    Run run = run("train", "--model", "rbm", "--data", "bars-and-stripes:3", "--dims", "hidden=12", "--lr", "20", "--epochs", "30", "--batch", "14",
        "--quiet", "--keep-best", "--out", later.toString());
    assertEquals(1, run.exit());
    assertTrue(run.err().contains("training diverged in epoch 2") && run.err().contains("is of epoch 1, the last good one")
        && run.err().contains("the best (epoch 1) is in"), run.err());
    org.ebm4j.train.Checkpoint kept = org.ebm4j.train.Checkpoint.read(later);
    assertEquals("1", kept.get("epoch"));
    assertEquals("1", org.ebm4j.train.Checkpoint.read(later.resolve("best")).get("epoch"));
    assertEquals(1, Files.readAllLines(later.resolve("metrics.jsonl")).size());
  }

  @Test
  void keepBestKeepsTheEpochWithTheHighestLikelihood(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    assertEquals(0, run("train", "--model", "rbm", "--dims", "hidden=6", "--lr", "0.5", "--batch", "2", "--negative", "pcd:1", "--epochs", "12", "--quiet",
        "--keep-best", "--out", out.toString()).exit());
    int best = -1;
    double top = Double.NEGATIVE_INFINITY;
    for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
      double ll = Double.parseDouble(line.replaceAll(".*\"logLikelihood\":([^,}]*).*", "$1"));
      if (ll > top) {
        top = ll;
        best = Integer.parseInt(line.replaceAll(".*\"epoch\":(\\d+).*", "$1"));
      }
    }
    assertEquals(String.valueOf(best), org.ebm4j.train.Checkpoint.read(out.resolve("best")).get("epoch"));
    assertEquals("12", org.ebm4j.train.Checkpoint.read(out).get("epoch"));
    assertEquals(1, run("train", "--model", "rbm", "--keep-best", "--epochs", "1").exit());
  }

  @Test
  void evaluateReportsAMeanFieldBoundWhereLogPTildeCannotBeEnumerated(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("dbm");
    assertEquals(0, run("train", "--model", "dbm", "--dims", "h1=40,h2=40", "--negative", "pcd:1", "--epochs", "1", "--quiet", "--out", out.toString()).exit());
    Run eval = run("evaluate", "--checkpoint", out.toString(), "--logz", "ais", "--temperatures", "200", "--runs", "10");
    assertEquals(0, eval.exit(), eval.err());
    assertTrue(eval.out().contains("reporting the mean-field lower bound instead") && eval.out().contains("at least"), eval.out());
    String json = eval.out().lines().reduce((a, b) -> b).orElseThrow();
    assertTrue(json.contains("\"logLikelihood\":null") && json.matches(".*\"logLikelihoodLowerBound\":-[0-9.]+.*") && json.contains("\"bound\":\"mean-field\""), json);
    // A small DBM gets the exact log-likelihood, no bound.
    Path small = dir.resolve("small");
    assertEquals(0, run("train", "--model", "dbm", "--dims", "h1=4,h2=3", "--epochs", "1", "--quiet", "--out", small.toString()).exit());
    String exact = run("evaluate", "--checkpoint", small.toString(), "--quiet").out().trim();
    assertTrue(exact.matches(".*\"logLikelihood\":-[0-9.]+.*") && !exact.contains("Bound"), exact);
  }

  @Test
  void badInputsGiveMessagesAndExitCodes(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("bad.csv");
    Files.writeString(data, "0,1,0,1\n1,1,x,0\n");
    Run r = run("train", "--model", "rbm", "--data", "csv:" + data);
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("line 2, column 3: 'x' is not a number"), r.err());
    Files.writeString(data, "0,1,0,1\n1,1,0.5,0\n");
    r = run("train", "--model", "rbm", "--data", "csv:" + data);
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("line 2, column 3: value 0.5 is not 0 or 1"), r.err());
    r = run("train", "--model", "no.such.Model");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("unknown model 'no.such.Model'"), r.err());
    r = run("sample", "--checkpoint", dir.resolve("nothing").toString());
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("holds no checkpoint"), r.err());
    r = run("train", "--model", "rbm", "--negative", "pcd:x");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("K must be a whole number"), r.err());
    r = run("train", "--bogus");
    assertEquals(2, r.exit());
  }
}
