package org.ebm4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  @TempDir
  Path dir;

  @Test
  void whatIsWrittenIsReadBackBitForBit() throws IOException {
    double[] params = {0.1, -0.0, Double.MIN_VALUE, 1e300, -7.25};
    long[] rng = {Long.MIN_VALUE, -1, 0, 42};
    new Checkpoint().put("epoch", 3).put("model", "org.example.Rbm").putArray("params", params).putLongs("rng", rng).write(dir);
    Checkpoint c = Checkpoint.read(dir);
    assertEquals("3", c.get("epoch"));
    assertEquals("org.example.Rbm", c.get("model"));
    assertEquals("none", c.get("missing", "none"));
    double[] back = c.array("params");
    for (int k = 0; k < params.length; k++) {
      assertEquals(Double.doubleToRawLongBits(params[k]), Double.doubleToRawLongBits(back[k]));
    }
    assertArrayEquals(rng, c.longs("rng"));
    assertFalse(Files.exists(dir.resolve(Checkpoint.FILE + ".tmp")));
    assertEquals("# ebm4j checkpoint (the state itself is in checkpoint.ebm4j)\nepoch=3\nmodel=org.example.Rbm\n", Files.readString(dir.resolve("checkpoint.txt")));
  }

  @Test
  void aNewCheckpointReplacesTheOldOne() throws IOException {
    new Checkpoint().put("epoch", 1).write(dir);
    new Checkpoint().put("epoch", 2).write(dir);
    assertEquals("2", Checkpoint.read(dir).get("epoch"));
  }

  @Test
  void missingForeignAndTruncatedCheckpointsAreExplained() throws IOException {
    Path empty = dir.resolve("empty");
    Files.createDirectories(empty);
    assertEquals(empty + " holds no checkpoint (checkpoint.ebm4j is missing); pass the --out directory of a train run",
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(empty)).getMessage());
    Path foreign = dir.resolve("foreign");
    Files.createDirectories(foreign);
    Files.write(foreign.resolve(Checkpoint.FILE), new byte[] {0, 3, 'a', 'b', 'c'});
    assertEquals(foreign.resolve(Checkpoint.FILE) + " is not an ebm4j checkpoint", assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(foreign)).getMessage());
    Path cut = dir.resolve("cut");
    new Checkpoint().putArray("params", new double[100]).write(cut);
    byte[] whole = Files.readAllBytes(cut.resolve(Checkpoint.FILE));
    Files.write(cut.resolve(Checkpoint.FILE), java.util.Arrays.copyOf(whole, whole.length / 2));
    assertEquals("checkpoint " + cut.resolve(Checkpoint.FILE) + " is damaged: its checksum does not match: it was changed or cut after it was written",
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(cut)).getMessage());
  }

  @Test
  void aChangedByteIsCaughtByTheChecksum() throws IOException {
    new Checkpoint().put("epoch", 4).putArray("params", new double[] {1, 2, 3}).putLongs("rng", new long[] {7, 8, 9, 10}).write(dir);
    Path file = dir.resolve(Checkpoint.FILE);
    byte[] bytes = Files.readAllBytes(file);
    for (int at : new int[] {bytes.length / 3, bytes.length / 2, bytes.length - 10}) {
      byte[] flipped = bytes.clone();
      flipped[at] ^= 0x10;
      Files.write(file, flipped);
      assertEquals("checkpoint " + file + " is damaged: its checksum does not match: it was changed or cut after it was written",
          assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(dir)).getMessage(), "byte " + at);
    }
  }

  @Test
  void checkpointsOfTheFirstFormatStillReadAndTheirCountsAreChecked() throws IOException {
    // Version 1 as earlier builds wrote it: no checksum.
    java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(raw)) {
      out.writeUTF("ebm4j-checkpoint-1");
      out.writeInt(1);
      out.writeUTF("epoch");
      out.writeUTF("2");
      out.writeInt(1);
      out.writeUTF("params");
      out.writeInt(2);
      out.writeDouble(0.5);
      out.writeDouble(-1.5);
      out.writeInt(0);
    }
    Files.write(dir.resolve(Checkpoint.FILE), raw.toByteArray());
    Checkpoint c = Checkpoint.read(dir);
    assertEquals("2", c.get("epoch"));
    assertArrayEquals(new double[] {0.5, -1.5}, c.array("params"));

    byte[] bytes = raw.toByteArray();
    // The params count (after magic, one property and the array count and key) made huge.
    int countAt = 2 + "ebm4j-checkpoint-1".length() + 4 + (2 + 5) + (2 + 1) + 4 + (2 + 6);
    java.nio.ByteBuffer.wrap(bytes, countAt, 4).putInt(Integer.MAX_VALUE);
    Files.write(dir.resolve(Checkpoint.FILE), bytes);
    assertEquals("checkpoint " + dir.resolve(Checkpoint.FILE) + " is damaged: an entry count (2147483647) does not fit the file",
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(dir)).getMessage());
  }
}
