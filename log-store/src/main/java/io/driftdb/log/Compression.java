package io.driftdb.log;

import java.util.Locale;

/** Compression of a batch's records section; the id is the codec in the batch attributes. */
public enum Compression {
  NONE(0),
  ZSTD(4);

  private final int attributeId;

  Compression(int attributeId) {
    this.attributeId = attributeId;
  }

  /** Codec id stored in the low three bits of the batch attributes. */
  public int attributeId() {
    return attributeId;
  }

  /** Parses {@code none} or {@code zstd} (case-insensitive). */
  public static Compression parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    return switch (t) {
      case "none" -> NONE;
      case "zstd" -> ZSTD;
      default -> throw new IllegalArgumentException(
          "unknown compression '" + text + "' (expected none or zstd)");
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
