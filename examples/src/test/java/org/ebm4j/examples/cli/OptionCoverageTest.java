package org.ebm4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every option of every command, run: one case that uses it and, where a value can be wrong, one
 * that gets it wrong and must fail with the given exit code and a message naming the problem. A
 * meta-test walks picocli's model of the command line, so an option added without a case here (or
 * without help text) fails the build.
 */
class OptionCoverageTest {
  @TempDir static Path dir;
  static Path run;
  /** A run trained by noise-contrastive estimation. */
  static Path nce;
  /** A run trained by pseudo-likelihood. */
  static Path pseudo;
  /** A DBM too wide for an exact log p~(v): evaluate reports a bound. */
  static Path wideDbm;
  static Path csv;
  /** A Potts model trained by pseudo-likelihood on a small alignment. */
  static Path potts;

  /** One invocation: what it must exit with and what must appear in its output or errors. */
  record Case(List<String> args, int exit, String expected) {}

  static Case ok(String expected, String... args) {
    return new Case(List.of(args), 0, expected);
  }

  static Case fails(String expected, String... args) {
    return new Case(List.of(args), 1, expected);
  }

  static Case usage(String expected, String... args) {
    return new Case(List.of(args), 2, expected);
  }

  @BeforeAll
  static void trainOnce() throws Exception {
    run = dir.resolve("run");
    CommandLineTest.Run r = CommandLineTest.run("train", "--model", "rbm", "--dims", "hidden=4", "--epochs", "2", "--quiet",
        "--out", run.toString());
    assertEquals(0, r.exit(), r.err());
    pseudo = dir.resolve("pseudo");
    r = CommandLineTest.run("train", "--model", "fvbm", "--objective", "pseudo-likelihood", "--epochs", "2", "--quiet", "--out", pseudo.toString());
    assertEquals(0, r.exit(), r.err());
    nce = dir.resolve("nce");
    r = CommandLineTest.run("train", "--model", "rbm", "--objective", "nce:ratio=4", "--epochs", "2", "--quiet", "--out", nce.toString());
    assertEquals(0, r.exit(), r.err());
    wideDbm = dir.resolve("wide-dbm");
    r = CommandLineTest.run("train", "--model", "dbm", "--dims", "h1=40,h2=40", "--negative", "pcd:1", "--epochs", "1", "--quiet",
        "--out", wideDbm.toString());
    assertEquals(0, r.exit(), r.err());
    csv = dir.resolve("data.csv");
    Files.writeString(csv, "0,1,0,1\n1,1,0,0\n0,0,1,1\n1,0,1,0\n");
    Files.writeString(dir.resolve("a-file"), "not a directory");
    Files.writeString(dir.resolve("data9.csv"), "0,1,0,1,0,1,0,1,0\n1,1,1,0,0,0,1,1,1\n");
    Path fasta = dir.resolve("family.fasta");
    Files.writeString(fasta, ">a\nACDE-F\n>b\nACDEGF\n>c\nWCDKGF\n>d\nAC-KGY\n");
    potts = dir.resolve("potts");
    r = CommandLineTest.run("train", "--model", "potts", "--data", "fasta:" + fasta, "--objective", "pseudo-likelihood", "--epochs", "2", "--quiet",
        "--out", potts.toString());
    assertEquals(0, r.exit(), r.err());
  }

