package io.driftdb.log.segment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The three files of one segment, named after its base offset as Kafka does ({@code %020d}). */
public record SegmentFiles(Path directory, long baseOffset) {
  public static final String LOG_SUFFIX = ".log";
  public static final String INDEX_SUFFIX = ".index";
  public static final String TIME_INDEX_SUFFIX = ".timeindex";
  private static final Pattern NAME =
      Pattern.compile("(\\d{20})(\\.log|\\.index|\\.timeindex)");

  public SegmentFiles {
    if (baseOffset < 0) {
      throw new IllegalArgumentException("negative base offset " + baseOffset);
    }
  }

  public static String baseName(long baseOffset) {
    return String.format("%020d", baseOffset);
  }

  public Path log() {
    return directory.resolve(baseName(baseOffset) + LOG_SUFFIX);
  }

  public Path index() {
    return directory.resolve(baseName(baseOffset) + INDEX_SUFFIX);
  }

  public Path timeIndex() {
    return directory.resolve(baseName(baseOffset) + TIME_INDEX_SUFFIX);
  }

  /** Base offset encoded in a segment file name, if the name is one of ours. */
  public static OptionalLong parseBaseOffset(Path file, String suffix) {
    Matcher m = NAME.matcher(file.getFileName().toString());
    if (!m.matches() || !m.group(2).equals(suffix)) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(m.group(1)));
    } catch (NumberFormatException e) {
      return OptionalLong.empty(); // 20 digits can exceed Long.MAX_VALUE
    }
  }

  /** Segments of {@code dir} (those with a {@code .log} file), by base offset. */
  public static List<SegmentFiles> list(Path dir) throws IOException {
    List<SegmentFiles> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(f -> parseBaseOffset(f, LOG_SUFFIX).ifPresent(b -> out.add(new SegmentFiles(dir, b))));
    }
    out.sort(Comparator.comparingLong(SegmentFiles::baseOffset));
    return out;
  }

  /**
   * Index files whose {@code .log} is missing. DriftDB never leaves these behind (it creates
   * the log before its indexes and deletes it after them), so they point at lost data.
   */
  public static List<Path> orphanIndexes(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(f -> {
        OptionalLong b = parseBaseOffset(f, INDEX_SUFFIX);
        if (b.isEmpty()) {
          b = parseBaseOffset(f, TIME_INDEX_SUFFIX);
        }
        if (b.isPresent() && !Files.exists(new SegmentFiles(dir, b.getAsLong()).log())) {
          out.add(f);
        }
      });
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }
}
