package org.ebm4j.data;

import java.nio.file.Path;

/** Parses a data set specification: {@code bars-and-stripes:N} or {@code csv:FILE}. */
public final class DataSpec {
  /** The forms {@link #load} accepts, for help texts and errors. */
  public static final String FORMS = "bars-and-stripes:N (built in, N×N images), csv:FILE (one example per line)";

  private DataSpec() {}

  /**
   * Loads the data set a specification names.
   *
   * @throws IllegalArgumentException saying which forms are accepted, or what is wrong with the file
   */
  public static Dataset load(String spec) {
    int colon = spec.indexOf(':');
    String kind = colon < 0 ? spec : spec.substring(0, colon);
    String arg = colon < 0 ? "" : spec.substring(colon + 1);
    switch (kind) {
      case "bars-and-stripes":
        try {
          return BarsAndStripes.generate(arg.isEmpty() ? 4 : Integer.parseInt(arg));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("bars-and-stripes:N needs an integer N, got '" + arg + "'");
        }
      case "csv":
        if (arg.isEmpty()) {
          throw new IllegalArgumentException("csv:FILE needs a file name");
        }
        return CsvReader.read(Path.of(arg));
      default:
        throw new IllegalArgumentException("unknown data '" + spec + "'; use " + FORMS);
    }
  }
}