  /** Cases per "command --option"; "command" alone covers the command without options. */
  static Map<String, List<Case>> cases() {
    String r = run.toString();
    String file = dir.resolve("a-file").toString();
    Path csv9 = dir.resolve("data9.csv");
    Map<String, List<Case>> m = new LinkedHashMap<>();
    // train
    m.put("train --model", List.of(ok("RbmModel", "train", "--model", "rbm", "--epochs", "1"),
        fails("unknown model 'nope'", "train", "--model", "nope", "--epochs", "1"),
        fails("name a model with --model", "train", "--epochs", "1")));
    m.put("train --dims", List.of(ok("3 latent units", "train", "--model", "rbm", "--dims", "hidden=3", "--epochs", "1"),
        fails("unknown dimension 'hiden'", "train", "--model", "rbm", "--dims", "hiden=3", "--epochs", "1"),
        fails("hidden=0: sizes must be positive", "train", "--model", "rbm", "--dims", "hidden=0", "--epochs", "1"),
        usage("'x' is not an int", "train", "--model", "rbm", "--dims", "hidden=x")));
    m.put("train --data", List.of(ok("4 examples", "train", "--model", "rbm", "--data", "csv:" + csv, "--epochs", "1"),
        ok("data ring: 300 examples", "train", "--model", "gb-rbm", "--data", "ring:300", "--epochs", "1"),
        fails("ring:N needs an integer N", "train", "--model", "gb-rbm", "--data", "ring:x", "--epochs", "1"),
        fails("unknown data 'zzz'", "train", "--model", "rbm", "--data", "zzz", "--epochs", "1"),
        fails("no-such.csv", "train", "--model", "rbm", "--data", "csv:" + dir.resolve("no-such.csv"), "--epochs", "1")));
    m.put("train --objective", List.of(ok("pseudo-likelihood over every visible site", "train", "--model", "fvbm", "--objective", "pseudo-likelihood", "--epochs", "2"),
        ok("pseudo-likelihood over 3 random visible sites per example", "train", "--model", "rbm", "--objective", "pseudo-likelihood:sites=3", "--epochs", "1"),
        ok("ratio-matching over every visible site", "train", "--model", "fvbm", "--objective", "ratio-matching", "--epochs", "2"),
        ok("noise-contrastive estimation, 3 noise samples per example", "train", "--model", "rbm", "--objective", "nce:ratio=3", "--epochs", "1"),
        ok("score matching (exact Laplacian", "train", "--model", "tanh", "--data", "ring:200", "--objective", "score-matching", "--epochs", "1"),
        ok("sliced score matching (2 Rademacher projections per example)", "train", "--model", "gb-rbm", "--data", "ring:200", "--objective", "sliced-score-matching:projections=2", "--epochs", "1"),
        ok("denoising score matching (sigma 0.05000)", "train", "--model", "tanh", "--data", "ring:200", "--objective", "denoising-score-matching:sigma=0.05", "--lr", "0.001", "--epochs", "1"),
        fails("score matching is for real-valued visible units", "train", "--model", "rbm", "--objective", "score-matching", "--epochs", "1"),
        fails("not a score-matching spec", "train", "--model", "tanh", "--data", "ring", "--objective", "sliced-score-matching:projections=x", "--epochs", "1"),
        fails("unknown --objective 'score'", "train", "--model", "rbm", "--objective", "score", "--epochs", "1"),
        fails("not an NCE spec", "train", "--model", "rbm", "--objective", "nce:ratio=x", "--epochs", "1"),
        fails("not a pseudo-likelihood spec", "train", "--model", "rbm", "--objective", "pseudo-likelihood:sites=x", "--epochs", "1"),
        fails("--negative applies to maximum likelihood", "train", "--model", "rbm", "--objective", "pseudo-likelihood", "--negative", "cd:1", "--epochs", "1"),
        fails("is real-valued", "train", "--model", "gb-rbm", "--objective", "pseudo-likelihood", "--data", "csv:" + csv, "--epochs", "1")));
    m.put("train --negative", List.of(ok("cd:2", "train", "--model", "rbm", "--negative", "cd:2", "--epochs", "1"),
        fails("unknown negative phase 'pcx:1'", "train", "--model", "rbm", "--negative", "pcx:1", "--epochs", "1"),
        fails("K must be positive", "train", "--model", "rbm", "--negative", "pcd:0", "--epochs", "1"),
        // auto: exact for a small binary model, PCD-1 where real visibles leave no exact gradient.
        ok("negative phase exact", "train", "--model", "rbm", "--epochs", "1"),
        ok("negative phase pcd:1", "train", "--model", "gb-rbm", "--epochs", "1")));
    m.put("train --sampler", List.of(ok("with metropolis", "train", "--model", "rbm", "--negative", "pcd:1", "--sampler", "metropolis", "--epochs", "1"),
        fails("unknown sampler 'nope'", "train", "--model", "rbm", "--negative", "pcd:1", "--sampler", "nope", "--epochs", "1")));
    m.put("train --sampler-options", List.of(
        ok("parallel tempering over block-gibbs", "train", "--model", "rbm", "--negative", "tempered:1", "--sampler-options", "replicas=3", "--epochs", "1"),
        fails("key=value", "train", "--model", "rbm", "--negative", "pcd:1", "--sampler-options", "replicas", "--epochs", "1"),
        fails("replicas=x is not an integer", "train", "--model", "rbm", "--negative", "tempered:1", "--sampler-options", "replicas=x", "--epochs", "1")));
    m.put("train --chains", List.of(ok("7 persistent chains", "train", "--model", "rbm", "--negative", "pcd:1", "--chains", "7", "--epochs", "1"),
        fails("--chains must be positive", "train", "--model", "rbm", "--negative", "pcd:1", "--chains", "0", "--epochs", "1")));
    m.put("train --optimizer", List.of(ok("adam(", "train", "--model", "rbm", "--optimizer", "adam", "--epochs", "1"),
        fails("unknown optimizer 'rmsprop'", "train", "--model", "rbm", "--optimizer", "rmsprop", "--epochs", "1")));
    m.put("train --lr", List.of(ok("lr=0.02", "train", "--model", "rbm", "--lr", "0.02", "--epochs", "1"),
        fails("lr > 0", "train", "--model", "rbm", "--lr", "-1", "--epochs", "1"),
        usage("'abc' is not a double", "train", "--model", "rbm", "--lr", "abc")));
    m.put("train --momentum", List.of(ok("momentum=0.5", "train", "--model", "rbm", "--momentum", "0.5", "--epochs", "1"),
        fails("momentum in [0, 1)", "train", "--model", "rbm", "--momentum", "1.5", "--epochs", "1")));
    m.put("train --weight-decay", List.of(ok("decay=0.001", "train", "--model", "rbm", "--weight-decay", "0.001", "--epochs", "1"),
        fails("weight decay >= 0", "train", "--model", "rbm", "--weight-decay", "-1", "--epochs", "1")));
    m.put("train --schedule", List.of(ok("epoch    2", "train", "--model", "rbm", "--schedule", "exp:0.9", "--epochs", "2"),
        ok("epoch    2", "train", "--model", "rbm", "--schedule", "inverse:5", "--epochs", "2"),
        fails("unknown schedule 'zzz'", "train", "--model", "rbm", "--schedule", "zzz", "--epochs", "1"),
        fails("schedule 'exp:x' has no valid number", "train", "--model", "rbm", "--schedule", "exp:x", "--epochs", "1")));
    m.put("train --centering", List.of(ok("epoch    1", "train", "--model", "rbm", "--centering", "0.01", "--epochs", "1"),
        fails("centering rate must be in [0, 1]", "train", "--model", "rbm", "--centering", "2", "--epochs", "1")));
    m.put("train --precision", List.of(ok("precision: float32 products (sgemm)", "train", "--model", "rbm", "--precision", "float32", "--epochs", "1"),
        ok("epoch    1", "train", "--model", "rbm", "--precision", "float64", "--epochs", "1"),
        fails("unknown precision 'half'", "train", "--model", "rbm", "--precision", "half", "--epochs", "1")));
    m.put("train --batch", List.of(ok("batch 3", "train", "--model", "rbm", "--batch", "3", "--epochs", "1"),
        fails("--batch positive", "train", "--model", "rbm", "--batch", "0", "--epochs", "1")));
    m.put("train --epochs", List.of(ok("epoch    3", "train", "--model", "rbm", "--epochs", "3"),
        fails("--epochs must be >= 0", "train", "--model", "rbm", "--epochs", "-1")));
    m.put("train --seed", List.of(ok("epoch    1", "train", "--model", "rbm", "--seed", "7", "--epochs", "1"),
        usage("'x' is not a long", "train", "--model", "rbm", "--seed", "x")));
    m.put("train --resume", List.of(ok("resuming at epoch 2", "train", "--resume", r, "--epochs", "3", "--out", dir.resolve("resumed").toString()),
        fails("holds no checkpoint", "train", "--resume", dir.resolve("nothing").toString(), "--epochs", "3"),
        fails("--lr 0.5 differs from the run being resumed (0.1); a resumed run keeps its settings: drop --lr, or start a new run with --out",
            "train", "--resume", r, "--epochs", "3", "--lr", "0.5"),
        ok("resuming at epoch 2", "train", "--resume", r, "--epochs", "3", "--lr", "0.1", "--out", dir.resolve("same").toString()),
        ok("pseudo-likelihood over every visible site; sgd", "train", "--resume", pseudo.toString(), "--epochs", "3", "--out", dir.resolve("pseudo-resumed").toString()),
        ok("noise-contrastive estimation, 4 noise samples per example", "train", "--resume", nce.toString(), "--objective", "nce:ratio=4", "--epochs", "3",
            "--out", dir.resolve("nce-resumed").toString()),
        fails("--objective maximum-likelihood differs from the run being resumed (pseudo-likelihood)",
            "train", "--resume", pseudo.toString(), "--objective", "maximum-likelihood", "--epochs", "3")));
    m.put("train --plots", List.of(ok("wrote samples.png", "train", "--model", "rbm", "--epochs", "1", "--plots", dir.resolve("plots").toString()),
        fails("a-file", "train", "--model", "rbm", "--epochs", "1", "--plots", file)));
    m.put("train --positive", List.of(
        ok("positive phase mean-field (meanfield:iterations=20", "train", "--model", "dbm", "--positive", "meanfield:iterations=20,damping=0.5", "--epochs", "1"),
        ok("init=upward", "train", "--model", "dbm", "--positive", "meanfield:init=upward", "--epochs", "1"),
        fails("mean-field init 'top' is not half or upward", "train", "--model", "dbm", "--positive", "meanfield:init=top", "--epochs", "1"),
        ok("positive phase sampled (3 clamped Gibbs sweeps)", "train", "--model", "dbm", "--positive", "sampled:3", "--epochs", "1"),
        fails("unknown positive phase 'guess'", "train", "--model", "dbm", "--positive", "guess", "--epochs", "1"),
        fails("unknown mean-field setting 'steps'", "train", "--model", "dbm", "--positive", "meanfield:steps=3", "--epochs", "1"),
        fails("the exact positive phase would enumerate 2^24 latent states", "train", "--model", "dbm", "--dims", "h1=24,h2=24", "--positive", "exact",
            "--negative", "pcd:1", "--epochs", "1")));
    m.put("train --keep-best", List.of(ok("exact average", "train", "--model", "rbm", "--epochs", "2", "--keep-best", "--out", dir.resolve("best").toString()),
        fails("--keep-best needs --out DIR", "train", "--model", "rbm", "--epochs", "1", "--keep-best")));
    m.put("train --no-divergence-checks", List.of(
        fails("training diverged in epoch 1", "train", "--model", "rbm", "--lr", "1e6", "--epochs", "2"),
        ok("exact average", "train", "--model", "rbm", "--lr", "1e6", "--epochs", "2", "--no-divergence-checks")));
    m.put("train --quiet", List.of(new Case(List.of("train", "--model", "rbm", "--epochs", "1", "--quiet"), 0, "exact average log-likelihood")));
    m.put("train --out", List.of(ok("exact average", "train", "--model", "rbm", "--epochs", "1", "--out", dir.resolve("out").toString()),
        fails("a-file", "train", "--model", "rbm", "--epochs", "1", "--out", file)));
    // evaluate
    m.put("evaluate --checkpoint", List.of(ok("\"method\":\"exact\"", "evaluate", "--checkpoint", r),
        fails("holds no checkpoint", "evaluate", "--checkpoint", dir.resolve("nothing").toString()),
        usage("Missing required option: '--checkpoint", "evaluate")));
    m.put("evaluate --data", List.of(ok("csv:", "evaluate", "--checkpoint", r, "--data", "csv:" + csv9),
        fails("has 4 columns, but the model has 9 visible units", "evaluate", "--checkpoint", r, "--data", "csv:" + csv),
        fails("unknown data 'zzz'", "evaluate", "--checkpoint", r, "--data", "zzz")));
    m.put("evaluate --logz", List.of(ok("\"method\":\"ais\"", "evaluate", "--checkpoint", r, "--logz", "ais", "--temperatures", "200", "--runs", "4"),
        ok("\"method\":\"rais\"", "evaluate", "--checkpoint", r, "--logz", "rais", "--temperatures", "200", "--runs", "4"),
        fails("unknown --logz 'zzz'", "evaluate", "--checkpoint", r, "--logz", "zzz")));
    m.put("evaluate --temperatures", List.of(ok("\"temperatures\":50", "evaluate", "--checkpoint", r, "--logz", "ais", "--temperatures", "50", "--runs", "3"),
        fails("--temperatures >= 3", "evaluate", "--checkpoint", r, "--logz", "ais", "--temperatures", "2")));
    m.put("evaluate --runs", List.of(ok("\"runs\":3", "evaluate", "--checkpoint", r, "--logz", "ais", "--temperatures", "50", "--runs", "3"),
        fails("--runs >= 1", "evaluate", "--checkpoint", r, "--logz", "ais", "--runs", "0")));
    m.put("evaluate --threads", List.of(ok("\"method\":\"exact\"", "evaluate", "--checkpoint", r, "--threads", "1"),
        fails("--threads must be positive", "evaluate", "--checkpoint", r, "--threads", "0")));
    m.put("evaluate --seed", List.of(ok("\"method\":\"ais\"", "evaluate", "--checkpoint", r, "--logz", "ais", "--temperatures", "50", "--runs", "3", "--seed", "5"),
        usage("'x' is not a long", "evaluate", "--checkpoint", r, "--seed", "x")));
    String w = wideDbm.toString();
    m.put("evaluate --clamped", List.of(ok("\"clampedExamples\":3", "evaluate", "--checkpoint", w, "--logz", "ais", "--temperatures", "50", "--runs", "3",
            "--clamped", "3", "--clamped-runs", "2", "--clamped-temperatures", "20"),
        ok("--clamped is not needed", "evaluate", "--checkpoint", r, "--clamped", "3"),
        fails("--clamped needs N >= 0", "evaluate", "--checkpoint", w, "--clamped", "-1")));
    m.put("evaluate --clamped-runs", List.of(ok("2 runs each", "evaluate", "--checkpoint", w, "--logz", "ais", "--temperatures", "50", "--runs", "3",
            "--clamped", "1", "--clamped-runs", "2", "--clamped-temperatures", "20"),
        fails("--clamped-runs >= 1", "evaluate", "--checkpoint", w, "--clamped", "1", "--clamped-runs", "0")));
    m.put("evaluate --clamped-temperatures", List.of(ok("20 temperatures", "evaluate", "--checkpoint", w, "--logz", "ais", "--temperatures", "50", "--runs", "3",
            "--clamped", "1", "--clamped-runs", "2", "--clamped-temperatures", "20"),
        fails("--clamped-temperatures >= 3", "evaluate", "--checkpoint", w, "--clamped", "1", "--clamped-temperatures", "2")));
    m.put("evaluate --quiet", List.of(ok("{\"logZ\":", "evaluate", "--checkpoint", r, "--quiet")));
    // sample
    m.put("sample --checkpoint", List.of(ok(",", "sample", "--checkpoint", r, "--count", "2", "--steps", "5"),
        fails("holds no checkpoint", "sample", "--checkpoint", dir.resolve("nothing").toString())));
    m.put("sample --sampler", List.of(ok(",", "sample", "--checkpoint", r, "--sampler", "gibbs", "--count", "2", "--steps", "5"),
        fails("unknown sampler 'nope'", "sample", "--checkpoint", r, "--sampler", "nope")));
    m.put("sample --sampler-options", List.of(ok(",", "sample", "--checkpoint", r, "--sampler", "tempering", "--sampler-options", "replicas=3", "--count", "2", "--steps", "5"),
        fails("key=value", "sample", "--checkpoint", r, "--sampler-options", "oops")));
    m.put("sample --steps", List.of(ok(",", "sample", "--checkpoint", r, "--steps", "1", "--count", "1"),
        fails("--steps must be >= 0", "sample", "--checkpoint", r, "--steps", "-1")));
    m.put("sample --count", List.of(ok(",", "sample", "--checkpoint", r, "--count", "3", "--steps", "2"),
        fails("--count must be positive", "sample", "--checkpoint", r, "--count", "0")));
    m.put("sample --seed", List.of(ok(",", "sample", "--checkpoint", r, "--seed", "3", "--count", "1", "--steps", "2"),
        usage("'x' is not a long", "sample", "--checkpoint", r, "--seed", "x")));
    m.put("sample --png", List.of(ok(",", "sample", "--checkpoint", r, "--count", "2", "--steps", "2", "--png", dir.resolve("s.png").toString()),
        fails("a-file", "sample", "--checkpoint", r, "--count", "2", "--steps", "2", "--png", dir.resolve("a-file").resolve("s.png").toString())));
    // export
    m.put("export --checkpoint", List.of(ok("w.npy", "export", "--checkpoint", r, "--out", dir.resolve("npy").toString()),
        ok("nce_logZ.npy [] (the log Z learned by noise-contrastive estimation)", "export", "--checkpoint", nce.toString(), "--out", dir.resolve("npy-nce").toString()),
        fails("holds no checkpoint", "export", "--checkpoint", dir.resolve("nothing").toString(), "--out", dir.resolve("npy").toString())));
    m.put("export --format", List.of(ok("w.npy", "export", "--checkpoint", r, "--format", "npy", "--out", dir.resolve("npy2").toString()),
        fails("unknown format 'mat'", "export", "--checkpoint", r, "--format", "mat", "--out", dir.resolve("npy3").toString())));
    m.put("export --out", List.of(ok("w.npy", "export", "--checkpoint", r, "--out", dir.resolve("npy4").toString()),
        fails("a-file", "export", "--checkpoint", r, "--out", file),
        usage("Missing required option: '--out", "export", "--checkpoint", r)));
    // contacts
    String pt = potts.toString();
    m.put("contacts --checkpoint", List.of(ok("wrote 15 pairs", "contacts", "--checkpoint", pt, "--out", dir.resolve("c1.csv").toString()),
        fails("holds no checkpoint", "contacts", "--checkpoint", dir.resolve("nothing").toString(), "--out", dir.resolve("c0.csv").toString()),
        fails("contact scores need a categorical visible variable", "contacts", "--checkpoint", r, "--out", dir.resolve("c2.csv").toString())));
    m.put("contacts --out", List.of(ok("wrote 15 pairs", "contacts", "--checkpoint", pt, "--out", dir.resolve("sub").resolve("c3.csv").toString()),
        fails("a-file", "contacts", "--checkpoint", pt, "--out", dir.resolve("a-file").resolve("c.csv").toString()),
        usage("Missing required option: '--out", "contacts", "--checkpoint", pt)));
    m.put("contacts --png", List.of(ok("c.png", "contacts", "--checkpoint", pt, "--out", dir.resolve("c4.csv").toString(), "--png", dir.resolve("c.png").toString())));
    m.put("contacts --keep-gap", List.of(ok("wrote 15 pairs", "contacts", "--checkpoint", pt, "--out", dir.resolve("c5.csv").toString(), "--keep-gap")));
    m.put("sample --format", List.of(ok(">sample_1", "sample", "--checkpoint", pt, "--format", "fasta", "--count", "2", "--steps", "3"),
        fails("--format must be csv or fasta", "sample", "--checkpoint", pt, "--format", "fastq"),
        fails("needs a model whose visible units are one categorical variable", "sample", "--checkpoint", r, "--format", "fasta")));
    m.put("sample --alphabet", List.of(ok(">sample_1", "sample", "--checkpoint", pt, "--format", "fasta", "--alphabet", ".ACDEFGHIKLMNPQRSTVWY", "--count", "1", "--steps", "1"),
        fails("has 4 letters but the model's units have 21 states", "sample", "--checkpoint", pt, "--format", "fasta", "--alphabet", "ACGU")));
    m.put("sample --check", List.of(ok("pair correlation: Pearson r", "sample", "--checkpoint", pt, "--check", "--count", "20", "--steps", "5"),
        fails("--check compares pair statistics of categorical units", "sample", "--checkpoint", r, "--check", "--count", "2", "--steps", "1")));
    m.put("sample --start", List.of(ok("3 chains from the run's 10 persistent chains", "sample", "--checkpoint", w, "--start", "chains", "--count", "3", "--steps", "1"),
        ok("3 chains from the run's 10 persistent chains", "sample", "--checkpoint", w, "--count", "3", "--steps", "1"),
        ok("from training examples", "sample", "--checkpoint", pt, "--start", "data", "--check", "--count", "20", "--steps", "1"),
        ok("from random states", "sample", "--checkpoint", pt, "--count", "2", "--steps", "1"),
        fails("holds no persistent chains", "sample", "--checkpoint", pt, "--start", "chains"),
        fails("--start must be auto, chains, data or random", "sample", "--checkpoint", pt, "--start", "somewhere")));
    // describe
    m.put("describe --model", List.of(ok("free energy", "describe", "--model", "rbm"), fails("unknown model 'nope'", "describe", "--model", "nope")));
    m.put("describe --dims", List.of(ok("hidden=3", "describe", "--model", "rbm", "--dims", "hidden=3"),
        fails("unknown dimension 'hiden'", "describe", "--model", "rbm", "--dims", "hiden=3")));
    // every command's --help and --version
    for (String command : List.of("train", "evaluate", "sample", "contacts", "export", "describe")) {
      m.put(command + " --help", List.of(ok("Usage: ebm4j " + command, command, "--help")));
      m.put(command + " --version", List.of(ok("ebm4j 0.1.0", command, "--version")));
    }
    m.put("ebm4j --help", List.of(ok("Commands:", "--help")));
    m.put("ebm4j --version", List.of(ok("ebm4j 0.1.0", "--version")));
    m.put("ebm4j", List.of(usage("name a command"), usage("Unmatched argument", "frobnicate")));
    m.put("help", List.of(ok("Usage: ebm4j train", "help", "train")));
    return m;
  }

