package org.ebm4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a CSV file of numbers: one example per line, comma-separated, no header. */
public final class CsvReader {
  private CsvReader() {}

  /**
   * Reads every non-blank line.
   *
   * @throws IllegalArgumentException naming the file, line and column of a malformed value or a
   *     line of the wrong width
   */
  public static Dataset read(Path file) {
    double[] values = new double[1024];
    int count = 0;
    int width = -1;
    int rows = 0;
    int[] lines = new int[64];
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNumber = 0;
      while ((line = in.readLine()) != null) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        String[] parts = line.split(",", -1);
        if (width < 0) {
          width = parts.length;
        } else if (parts.length != width) {
          throw new IllegalArgumentException(file + ", line " + lineNumber + ": " + parts.length + " values, but earlier lines have " + width);
        }
        for (int c = 0; c < parts.length; c++) {
          double v;
          try {
            v = Double.parseDouble(parts[c].trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ", line " + lineNumber + ", column " + (c + 1) + ": '" + parts[c].trim() + "' is not a number");
          }
          if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(file + ", line " + lineNumber + ", column " + (c + 1) + ": '" + parts[c].trim() + "' is not finite");
          }
          if (count == values.length) {
            values = java.util.Arrays.copyOf(values, values.length * 2);
          }
          values[count++] = v;
        }
        if (rows == lines.length) {
          lines = java.util.Arrays.copyOf(lines, lines.length * 2);
        }
        lines[rows++] = lineNumber;
      }
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no such file: " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
    if (rows == 0) {
      throw new IllegalArgumentException(file + " holds no examples");
    }
    return new Dataset("csv:" + file, rows, width, java.util.Arrays.copyOf(values, count), java.util.Arrays.copyOf(lines, rows));
  }
}
