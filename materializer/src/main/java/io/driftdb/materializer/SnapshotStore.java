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
 * The snapshot directory: full snapshots ({@code <seq %020d>.snap}) and the deltas that
 * extend them ({@code <seq %020d>.delta}, see {@link SnapshotDelta}). Loading picks the newest
 * snapshot that passes its checks and is not past the end of the log, then applies, in SEQ
 * order, each delta after it that extends exactly the state reached; a damaged file is reported
 * and skipped (the log rebuilds what it held), never trusted.
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

  /** Delta files, oldest first. */
  public List<Path> deltas() throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("\\d{20}\\.delta"))
          .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()))
          .toList();
    }
  }

  /**
   * A loaded state: the full snapshot it started from and its row versions, and the deltas
   * applied on top (their row versions); the state's SEQ is that of the last file applied.
   */
  public record Loaded(Materializer materializer, long snapshotSeq, long snapshotVersions, int deltas,
                       long deltaVersions) {}

  /** The newest trustworthy snapshot at or below {@code maxSeq}, loaded, without its deltas. */
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

  /** As {@link #loadNewest}, then the deltas that extend it, up to {@code maxSeq}. */
  public Optional<Loaded> load(long maxSeq) throws IOException {
    Optional<Materializer> full = loadNewest(maxSeq);
    if (full.isEmpty()) {
      return Optional.empty();
    }
    long fullSeq = full.get().appliedSeq();
    long fullVersions = full.get().rowEventsApplied();
    List<Path> chain = deltas().stream().filter(p -> seqOf(p) > fullSeq && seqOf(p) <= maxSeq).toList();
    Materializer m = full.get();
    List<Path> done = new ArrayList<>();
    for (Path p : chain) {
      SnapshotDelta.Verified d;
      try {
        d = SnapshotDelta.verify(p);
      } catch (SnapshotCorruptedException e) {
        // A later delta may still extend the state reached (one written after a restart that skipped this one).
        LOG.warn("damaged snapshot delta, not trusted; the log will rebuild it: {}", e.getMessage());
        continue;
      }
      if (d.baseSeq() != m.appliedSeq()) {
        LOG.info("snapshot delta {} does not extend SEQ {}; skipped", p.getFileName(), m.appliedSeq());
        continue;
      }
      try {
        SnapshotDelta.apply(m, d);
        done.add(p);
      } catch (SnapshotCorruptedException e) {
        // Failed half way through: start again without it.
        LOG.warn("snapshot delta not applied; the log will rebuild it: {}", e.getMessage());
        m = Materializer.readSnapshot(list().stream().filter(f -> seqOf(f) == fullSeq).findFirst().orElseThrow());
        for (Path good : done) {
          SnapshotDelta.apply(m, SnapshotDelta.verify(good));
        }
        break;
      }
    }
    if (!done.isEmpty()) {
      LOG.info("applied {} snapshot deltas, now at SEQ {}", done.size(), m.appliedSeq());
    }
    return Optional.of(new Loaded(m, fullSeq, fullVersions, done.size(), m.rowEventsApplied() - fullVersions));
  }

  public SnapshotInfo write(Materializer m) throws IOException {
    return m.writeSnapshot(dir);
  }

  /**
   * Writes a delta of what {@code m} applied after {@code since}, the SEQ of the newest snapshot
   * or delta; empty when history was deleted since (then a full snapshot is needed).
   */
  public java.util.Optional<SnapshotInfo> writeDelta(Materializer m, long since) throws IOException {
    return m.writeSnapshotDelta(dir, since);
  }

  /**
   * Deletes all but the newest {@code keep} full snapshots, the deltas that do not extend one of
   * those, and leftover temporary files; returns what it removed.
   */
  public List<Path> prune(int keep) throws IOException {
    List<Path> removed = new ArrayList<>();
    List<Path> all = list();
    for (int i = keep; i < all.size(); i++) {
      Files.deleteIfExists(all.get(i));
      removed.add(all.get(i));
    }
    long oldestKept = keep <= 0 || all.isEmpty() ? Long.MAX_VALUE : seqOf(all.get(Math.min(keep, all.size()) - 1));
    for (Path d : deltas()) {
      if (seqOf(d) <= oldestKept) {
        Files.deleteIfExists(d);
        removed.add(d);
      }
    }
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()) {
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
