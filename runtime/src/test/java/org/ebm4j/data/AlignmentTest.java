package org.ebm4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlignmentTest {
  @TempDir
  Path dir;

  private Path write(String text) throws IOException {
    Path file = dir.resolve("a.fasta");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void sequencesSpanLinesAndMapToStates() throws IOException {
    Alignment a = Alignment.readFasta(write(">one desc\nAC-\nd\n\n>two\nac.X\n"), Alignment.PROTEIN);
    assertEquals(2, a.size());
    assertEquals(4, a.columns());
    assertEquals("one desc", a.headers().get(0));
    // A=1, C=2, -=0, D=3; lowercase as uppercase, '.' and X as the gap.
    assertArrayEquals(new int[] {1, 2, 0, 3}, new int[] {a.state(0, 0), a.state(0, 1), a.state(0, 2), a.state(0, 3)});
    assertArrayEquals(new int[] {1, 2, 0, 0}, new int[] {a.state(1, 0), a.state(1, 1), a.state(1, 2), a.state(1, 3)});
    Dataset d = a.toDataset(null);
    assertEquals(4 * 21, d.width());
    assertEquals(21, d.categories());
    assertEquals(1.0, d.values()[21 + 2]);
    assertEquals("ACGU".length() + 1, Alignment.RNA.length());
    assertEquals(">s1\nAC-D\n>s2\nAC--\n", Alignment.toFasta(d.values(), 2, 4, Alignment.PROTEIN, "s"));
  }

  @Test
  void errorsNameTheLine() throws IOException {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Alignment.readFasta(write("ACD\n>x\nACD\n"), Alignment.PROTEIN));
    assertTrue(e.getMessage().contains("line 1: sequence text before the first '>'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Alignment.readFasta(write(">x\nACD\n>y\nAC\n"), Alignment.PROTEIN));
    assertTrue(e.getMessage().contains("line 3: sequence 'y' has 2 columns, but the first sequence has 3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Alignment.readFasta(write(">x\nACD\n>y\nA1D\n"), Alignment.PROTEIN));
    assertTrue(e.getMessage().contains("line 4, column 2: symbol '1' is not in the alphabet"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Alignment.readFasta(write(">x\nACGT\n"), Alignment.RNA));
    assertTrue(e.getMessage().contains("line 2, column 4: symbol 'T'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Alignment.readFasta(write("\n"), Alignment.PROTEIN));
    assertTrue(e.getMessage().contains("no sequences"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Alignment.readFasta(dir.resolve("missing.fasta"), Alignment.PROTEIN));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> DataSpec.load("fasta:" + write(">x\nAC\n") + ":identity=abc"));
    assertTrue(e.getMessage().contains("identity=X needs a number"), e.getMessage());
  }

  @Test
  void nearCopiesShareOneWeight() throws IOException {
    // Five columns: the first three sequences differ in at most one column from each other (80 %
    // identity), the fourth in more from all of them.
    Alignment a = Alignment.readFasta(write(">a\nACDEF\n>b\nACDEG\n>c\nACDEH\n>d\nWWWEF\n"), Alignment.PROTEIN);
    double[] w = a.weights(0.8);
    assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0, 1}, w, 1e-15);
    assertArrayEquals(new double[] {1, 1, 1, 1}, a.weights(1.0), 0);
    Dataset d = DataSpec.load("fasta:" + a.name().substring("fasta:".length()) + ":identity=0.8");
    assertArrayEquals(w, d.weights(), 0);
    assertEquals(2.0, d.totalWeight(), 1e-15);
    // Weighted column means: column 0 is A for a, b, c (weight 1 together) and W for d.
    double[] mean = d.columnMeans();
    assertEquals(0.5, mean[Alignment.PROTEIN.indexOf('A')], 1e-15);
    assertEquals(0.5, mean[Alignment.PROTEIN.indexOf('W')], 1e-15);
    // A pseudo-count of 0.5 adds uniform rows weighing as much as the sequences: column 0's A
    // frequency is halved, and every state gets about (1/2)(1/21) on top.
    Dataset counted = DataSpec.load("fasta:" + a.name().substring("fasta:".length()) + ":identity=0.8:pseudocount=0.5");
    assertEquals(8, counted.size());
    assertEquals(4.0, counted.totalWeight(), 1e-12);
    double[] mixed = counted.columnMeans();
    int draws = 0;
    for (int r = 4; r < 8; r++) {
      draws += (int) counted.values()[r * counted.width() + Alignment.PROTEIN.indexOf('A')];
    }
    assertEquals(0.25 + 0.5 * draws / 4.0, mixed[Alignment.PROTEIN.indexOf('A')], 1e-12);
    // What is reported describes the sequences alone.
    Dataset observed = counted.observations();
    assertEquals(4, observed.size());
    assertArrayEquals(d.values(), observed.values(), 0);
    assertArrayEquals(w, observed.weights(), 0);
    assertEquals(d, d.observations());
    assertThrows(IllegalArgumentException.class, () -> a.toDataset(null, 1.0, 1));
    Dataset rna = DataSpec.load("fasta:" + write(">x\nACGU-\n") + ":alphabet=rna:identity=1");
    assertEquals(5, rna.categories());
    assertEquals(25, rna.width());
  }
}
