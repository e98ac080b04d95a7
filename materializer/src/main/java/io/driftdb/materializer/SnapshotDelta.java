package io.driftdb.materializer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deltas: {@code <seq %020d>.delta} files holding what changed since the snapshot or delta
 * they extend ({@code baseSeq} in their header), so that the automatic policy need not
 * rewrite every row each time. The payload is a {@link SnapshotFormat} snapshot payload that
 * holds only the commit times and row versions after {@code baseSeq} (the catalog and the
 * schemas in full; a version's {@link SnapshotFormat#SAME} cells may refer to the version
 * before the delta). Written by {@link SnapshotWriter#writeDelta}; loading applies it on top of
 * a state at exactly {@code baseSeq}, the way the log's own records are applied, without
 * decoding them again. A delta only adds versions: the policy writes a full snapshot instead
 * whenever history was deleted since the base.
 */
final class SnapshotDelta {
  static final long MAGIC = 0x4452494654444C54L; // "DRIFTDLT"

  private SnapshotDelta() {}

  /** A delta file whose framing and checksum were verified. */
  record Verified(Path file, SnapshotFile.Framed framed) {
    long seq() {
      return framed.header()[0];
    }

    /** The SEQ of the snapshot or delta it extends. */
    long baseSeq() {
      return framed.header()[1];
    }
  }

  /** Reads and verifies a delta file; throws {@link SnapshotCorruptedException} if it cannot be trusted. */
  static Verified verify(Path file) throws IOException {
    return new Verified(file, SnapshotFile.read(file, MAGIC, "snapshot delta", SnapshotFormat.VERSION,
        SnapshotFormat.VERSION, 2));
  }

  /**
   * Applies a verified delta to {@code m}, whose state must be at its base SEQ; returns the row
   * versions it added. Throws {@link SnapshotCorruptedException} if it cannot be decoded; then
   * {@code m} may be half updated and must be discarded.
   */
  static long apply(Materializer m, Verified d) throws IOException {
    SnapshotFile.Framed f = d.framed();
    Path file = d.file();
    long seq = d.seq();
    if (d.baseSeq() != m.appliedSeq()) {
      throw new IllegalArgumentException(file + " extends SEQ " + d.baseSeq() + ", the state is at " + m.appliedSeq());
    }
    try (InputStream z = f.payload()) {
      SnapshotInput in = new SnapshotInput(z);
      if (in.readLong() != seq) {
        throw new SnapshotCorruptedException(file + ": header SEQ " + seq + " does not match its content");
      }
      long schemaVersion = in.readLong();
      SnapshotReader.readTimeline(in, f.version(), m.timeline()); // the commit times after the base
      Catalog c = m.catalog();
      Map<String, Map<String, String>> users = SnapshotReader.readUsers(in, f.version());
      for (String gone : c.users().keySet()) {
        if (!users.containsKey(gone)) {
          c.dropUser(gone);
        }
      }
      users.forEach(c::putUser);
      List<Catalog.Binding> bindings = SnapshotReader.readBindings(in, f.version());
      int nt = in.readCount();
      Map<Long, TableData> created = new HashMap<>();
      for (int i = 0; i < nt; i++) {
        TableData t = applyTable(c, in, f.version());
        if (c.table(t.tableId()) == null) {
          created.put(t.tableId(), t);
        }
      }
      long versions = in.readLong();
      c.restore(bindings, created);
      m.restoredDelta(seq, schemaVersion, versions);
      return versions;
    } catch (SnapshotCorruptedException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new SnapshotCorruptedException(file + ": cannot decode: " + e, e);
    }
  }

  /** One table of a delta: new schemas, its drop, its indexes, then the new row versions. */
  private static TableData applyTable(Catalog c, SnapshotInput in, int version) throws IOException {
    long id = in.readLong();
    long createdSeq = in.readLong();
    long dropped = in.readLong();
    TableData t = c.table(id);
    // The delta repeats the whole schema history; the base has the first ones (by count: one
    // transaction may change a schema several times, all at its SEQ).
    int known = t == null ? 0 : t.schemaHistory().size();
    int ns = in.readCount();
    for (int j = 0; j < ns; j++) {
      long at = in.readLong();
      TableSchema schema = SnapshotReader.readSchema(in, version);
      if (t == null) {
        t = new TableData(createdSeq, schema);
      } else if (j >= known) {
        t.changeSchema(at, schema);
      }
    }
    if (t == null) {
      throw new IOException("table " + id + " without schema");
    }
    if (dropped != Long.MAX_VALUE && t.droppedSeq() == Long.MAX_VALUE) {
      t.drop(dropped);
    }
    // Indexes as the latest schema has them; written rows then keep them up to date.
    Set<String> wanted = new HashSet<>();
    for (IndexInfo idx : t.latestSchema().indexes()) {
      wanted.add(idx.name().toLowerCase());
      SecondaryIndex have = t.index(idx.name());
      if (have == null || !have.info().equals(idx)) { // new, or dropped and created again differently
        t.addIndex(idx);
      }
    }
    for (SecondaryIndex idx : List.copyOf(t.indexes())) {
      if (!wanted.contains(idx.info().name().toLowerCase())) {
        t.dropIndex(idx.info().name());
      }
    }
    while (in.readBoolean()) {
      RowKey key = new RowKey(SnapshotReader.readKey(in, version));
      VersionChain chain = t.chain(key);
      Object[] previous = chain == null || chain.size() == 0 ? null : chain.rowAtIndex(chain.size() - 1);
      int n = in.readCount();
      long s = 0;
      for (int v = 0; v < n; v++) {
        s += in.readZigzag();
        byte op = in.readByte();
        Object[] row = previous;
        if (op != VersionChain.DELETE) {
          row = SnapshotReader.readRow(in, version, previous);
        }
        t.restore(s, key, row, op);
        previous = row;
      }
    }
    return t;
  }
}
