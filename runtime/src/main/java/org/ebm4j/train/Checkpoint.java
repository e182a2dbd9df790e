package org.ebm4j.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
public final class Checkpoint {
  /** The file a checkpoint directory holds. */
  public static final String FILE = "checkpoint.ebm4j";
  private static final String MAGIC = "ebm4j-checkpoint-1";

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
    try (OutputStream file = Files.newOutputStream(tmp);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(file))) {
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
    Checkpoint c = new Checkpoint();
    try (InputStream in0 = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(in0))) {
      if (!MAGIC.equals(in.readUTF())) {
        throw new IllegalArgumentException(file + " is not an ebm4j checkpoint");
      }
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        c.properties.put(in.readUTF(), in.readUTF());
      }
      n = in.readInt();
      for (int i = 0; i < n; i++) {
        String key = in.readUTF();
        double[] a = new double[in.readInt()];
        for (int k = 0; k < a.length; k++) {
          a[k] = in.readDouble();
        }
        c.arrays.put(key, a);
      }
      n = in.readInt();
      for (int i = 0; i < n; i++) {
        String key = in.readUTF();
        long[] a = new long[in.readInt()];
        for (int k = 0; k < a.length; k++) {
          a[k] = in.readLong();
        }
        c.longs.put(key, a);
      }
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(dir + " holds no checkpoint (" + FILE + " is missing); pass the --out directory of a train run");
    } catch (java.io.EOFException e) {
      throw new IllegalArgumentException("checkpoint " + file + " ends early: the file is truncated");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read checkpoint " + file + ": " + e.getMessage());
    }
    return c;
  }
}
