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

/**
 * The three files of one segment, named after its base offset as Kafka does ({@code %020d}).
 * A {@code variant} names the temporary files of a segment merge ({@code .log.cleaned} while
 * it is written, {@code .log.swap} once it is complete, see {@code SegmentSwap}); the live
 * segment has the empty variant.
 */
public record SegmentFiles(Path directory, long baseOffset, String variant) {
  public static final String LOG_SUFFIX = ".log";
  public static final String INDEX_SUFFIX = ".index";
  public static final String TIME_INDEX_SUFFIX = ".timeindex";
  /** A merged segment being written; deleted on open. */
  public static final String CLEANED = ".cleaned";
  /** A merged segment, complete and fsynced, that replaces the segments it covers. */
  public static final String SWAP = ".swap";
  private static final Pattern NAME =
      Pattern.compile("(\\d{20})(\\.log|\\.index|\\.timeindex)");

  public SegmentFiles {
    if (baseOffset < 0) {
      throw new IllegalArgumentException("negative base offset " + baseOffset);
    }
    if (!variant.isEmpty() && !variant.equals(CLEANED) && !variant.equals(SWAP)) {
      throw new IllegalArgumentException("unknown segment file variant " + variant);
    }
  }

  /** The live files of the segment at {@code baseOffset}. */
  public SegmentFiles(Path directory, long baseOffset) {
    this(directory, baseOffset, "");
  }

  /** The same segment's files under another variant. */
  public SegmentFiles as(String otherVariant) {
    return new SegmentFiles(directory, baseOffset, otherVariant);
  }

  public static String baseName(long baseOffset) {
    return String.format("%020d", baseOffset);
  }

  public Path log() {
    return directory.resolve(baseName(baseOffset) + LOG_SUFFIX + variant);
  }

  public Path index() {
    return directory.resolve(baseName(baseOffset) + INDEX_SUFFIX + variant);
  }

  public Path timeIndex() {
    return directory.resolve(baseName(baseOffset) + TIME_INDEX_SUFFIX + variant);
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

  /** Segments of {@code dir} whose log file carries {@code variant} ({@code .log.swap} ...), by base offset. */
  public static List<SegmentFiles> listVariant(Path dir, String variant) throws IOException {
    Pattern name = Pattern.compile("(\\d{20})\\.log" + Pattern.quote(variant));
    List<SegmentFiles> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(f -> {
        Matcher m = name.matcher(f.getFileName().toString());
        if (m.matches()) {
          try {
            out.add(new SegmentFiles(dir, Long.parseLong(m.group(1)), variant));
          } catch (NumberFormatException e) {
            // 20 digits beyond Long.MAX_VALUE: not ours
          }
        }
      });
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