  @TestFactory
  Stream<DynamicTest> everyCase() {
    List<DynamicTest> tests = new ArrayList<>();
    cases().forEach((option, list) -> {
      for (Case c : list) {
        tests.add(DynamicTest.dynamicTest(option + " " + String.join(" ", c.args()), () -> {
          CommandLineTest.Run r = CommandLineTest.run(c.args().toArray(String[]::new));
          String all = r.out() + r.err();
          assertEquals(c.exit(), r.exit(), () -> "exit code of " + c.args() + "\n" + all);
          assertTrue(all.contains(c.expected()), () -> "expected '" + c.expected() + "' from " + c.args() + "\n" + all);
          if (c.exit() == 1) {
            assertTrue(r.err().startsWith("error: "), () -> "a failure prints one 'error:' line, not a stack trace:\n" + r.err());
            assertFalse(r.err().contains("\tat "), () -> "stack trace in\n" + r.err());
          }
        }));
      }
    });
    return tests.stream();
  }

  @Test
  void everyOptionHasHelpTextAndCases() {
    Map<String, List<Case>> cases = cases();
    TreeSet<String> missing = new TreeSet<>();
    CommandLine cli = new CommandLine(new Main());
    for (CommandLine.Model.OptionSpec o : cli.getCommandSpec().options()) {
      missing.addAll(check("ebm4j", o, cases));
    }
    cli.getSubcommands().forEach((name, sub) -> {
      if (!name.equals("help")) {
        for (CommandLine.Model.OptionSpec o : sub.getCommandSpec().options()) {
          missing.addAll(check(name, o, cases));
        }
      }
    });
    assertTrue(missing.isEmpty(), "options without help text or without cases in this test: " + missing);
  }

  private static List<String> check(String command, CommandLine.Model.OptionSpec o, Map<String, List<Case>> cases) {
    String key = command + " " + o.longestName();
    List<String> out = new ArrayList<>();
    if (String.join("", o.description()).isBlank()) {
      out.add(key + " (no help text)");
    }
    if (!cases.containsKey(key)) {
      out.add(key + " (no case)");
    }
    return out;
  }
}
