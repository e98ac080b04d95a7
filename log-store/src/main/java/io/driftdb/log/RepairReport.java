package io.driftdb.log;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What {@link LogRepair} found and did (or, from {@link LogRepair#inspect}, would do).
 *
 * @param directory the log directory
 * @param applied whether the files were changed
 * @param startSeq first SEQ in the log
 * @param headSeq last SEQ kept (-1 when nothing is left)
 * @param truncation where the log was cut and what that dropped; empty when undamaged
 * @param deletedFiles files removed: segments after the cut, and index files whose log was missing
 */
public record RepairReport(
    Path directory,
    boolean applied,
    long startSeq,
    long headSeq,
    Optional<Truncation> truncation,
    List<Path> deletedFiles) {

  /**
   * The cut: the first damaged batch and everything after it.
   *
   * @param file segment holding the damage
   * @param position byte position of the damage in {@code file}; the file keeps the bytes before it
   * @param problem what is wrong there
   * @param firstDroppedSeq first SEQ no longer in the log
   * @param lastDroppedSeq last SEQ recognised among the dropped bytes (empty if none was readable)
   * @param batchesDropped batches dropped, the damaged one included
   * @param bytesDropped bytes dropped across all affected segment files
   */
  public record Truncation(
      Path file,
      long position,
      String problem,
      long firstDroppedSeq,
      OptionalLong lastDroppedSeq,
      long batchesDropped,
      long bytesDropped) {}

  public boolean clean() {
    return truncation.isEmpty() && deletedFiles.isEmpty();
  }

  /** A few lines for an operator, as printed by {@code driftdb repair}. */
  public String describe() {
    StringBuilder s = new StringBuilder("Log directory ").append(directory).append(": ");
    if (clean()) {
      s.append("no damage found; ");
      appendRange(s);
      return s.append('.').toString();
    }
    String did = applied ? "" : "would be ";
    if (truncation.isEmpty()) {
      s.append("found index files whose .log file is missing (that segment's records are lost).\n");
    }
    truncation.ifPresent(t -> {
      s.append("damage in ").append(t.file()).append(" at byte position ").append(t.position()).append(": ")
          .append(t.problem()).append(".\n");
      s.append("  The log ").append(applied ? "was" : "would be").append(" truncated there, dropping SEQ ")
          .append(t.firstDroppedSeq());
      if (t.lastDroppedSeq().isPresent()) {
        s.append("..").append(t.lastDroppedSeq().getAsLong());
      } else {
        s.append(" onwards (no complete batch after the damage could be read)");
      }
      s.append(" (").append(t.batchesDropped()).append(t.batchesDropped() == 1 ? " batch, " : " batches, ")
          .append(t.bytesDropped()).append(" bytes).\n");
    });
    if (!deletedFiles.isEmpty()) {
      s.append("  Files ").append(did).append("deleted: ");
      for (int i = 0; i < deletedFiles.size(); i++) {
        s.append(i == 0 ? "" : ", ").append(deletedFiles.get(i).getFileName());
      }
      s.append(".\n");
    }
    s.append("  Afterwards the log holds ");
    appendRange(s);
    s.append('.');
    if (!applied) {
      s.append(" Nothing was changed.");
    }
    return s.toString();
  }

  private void appendRange(StringBuilder s) {
    if (headSeq < startSeq) {
      s.append("no records");
    } else {
      s.append("SEQ ").append(startSeq).append("..").append(headSeq);
    }
  }

  @Override
  public String toString() {
    return describe();
  }
}
