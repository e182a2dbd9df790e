package org.ebm4j.examples.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Writes NumPy's .npy format (version 1.0): float64, little-endian, C order. */
final class Npy {
  private Npy() {}

  static void write(Path file, double[] values, int offset, List<Integer> shape) throws IOException {
    int count = shape.stream().reduce(1, (a, b) -> a * b);
    String dims = shape.isEmpty() ? "()" : shape.size() == 1 ? "(" + shape.get(0) + ",)" : "(" + shape.stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")";
    String header = "{'descr': '<f8', 'fortran_order': False, 'shape': " + dims + ", }";
    // Magic (6) + version (2) + length (2) + header + newline, padded to a multiple of 64.
    int total = 10 + header.length() + 1;
    int pad = (64 - total % 64) % 64;
    header = header + " ".repeat(pad) + "\n";
    ByteBuffer data = ByteBuffer.allocate(count * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (int k = 0; k < count; k++) {
      data.putDouble(values[offset + k]);
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
      out.write(header.length() & 0xff);
      out.write((header.length() >> 8) & 0xff);
      out.write(header.getBytes(StandardCharsets.US_ASCII));
      out.write(data.array());
    }
  }
}
