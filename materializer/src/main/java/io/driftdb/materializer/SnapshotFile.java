package io.driftdb.materializer;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * The framing shared by full snapshots ({@code .snap}) and deltas ({@code .delta}): a header
 * (magic, format version, then the kind's own fixed fields), the zstd-compressed payload, and a
 * footer with the payload length, its CRC32C and the magic again. Written under a temporary
 * name, fsynced and renamed, so a crash never leaves a half file under the real name.
 */
final class SnapshotFile {
  private SnapshotFile() {}

  /** Writes the payload; returns the row versions it holds. */
  interface Body {
    long write(SnapshotOutput out) throws IOException;
  }

  /** A file whose framing and checksum were verified: its version, header longs and payload. */
  record Framed(int version, long[] header, byte[] bytes, int payloadOffset, int payloadLength) {
    InputStream payload() throws IOException {
      return new ZstdInputStream(new ByteArrayInputStream(bytes, payloadOffset, payloadLength));
    }
  }

  /** Writes {@code dir/name} atomically; returns the row versions {@code body} wrote. */
  static long write(Path dir, String name, long magic, int version, long[] header, Body body) throws IOException {
    Files.createDirectories(dir);
    Path finalFile = dir.resolve(name);
    Path tmp = dir.resolve(name + ".tmp");
    long versions;
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ByteBuffer head = ByteBuffer.allocate(12 + 8 * header.length);
      head.putLong(magic).putInt(version);
      for (long h : header) {
        head.putLong(h);
      }
      head.flip();
      while (head.hasRemaining()) {
        ch.write(head);
      }
      CRC32C crc = new CRC32C();
      long start = ch.position();
      OutputStream raw = new NonClosing(Channels.newOutputStream(ch));
      // Level 1: on the restart benchmark's state it compresses faster than level 3 and as small.
      try (ZstdOutputStream z = new ZstdOutputStream(new CheckedOutputStream(raw, crc), 1)) {
        SnapshotOutput out = new SnapshotOutput(z);
        versions = body.write(out);
        out.flush();
      }
      long length = ch.position() - start;
      ByteBuffer footer = ByteBuffer.allocate(24);
      footer.putLong(length).putLong(crc.getValue()).putLong(magic).flip();
      while (footer.hasRemaining()) {
        ch.write(footer);
      }
      ch.force(true);
    }
    Files.move(tmp, finalFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
    return versions;
  }

  /**
   * Reads and verifies {@code file}: magic, a version in {@code oldest..newest}, {@code headerLongs}
   * header fields, footer and checksum. Throws {@link SnapshotCorruptedException} naming the file.
   */
  static Framed read(Path file, long magic, String kind, int oldest, int newest, int headerLongs) throws IOException {
    byte[] all = Files.readAllBytes(file);
    int headerBytes = 12 + 8 * headerLongs;
    if (all.length < headerBytes + 24) {
      throw new SnapshotCorruptedException(file + ": too short (" + all.length + " bytes)");
    }
    ByteBuffer b = ByteBuffer.wrap(all);
    if (b.getLong(0) != magic) {
      throw new SnapshotCorruptedException(file + ": not a DriftDB " + kind + " (bad magic)");
    }
    int version = b.getInt(8);
    if (version < oldest || version > newest) {
      throw new SnapshotCorruptedException(file + ": " + kind + " format version " + version + ", this build reads "
          + oldest + " to " + newest);
    }
    long[] header = new long[headerLongs];
    for (int i = 0; i < headerLongs; i++) {
      header[i] = b.getLong(12 + 8 * i);
    }
    int footer = all.length - 24;
    long length = b.getLong(footer);
    long crc = b.getLong(footer + 8);
    if (b.getLong(footer + 16) != magic || length != footer - headerBytes) {
      throw new SnapshotCorruptedException(file + ": truncated or damaged footer");
    }
    CRC32C actual = new CRC32C();
    actual.update(all, headerBytes, (int) length);
    if (actual.getValue() != crc) {
      throw new SnapshotCorruptedException(file + ": checksum mismatch");
    }
    return new Framed(version, header, all, headerBytes, (int) length);
  }

  /** Keeps the channel open when the compression stream closes, so the footer can follow. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
