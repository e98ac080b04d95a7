package io.driftdb.materializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot directory: {@code <seq %020d>.snap} files. Loading picks the newest snapshot
 * that passes its checks and is not past the end of the log; a damaged one is reported and
 * skipped (the log rebuilds what it held), never trusted.
 */
public final class SnapshotStore {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
  private final Path dir;

  public SnapshotStore(Path dir) {
    this.dir = dir;
  }

  public Path directory() {
    return dir;
  }

  /** Snapshot files, newest first. */
  public List<Path> list() throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("\\d{20}\\.snap"))
          .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
          .toList();
    }
  }

  static long seqOf(Path p) {
    return Long.parseLong(p.getFileName().toString().substring(0, 20));
  }

  /** The newest trustworthy snapshot at or below {@code maxSeq}, loaded. */
  public Optional<Materializer> loadNewest(long maxSeq) throws IOException {
    for (Path p : list()) {
      if (seqOf(p) > maxSeq) {
        LOG.warn("ignoring snapshot {}: it is past the end of the log (head SEQ {})", p, maxSeq);
        continue;
      }
      try {
        Materializer m = Materializer.readSnapshot(p);
        LOG.info("loaded snapshot {} (SEQ {})", p.getFileName(), m.appliedSeq());
        return Optional.of(m);
      } catch (SnapshotCorruptedException e) {
        LOG.warn("damaged snapshot, not trusted; the log will rebuild it: {}", e.getMessage());
      }
    }
    return Optional.empty();
  }

  public SnapshotInfo write(Materializer m) throws IOException {
    return m.writeSnapshot(dir);
  }

  /** Deletes all but the newest {@code keep} snapshots and leftover temporary files; returns what it removed. */
  public List<Path> prune(int keep) throws IOException {
    List<Path> removed = new ArrayList<>();
    List<Path> all = list();
    for (int i = keep; i < all.size(); i++) {
      Files.deleteIfExists(all.get(i));
      removed.add(all.get(i));
    }
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".snap.tmp")).toList()) {
          Files.deleteIfExists(p);
          removed.add(p);
        }
      }
      if (!removed.isEmpty()) {
        // VACUUM relies on older snapshots staying gone before it strips deleted history from the log.
        try (java.nio.channels.FileChannel d = java.nio.channels.FileChannel.open(dir,
            java.nio.file.StandardOpenOption.READ)) {
          d.force(true);
        }
      }
    }
    return removed;
  }
}
