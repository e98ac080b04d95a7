package io.driftdb.server.cli;

import io.driftdb.materializer.Materializer;
import io.driftdb.materializer.SnapshotStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The snapshot {@code replay --verify} checks: the newest one at or below the log's head SEQ,
 * which is the one the engine would start from (with {@code --to-seq N}: the one at exactly
 * SEQ N, if any). A newer one past the end of the log is mentioned (the engine ignores it too);
 * a damaged one is a failed verification, not skipped.
 */
record SnapshotToVerify(Path file, Materializer state) {

  long seq() {
    return state.appliedSeq();
  }

  /** The snapshot at exactly {@code seq}, or empty when there is none. */
  static Optional<SnapshotToVerify> at(DataDirectory dir, long seq) {
    Path f = dir.snapshotDir().resolve(String.format("%020d.snap", seq));
    return Files.isRegularFile(f) ? Optional.of(read(f)) : Optional.empty();
  }

  private static SnapshotToVerify read(Path f) {
    try {
      return new SnapshotToVerify(f, Materializer.readSnapshot(f));
    } catch (IOException e) {
      throw new CliException("verification FAILED: snapshot " + f + " cannot be read: " + e.getMessage());
    }
  }

  static SnapshotToVerify load(DataDirectory dir, long headSeq, PrintStream err) {
    List<Path> files;
    try {
      files = new SnapshotStore(dir.snapshotDir()).list();
    } catch (IOException e) {
      throw new CliException("cannot list snapshots in " + dir.snapshotDir() + ": " + e.getMessage());
    }
    for (Path f : files) {
      long seq = Long.parseLong(f.getFileName().toString().substring(0, 20));
      if (seq > headSeq) {
        err.println("replay: ignoring snapshot " + f.getFileName() + ": it is past the end of the log (head SEQ "
            + headSeq + ")");
        continue;
      }
      return read(f);
    }
    throw new CliException("--verify compares the replayed state with the newest snapshot, but " + dir.snapshotDir()
        + " holds none at or below the log's head (write one with CHECKPOINT)", ExitCodes.USAGE);
  }
}
