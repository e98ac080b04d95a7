package io.driftdb.log.kafka;

import io.driftdb.log.kafka.GroupCoordinator.Committed;
import io.driftdb.log.kafka.GroupCoordinator.OffsetKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Committed consumer-group offsets on disk, so a consumer group resumes where it left off
 * after the gateway restarts. Offsets are not transactions: they stay out of the log (they
 * would move every SEQ) and live in one small file, rewritten whole on each commit through a
 * temporary file, fsync and an atomic rename, so a crash leaves the old or the new version.
 * One line per offset: group, topic id, partition, offset, leader epoch, metadata (Base64).
 */
final class OffsetStore {
  private final Path file;

  OffsetStore(Path file) {
    this.file = file;
  }

  /** Every group's committed offsets as last saved; empty when nothing was saved yet. */
  Map<String, Map<OffsetKey, Committed>> load() {
    Map<String, Map<OffsetKey, Committed>> out = new HashMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read committed consumer offsets from " + file, e);
    }
    int n = 0;
    for (String line : lines) {
      n++;
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (f.length != 6) {
        throw new IllegalStateException(file + " line " + n + ": expected 6 fields, found " + f.length);
      }
      String group = new String(Base64.getDecoder().decode(f[0]), StandardCharsets.UTF_8);
      OffsetKey key = new OffsetKey(Long.parseLong(f[1]), Integer.parseInt(f[2]));
      String metadata = f[5].equals("-") ? null : new String(Base64.getDecoder().decode(f[5]), StandardCharsets.UTF_8);
      out.computeIfAbsent(group, g -> new HashMap<>())
          .put(key, new Committed(Long.parseLong(f[3]), Integer.parseInt(f[4]), metadata));
    }
    return out;
  }

  /** Replaces the file with {@code offsets}; returns only once the new version is durable. */
  void save(Map<String, Map<OffsetKey, Committed>> offsets) throws IOException {
    StringBuilder b = new StringBuilder();
    Base64.Encoder enc = Base64.getEncoder();
    offsets.forEach((group, byKey) -> byKey.forEach((k, c) -> b
        .append(enc.encodeToString(group.getBytes(StandardCharsets.UTF_8))).append('\t')
        .append(k.topicId()).append('\t').append(k.partition()).append('\t')
        .append(c.offset()).append('\t').append(c.leaderEpoch()).append('\t')
        .append(c.metadata() == null ? "-" : enc.encodeToString(c.metadata().getBytes(StandardCharsets.UTF_8)))
        .append('\n')));
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.createDirectories(file.getParent());
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    }
  }
}
