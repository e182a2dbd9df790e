package org.ebm4j.train;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything needed to continue a run bit for bit: settings as text properties, and numeric state
 * (parameters, optimizer moments, persistent chains, the generator's state) as arrays. Stored as
 * one file, {@code checkpoint.ebm4j}, written to a temporary name and renamed over the old one, so
 * a crash mid-write leaves the previous checkpoint intact; {@code checkpoint.txt} repeats the
 * properties for people.
 */
public final class Checkpoint implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  /** The file a checkpoint directory holds. */
  public static final String FILE = "checkpoint.ebm4j";
  /** Version 2 ends with a CRC-32 of everything before it; version 1 (no checksum) still reads. */
  private static final String MAGIC = "ebm4j-checkpoint-2";
  private static final String MAGIC_V1 = "ebm4j-checkpoint-1";

  private final Map<String, String> properties = new LinkedHashMap<>();
  private final Map<String, double[]> arrays = new LinkedHashMap<>();
  private final Map<String, long[]> longs = new LinkedHashMap<>();

  /** Sets the text property {@code key} to {@code String.valueOf(value)}; returns this checkpoint. */
  public Checkpoint put(String key, Object value) {
    properties.put(key, String.valueOf(value));
    return this;
  }

  /** Stores a copy of {@code values} under {@code key}; returns this checkpoint. */
  public Checkpoint putArray(String key, double[] values) {
    arrays.put(key, values.clone());
    return this;
  }

  /** Stores a copy of {@code values} (e.g. a generator state) under {@code key}; returns this checkpoint. */
  public Checkpoint putLongs(String key, long[] values) {
    longs.put(key, values.clone());
    return this;
  }

  /** A property, or throws naming the missing key. */
  public String get(String key) {
    String v = properties.get(key);
    if (v == null) {
      throw new IllegalArgumentException("checkpoint has no '" + key + "'");
    }
    return v;
  }

  /** A property, or {@code fallback} when the checkpoint has none (one written by an older version). */
  public String get(String key, String fallback) {
    return properties.getOrDefault(key, fallback);
  }

  /** A copy of the numeric array {@code key}, or throws naming the missing key. */
  public double[] array(String key) {
    double[] v = arrays.get(key);
    if (v == null) {
      throw new IllegalArgumentException("checkpoint has no array '" + key + "'");
    }
    return v.clone();
  }

  /** Whether the checkpoint holds the numeric array {@code key}. */
  public boolean hasArray(String key) {
    return arrays.containsKey(key);
  }

  /** A copy of the integer array {@code key} (generator states), or throws naming the missing key. */
  public long[] longs(String key) {
    long[] v = longs.get(key);
    if (v == null) {
      throw new IllegalArgumentException("checkpoint has no '" + key + "'");
    }
    return v.clone();
  }

  /** All text properties, read-only, in the order they were put. */
  public Map<String, String> properties() {
    return java.util.Collections.unmodifiableMap(properties);
  }

  /** Writes into {@code dir} (created if needed), atomically replacing an earlier checkpoint. */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path tmp = dir.resolve(FILE + ".tmp");
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    try (OutputStream file = Files.newOutputStream(tmp);
        BufferedOutputStream buffered = new BufferedOutputStream(file);
        DataOutputStream out = new DataOutputStream(new java.util.zip.CheckedOutputStream(buffered, crc))) {
      out.writeUTF(MAGIC);
      out.writeInt(properties.size());
      for (Map.Entry<String, String> e : properties.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
      out.writeInt(arrays.size());
      for (Map.Entry<String, double[]> e : arrays.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue().length);
        for (double d : e.getValue()) {
          out.writeDouble(d);
        }
      }
      out.writeInt(longs.size());
      for (Map.Entry<String, long[]> e : longs.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue().length);
        for (long l : e.getValue()) {
          out.writeLong(l);
        }
      }
      out.flush();
      new DataOutputStream(buffered).writeInt((int) crc.getValue());
      buffered.flush();
    }
    Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    StringBuilder text = new StringBuilder("# ebm4j checkpoint (the state itself is in " + FILE + ")\n");
    properties.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    Path txt = dir.resolve("checkpoint.txt.tmp");
    Files.writeString(txt, text, StandardCharsets.UTF_8);
    Files.move(txt, dir.resolve("checkpoint.txt"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Reads the checkpoint in {@code dir}.
   *
   * @throws IllegalArgumentException if there is none, or it is not an ebm4j checkpoint
   */
  public static Checkpoint read(Path dir) {
    Path file = dir.resolve(FILE);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(dir + " holds no checkpoint (" + FILE + " is missing); pass the --out directory of a train run");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read checkpoint " + file + ": " + e.getMessage());
    }
    Checkpoint c = new Checkpoint();
    try {
      DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
      String magic = in.readUTF();
      if (magic.equals(MAGIC)) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        int stored = java.nio.ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
        if (bytes.length < 4 || stored != (int) crc.getValue()) {
          throw damaged(file, "its checksum does not match: it was changed or cut after it was written");
        }
        in = new DataInputStream(new java.io.ByteArrayInputStream(bytes, 0, bytes.length - 4));
        in.readUTF();
      } else if (!magic.equals(MAGIC_V1)) {
        throw new IllegalArgumentException(file + " is not an ebm4j checkpoint");
      }
      int n = count(in, file, 4);
      for (int i = 0; i < n; i++) {
        c.properties.put(in.readUTF(), in.readUTF());
      }
      n = count(in, file, 4);
      for (int i = 0; i < n; i++) {
        String key = in.readUTF();
        double[] a = new double[count(in, file, 8)];
        for (int k = 0; k < a.length; k++) {
          a[k] = in.readDouble();
        }
        c.arrays.put(key, a);
      }
      n = count(in, file, 4);
      for (int i = 0; i < n; i++) {
        String key = in.readUTF();
        long[] a = new long[count(in, file, 8)];
        for (int k = 0; k < a.length; k++) {
          a[k] = in.readLong();
        }
        c.longs.put(key, a);
      }
      if (in.read() != -1) {
        throw damaged(file, "it has bytes after its last entry");
      }
    } catch (java.io.EOFException | java.io.UTFDataFormatException e) {
      throw damaged(file, "it ends early or its text is broken: the file is truncated or damaged");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read checkpoint " + file + ": " + e.getMessage());
    }
    return c;
  }

  /** A count of entries of {@code size} bytes each, checked against the bytes left. */
  private static int count(DataInputStream in, Path file, int size) throws IOException {
    int n = in.readInt();
    if (n < 0 || (long) n * size > in.available()) {
      throw damaged(file, "an entry count (" + n + ") does not fit the file");
    }
    return n;
  }

  private static IllegalArgumentException damaged(Path file, String why) {
    return new IllegalArgumentException("checkpoint " + file + " is damaged: " + why);
  }
}
