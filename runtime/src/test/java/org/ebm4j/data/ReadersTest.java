package org.ebm4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadersTest {
  @TempDir
  Path dir;

  @Test
  void csvRowsBecomeExamplesAndBadValuesNameTheirPlace() throws IOException {
    Path file = dir.resolve("d.csv");
    Files.writeString(file, "0,1,1\n\n1, 0 ,0.5\n");
    Dataset d = CsvReader.read(file);
    assertEquals(2, d.size());
    assertEquals(3, d.width());
    double[] row = new double[3];
    d.row(1, row);
    assertArrayEquals(new double[] {1, 0, 0.5}, row);

    Files.writeString(file, "0,1\n1,x\n");
    assertEquals(file + ", line 2, column 2: 'x' is not a number", assertThrows(IllegalArgumentException.class, () -> CsvReader.read(file)).getMessage());
    Files.writeString(file, "0,1\n1\n");
    assertEquals(file + ", line 2: 1 values, but earlier lines have 2", assertThrows(IllegalArgumentException.class, () -> CsvReader.read(file)).getMessage());
    Files.writeString(file, "0,NaN\n");
    assertEquals(file + ", line 1, column 2: 'NaN' is not finite", assertThrows(IllegalArgumentException.class, () -> CsvReader.read(file)).getMessage());
    Files.writeString(file, "\n");
    assertEquals(file + " holds no examples", assertThrows(IllegalArgumentException.class, () -> CsvReader.read(file)).getMessage());
  }

  @Test
  void valuesOutsideTheDomainNameTheirFileLineBlankLinesCounted() throws IOException {
    Path file = dir.resolve("v.csv");
    Files.writeString(file, "0,1\n\n1,1\n\n\n0,0.5\n");
    Dataset d = CsvReader.read(file);
    org.ebm4j.model.Variables binary = new org.ebm4j.model.Variables(java.util.List.of(
        new org.ebm4j.model.Variables.Variable("v", true, org.ebm4j.model.Domain.BINARY, 0, 2, java.util.List.of("n"))));
    assertEquals("data csv:" + file + ", line 6, column 2: value 0.5 is not 0 or 1 (the unit is @Binary)",
        assertThrows(IllegalArgumentException.class, () -> d.validate(binary)).getMessage());
  }

  private static void writeIdx(OutputStream raw, int[] dims, byte[] values) throws IOException {
    try (DataOutputStream out = new DataOutputStream(raw)) {
      out.writeInt(0x0800 | dims.length);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(values);
    }
  }

  @Test
  void idxFilesAreReadPlainOrGzipped() throws IOException {
    byte[] values = {0, 1, (byte) 200, (byte) 255, 7, 9};
    writeIdx(Files.newOutputStream(dir.resolve("plain-idx3-ubyte")), new int[] {3, 2}, values);
    writeIdx(new GZIPOutputStream(Files.newOutputStream(dir.resolve("zipped-idx3-ubyte.gz"))), new int[] {3, 2}, values);
    for (String name : new String[] {"plain-idx3-ubyte", "zipped-idx3-ubyte"}) {
      IdxReader.IdxArray a = IdxReader.read(dir.resolve(name));
      assertArrayEquals(new int[] {3, 2}, a.dims());
      assertArrayEquals(new int[] {0, 1, 200, 255, 7, 9}, a.values());
    }
  }

  @Test
  void aGzippedIdxFileWithACorruptTrailerOrPayloadIsRefused() throws IOException {
    byte[] values = new byte[4000];
    for (int k = 0; k < values.length; k++) {
      values[k] = (byte) (k * 7);
    }
    Path good = dir.resolve("good-idx1-ubyte.gz");
    writeIdx(new GZIPOutputStream(Files.newOutputStream(good)), new int[] {4000}, values);
    byte[] bytes = Files.readAllBytes(good);
    // The CRC-32 is the trailer's first four bytes; a payload byte near the end is past the header.
    byte[] badCrc = bytes.clone();
    badCrc[bytes.length - 8] ^= 0x5a;
    Path crc = dir.resolve("crc-idx1-ubyte.gz");
    Files.write(crc, badCrc);
    String message = assertThrows(IllegalArgumentException.class, () -> IdxReader.read(crc)).getMessage();
    assertEquals(crc + " is a corrupt gzip file (Corrupt GZIP trailer)", message);
    assertEquals(4000, IdxReader.read(good).values().length, "the intact file still reads");
  }

  @Test
  void brokenIdxFilesSayWhatIsWrong() throws IOException {
    Path truncated = dir.resolve("short");
    writeIdx(Files.newOutputStream(truncated), new int[] {4, 4}, new byte[5]);
    assertEquals(truncated + " ends early: the file is truncated", assertThrows(IllegalArgumentException.class, () -> IdxReader.read(truncated)).getMessage());
    Path wrong = dir.resolve("wrong");
    Files.write(wrong, new byte[] {0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0});
    assertEquals(wrong + " is not an IDX file of unsigned bytes (magic 0xd01)", assertThrows(IllegalArgumentException.class, () -> IdxReader.read(wrong)).getMessage());
    Path negative = dir.resolve("negative");
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(Files.newOutputStream(negative))) {
      out.writeInt(0x0802);
      out.writeInt(3);
      out.writeInt(-5);
    }
    assertEquals(negative + ": dimension 2 of its header is negative (-5)", assertThrows(IllegalArgumentException.class, () -> IdxReader.read(negative)).getMessage());
    Path longer = dir.resolve("longer");
    writeIdx(Files.newOutputStream(longer), new int[] {2}, new byte[3]);
    assertEquals(longer + " holds more bytes than its header declares (2 values)", assertThrows(IllegalArgumentException.class, () -> IdxReader.read(longer)).getMessage());
    Path missing = dir.resolve("missing");
    assertEquals("no IDX file " + missing + " (nor missing.gz)", assertThrows(IllegalArgumentException.class, () -> IdxReader.read(missing)).getMessage());
  }
}
