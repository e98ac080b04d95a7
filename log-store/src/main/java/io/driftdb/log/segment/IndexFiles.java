package io.driftdb.log.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads and writes index files. Indexes are derived data: they are checked against the log
 * on open and rewritten when they differ, so they are never fsynced.
 */
public final class IndexFiles {
  private IndexFiles() {}

  /** True if {@code file} exists and holds exactly {@code expected}. */
  public static boolean matches(Path file, ByteBuffer expected) throws IOException {
    if (!Files.isRegularFile(file)) {
      return false;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (ch.size() != expected.remaining()) {
        return false;
      }
      ByteBuffer actual = ByteBuffer.allocate(expected.remaining());
      while (actual.hasRemaining() && ch.read(actual, actual.position()) >= 0) {
        // keep reading
      }
      return actual.flip().equals(expected.duplicate());
    }
  }

  /** Replaces the content of {@code file} with {@code content}. */
  public static void write(Path file, ByteBuffer content) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = content.duplicate();
      long pos = 0;
      while (b.hasRemaining()) {
        pos += ch.write(b, pos);
      }
    }
  }

  /** Writes {@code expected} to {@code file} unless it is already there; true if it wrote. */
  public static boolean sync(Path file, ByteBuffer expected) throws IOException {
    if (matches(file, expected)) {
      return false;
    }
    write(file, expected);
    return true;
  }

  /** Maps a complete index file read-only; the mapping outlives the channel. */
  public static ByteBuffer mapReadOnly(Path file, int expectedBytes) throws IOException {
    if (expectedBytes == 0) {
      return ByteBuffer.allocate(0);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (ch.size() != expectedBytes) {
        throw new IOException(file + " has " + ch.size() + " bytes, expected " + expectedBytes);
      }
      return ch.map(FileChannel.MapMode.READ_ONLY, 0, expectedBytes);
    }
  }
}
