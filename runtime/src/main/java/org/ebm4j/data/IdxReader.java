package org.ebm4j.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files as MNIST ships them (gzipped or not): unsigned bytes with a big-endian header
 * (two zero bytes, type 0x08, the number of dimensions, then each dimension).
 */
public final class IdxReader {
  private IdxReader() {}

  /** An IDX array of unsigned bytes: its dimensions and values 0..255, row-major. */
  public record IdxArray(int[] dims, int[] values) {
    /** The product of all dimensions but the first: values per item. */
    public int itemSize() {
      int n = 1;
      for (int k = 1; k < dims.length; k++) {
        n *= dims[k];
      }
      return n;
    }
  }

  /**
   * Reads {@code file}, or {@code file + ".gz"} when only that exists.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static IdxArray read(Path file) {
    Path actual = file;
    if (!Files.exists(actual) && Files.exists(Path.of(file + ".gz"))) {
      actual = Path.of(file + ".gz");
    }
    if (!Files.exists(actual)) {
      throw new IllegalArgumentException("no IDX file " + file + " (nor " + file.getFileName() + ".gz)");
    }
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(actual), 1 << 16)) {
      raw.mark(2);
      int b0 = raw.read();
      int b1 = raw.read();
      raw.reset();
      InputStream in = b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
      DataInputStream data = new DataInputStream(in);
      int magic = data.readInt();
      if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xff) != 0x08) {
        throw new IllegalArgumentException(actual + " is not an IDX file of unsigned bytes (magic 0x" + Integer.toHexString(magic) + ")");
      }
      int rank = magic & 0xff;
      if (rank == 0) {
        throw new IllegalArgumentException(actual + " declares no dimensions (magic 0x" + Integer.toHexString(magic) + ")");
      }
      int[] dims = new int[rank];
      long count = 1;
      for (int k = 0; k < rank; k++) {
        dims[k] = data.readInt();
        if (dims[k] < 0) {
          throw new IllegalArgumentException(actual + ": dimension " + (k + 1) + " of its header is negative (" + dims[k] + ")");
        }
        count *= dims[k];
        if (count > Integer.MAX_VALUE - 8) {
          throw new IllegalArgumentException(actual + ": its header declares more than 2^31 values");
        }
      }
      byte[] bytes = new byte[(int) count];
      data.readFully(bytes);
      // Read to the end: a gzipped file's CRC and length are checked only at its trailer, and bytes
      // after the declared values mean the header does not describe the file.
      if (data.read() != -1) {
        throw new IllegalArgumentException(actual + " holds more bytes than its header declares (" + count + " values)");
      }
      int[] values = new int[bytes.length];
      for (int k = 0; k < bytes.length; k++) {
        values[k] = bytes[k] & 0xff;
      }
      return new IdxArray(dims, values);
    } catch (java.io.EOFException e) {
      throw new IllegalArgumentException(actual + " ends early: the file is truncated");
    } catch (java.util.zip.ZipException e) {
      throw new IllegalArgumentException(actual + " is a corrupt gzip file (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + actual + ": " + e.getMessage());
    }
  }
}
