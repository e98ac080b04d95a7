package io.driftdb.materializer;

import io.driftdb.schemas.ConstraintDef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes the materialized state as of one SEQ to {@code <seq %020d>.snap}, framed as {@link
 * SnapshotFile} says (header: the SEQ), encoded as {@link SnapshotFormat} says. It reads only
 * versions at or before the SEQ, so commits may continue meanwhile.
 */
final class SnapshotWriter {
  private SnapshotWriter() {}

  static SnapshotInfo write(Materializer m, Path dir) throws IOException {
    return underHistoryLock(m, s -> write(m, dir, s));
  }

  /** What a snapshot does at SEQ {@code s}, holding the history lock. */
  private interface AtSeq<T> {
    T run(long s) throws IOException;
  }

  /**
   * Runs {@code body} at the applied SEQ holding the history lock, once every history deletion
   * that touched the chains is applied: version chains change in place when history is deleted,
   * unlike when rows are written, so deletions wait while a snapshot is written and one that
   * already happened is in it. The wait for the apply happens without the lock: a transaction
   * that deletes the history of several tables takes the lock once per table, and waiting for it
   * while holding the lock would wait forever.
   */
  private static <T> T underHistoryLock(Materializer m, AtSeq<T> body) throws IOException {
    try {
      while (true) {
        long deleted = lastHistoryDeletion(m);
        while (m.appliedSeq() < deleted) {
          m.awaitApplied(deleted, 1000);
        }
        synchronized (m.historyLock()) {
          if (m.appliedSeq() >= lastHistoryDeletion(m)) {
            return body.run(m.appliedSeq());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting for a history deletion to apply");
    }
  }

  private static long lastHistoryDeletion(Materializer m) {
    long deleted = -1;
    for (TableData t : m.catalog().tables()) {
      deleted = Math.max(deleted, t.lastPurgeSeq());
    }
    return deleted;
  }

  private static SnapshotInfo write(Materializer m, Path dir, long s) throws IOException {
    String name = String.format("%020d.snap", s);
    long versions = SnapshotFile.write(dir, name, SnapshotFormat.MAGIC, SnapshotFormat.VERSION, new long[] {s},
        out -> payload(m, -1, s, out));
    forgetWritesThrough(m, s);
    Path file = dir.resolve(name);
    return new SnapshotInfo(s, file, Files.size(file), versions);
  }

  /**
   * A delta ({@code <seq %020d>.delta}): what changed after {@code since}, the SEQ of the
   * snapshot or delta it extends, up to the applied SEQ (see {@link SnapshotDelta}). Empty when
   * history was deleted after {@code since}: a delta only adds versions, so a full snapshot is
   * needed then.
   */
  static java.util.Optional<SnapshotInfo> writeDelta(Materializer m, Path dir, long since) throws IOException {
    return underHistoryLock(m, s -> {
      if (lastHistoryDeletion(m) > since) {
        return java.util.Optional.empty();
      }
      if (s <= since) {
        throw new IllegalArgumentException("nothing applied after SEQ " + since);
      }
      String name = String.format("%020d.delta", s);
      long versions = SnapshotFile.write(dir, name, SnapshotDelta.MAGIC, SnapshotFormat.VERSION, new long[] {s, since},
          out -> payload(m, since, s, out));
      forgetWritesThrough(m, s);
      Path file = dir.resolve(name);
      return java.util.Optional.of(new SnapshotInfo(s, file, Files.size(file), versions));
    });
  }

  /**
   * The state at SEQ {@code s}; with {@code since} at or above 0, only the row versions and
   * commit times after it (a delta), with the catalog and every table's schemas in full.
   */
  private static long payload(Materializer m, long since, long s, SnapshotOutput out) throws IOException {
    out.writeLong(s);
    // Counters as of SEQ s (commits go on while the snapshot is written).
    out.writeLong(m.schemaVersionAt(s));
    Timeline tl = m.timeline();
    long base = Math.max(tl.firstSeq(), since + 1);
    int count = (int) Math.max(0, s - base + 1);
    out.writeLong(base);
    out.writeVarlong(count);
    long previousTimestamp = 0;
    for (int i = 0; i < count; i++) {
      long ts = tl.timestampOf(base + i);
      out.writeZigzag(ts - previousTimestamp);
      previousTimestamp = ts;
    }
    Catalog c = m.catalog();
    Map<String, Map<String, String>> users = c.users();
    out.writeVarlong(users.size());
    for (var u : users.entrySet()) {
      SnapshotFormat.writeString(out, u.getKey());
      writeMap(out, u.getValue());
    }
    List<Catalog.Binding> bindings = c.bindings().stream().filter(b -> b.fromSeq() <= s).toList();
    out.writeVarlong(bindings.size());
    for (Catalog.Binding b : bindings) {
      SnapshotFormat.writeString(out, b.name());
      out.writeLong(b.tableId());
      out.writeLong(b.fromSeq());
      out.writeLong(b.toSeq() <= s ? b.toSeq() : Long.MAX_VALUE);
    }
    List<TableData> tables = c.tables().stream().filter(t -> t.createdSeq() <= s).toList();
    out.writeVarlong(tables.size());
    long versions = 0;
    for (TableData t : tables) {
      out.writeLong(t.tableId());
      out.writeLong(t.createdSeq());
      out.writeLong(t.droppedSeq() <= s ? t.droppedSeq() : Long.MAX_VALUE);
      List<TableData.SchemaVersion> schemas = t.schemaHistory().stream().filter(v -> v.seq() <= s).toList();
      out.writeVarlong(schemas.size());
      for (TableData.SchemaVersion v : schemas) {
        out.writeLong(v.seq());
        writeSchema(out, v.schema());
      }
      for (var e : rowsToVisit(t, since, s)) {
        VersionChain chain = e.getValue();
        int from = since < 0 ? 0 : chain.versionIndexAt(since) + 1; // a delta: the versions after since
        int n = chain.versionIndexAt(s) + 1 - from; // ... at or before s
        if (n <= 0) {
          continue;
        }
        out.writeBoolean(true);
        Object[] key = e.getKey().values();
        out.writeVarlong(key.length);
        for (Object k : key) {
          SnapshotFormat.writeValue(out, k);
        }
        out.writeVarlong(n);
        long previousSeq = 0;
        // A delta's first version may share cells with the one before it, which its reader has.
        Object[] previous = from == 0 ? null : chain.rowAtIndex(from - 1);
        for (int i = from; i < from + n; i++) {
          byte op = chain.opAt(i);
          long seq = chain.seqAt(i);
          out.writeZigzag(seq - previousSeq);
          previousSeq = seq;
          out.writeByte(op);
          if (op != VersionChain.DELETE) {
            Object[] row = chain.rowAtIndex(i);
            out.writeVarlong(row.length);
            for (int j = 0; j < row.length; j++) {
              Object v = row[j];
              // The chain shares a cell object an UPDATE left alone (VersionChain.shareUnchangedCells).
              if (v != null && previous != null && j < previous.length && previous[j] == v) {
                out.writeByte(SnapshotFormat.SAME);
              } else {
                SnapshotFormat.writeValue(out, v);
              }
            }
            previous = row;
          }
        }
        versions += n;
      }
      out.writeBoolean(false);
    }
    // Every row event applied at or before s made exactly one version.
    out.writeLong(versions);
    return versions;
  }

  /**
   * The rows a snapshot at {@code s} visits: every row for a full one; for a delta, the rows
   * written after {@code since} (and at or before {@code s}) when the table still knows them
   * ({@link TableData#rowsWrittenBetween}), else every row of a table changed since.
   */
  private static Iterable<Map.Entry<RowKey, VersionChain>> rowsToVisit(TableData t, long since, long s) {
    if (since < 0) {
      return t.rows().entrySet();
    }
    if (t.lastModifiedSeq() <= since) {
      return List.of();
    }
    List<Map.Entry<RowKey, VersionChain>> written = t.rowsWrittenBetween(since, s);
    return written == null ? t.rows().entrySet() : written;
  }

  /** Every table may forget the writes a snapshot or delta at {@code s} now holds. */
  private static void forgetWritesThrough(Materializer m, long s) {
    for (TableData t : m.catalog().tables()) {
      t.forgetWritesThrough(s);
    }
  }

  private static void writeMap(SnapshotOutput out, Map<String, String> map) throws IOException {
    out.writeVarlong(map.size());
    for (var e : map.entrySet()) {
      SnapshotFormat.writeString(out, e.getKey());
      SnapshotFormat.writeString(out, e.getValue());
    }
  }

  private static void writeSchema(SnapshotOutput out, TableSchema s) throws IOException {
    out.writeLong(s.tableId());
    SnapshotFormat.writeString(out, s.name());
    out.writeVarlong(s.columns().size());
    for (ColumnInfo c : s.columns()) {
      out.writeInt(c.id());
      SnapshotFormat.writeString(out, c.name());
      SnapshotFormat.writeString(out, c.type().sqlName());
      out.writeBoolean(c.nullable());
      SnapshotFormat.writeNullableString(out, c.defaultExpr());
    }
    writeInts(out, s.primaryKey());
    out.writeBoolean(s.documentTable());
    out.writeVarlong(s.indexes().size());
    for (IndexInfo i : s.indexes()) {
      SnapshotFormat.writeString(out, i.name());
      writeInts(out, i.columnIds());
      out.writeBoolean(i.unique());
    }
    out.writeVarlong(s.constraints().size());
    for (ConstraintDef d : s.constraints()) {
      ByteBuffer b = d.toByteBuffer();
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      out.writeVarlong(bytes.length);
      out.write(bytes);
    }
    writeMap(out, s.options());
    out.writeInt(s.nextColumnId());
  }

  private static void writeInts(SnapshotOutput out, List<Integer> ints) throws IOException {
    out.writeVarlong(ints.size());
    for (int i : ints) {
      out.writeInt(i);
    }
  }
}
