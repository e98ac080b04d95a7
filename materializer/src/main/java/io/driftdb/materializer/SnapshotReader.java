package io.driftdb.materializer;

import io.driftdb.schemas.ConstraintDef;
import java.io.InputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Loads a snapshot written by {@link SnapshotWriter}, verifying its framing and checksum first. */
final class SnapshotReader {
  private SnapshotReader() {}

  static Materializer read(Path file) throws IOException {
    SnapshotFile.Framed f = SnapshotFile.read(file, SnapshotFormat.MAGIC, "snapshot", SnapshotFormat.OLDEST_READABLE,
        SnapshotFormat.VERSION, 1);
    long seq = f.header()[0];
    try (InputStream z = f.payload()) {
      Materializer m = payload(new SnapshotInput(z), f.version());
      if (m.appliedSeq() != seq) {
        throw new SnapshotCorruptedException(file + ": header SEQ " + seq + " does not match content " + m.appliedSeq());
      }
      return m;
    } catch (SnapshotCorruptedException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new SnapshotCorruptedException(file + ": cannot decode: " + e, e);
    }
  }

  private static Materializer payload(SnapshotInput in, int version) throws IOException {
    long seq = in.readLong();
    long schemaVersion = in.readLong();
    Timeline tl = new Timeline();
    readTimeline(in, version, tl);
    Catalog c = new Catalog();
    readUsers(in, version).forEach(c::putUser);
    List<Catalog.Binding> bindings = readBindings(in, version);
    int nt = SnapshotFormat.readCount(in, version);
    Map<Long, TableData> tables = new HashMap<>();
    for (int i = 0; i < nt; i++) {
      long id = in.readLong();
      long created = in.readLong();
      long dropped = in.readLong();
      int ns = SnapshotFormat.readCount(in, version);
      TableData t = null;
      for (int j = 0; j < ns; j++) {
        long at = in.readLong();
        TableSchema schema = readSchema(in, version);
        if (t == null) {
          t = new TableData(created, schema);
        } else {
          t.changeSchema(at, schema);
        }
      }
      if (t == null) {
        throw new IOException("table " + id + " without schema");
      }
      if (dropped != Long.MAX_VALUE) {
        t.drop(dropped);
      }
      while (in.readBoolean()) {
        Object[] key = readKey(in, version);
        VersionChain chain = new VersionChain();
        int n = SnapshotFormat.readCount(in, version);
        Object[] previous = null;
        long s = 0;
        for (int v = 0; v < n; v++) {
          s = version == 1 ? in.readLong() : s + in.readZigzag();
          byte op = in.readByte();
          Object[] row = previous;
          if (op != VersionChain.DELETE) {
            row = readRow(in, version, previous);
            VersionChain.shareUnchangedCells(previous, row);
          }
          chain.append(s, row, op);
          previous = row;
        }
        t.putChain(new RowKey(key), chain);
      }
      for (IndexInfo idx : t.latestSchema().indexes()) {
        t.addIndex(idx);
      }
      tables.put(id, t);
    }
    long rowEvents = in.readLong();
    c.restore(bindings, tables);
    return Materializer.restored(c, tl, seq, schemaVersion, rowEvents);
  }

  /** The commit times: the first SEQ, a count, then each time (a delta of the previous in version 2). */
  static void readTimeline(SnapshotInput in, int version, Timeline tl) throws IOException {
    long base = in.readLong();
    int count = SnapshotFormat.readCount(in, version);
    long timestamp = 0;
    for (int i = 0; i < count; i++) {
      timestamp = version == 1 ? in.readLong() : timestamp + in.readZigzag();
      tl.record(base + i, timestamp);
    }
  }

  static Map<String, Map<String, String>> readUsers(SnapshotInput in, int version) throws IOException {
    int n = SnapshotFormat.readCount(in, version);
    Map<String, Map<String, String>> users = new HashMap<>();
    for (int i = 0; i < n; i++) {
      String name = SnapshotFormat.readString(in, version);
      users.put(name, readMap(in, version));
    }
    return users;
  }

  static List<Catalog.Binding> readBindings(SnapshotInput in, int version) throws IOException {
    int n = SnapshotFormat.readCount(in, version);
    List<Catalog.Binding> bindings = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      bindings.add(new Catalog.Binding(SnapshotFormat.readString(in, version), in.readLong(), in.readLong(),
          in.readLong()));
    }
    return bindings;
  }

  static Object[] readKey(SnapshotInput in, int version) throws IOException {
    Object[] key = new Object[SnapshotFormat.readCount(in, version)];
    for (int k = 0; k < key.length; k++) {
      key[k] = SnapshotFormat.readValue(in, version, null, k);
    }
    return key;
  }

  /** A row version's cells; a {@link SnapshotFormat#SAME} cell is {@code previous}'s. */
  static Object[] readRow(SnapshotInput in, int version, Object[] previous) throws IOException {
    Object[] row = new Object[SnapshotFormat.readCount(in, version)];
    for (int r = 0; r < row.length; r++) {
      row[r] = SnapshotFormat.readValue(in, version, previous, r);
    }
    return row;
  }

  static Map<String, String> readMap(SnapshotInput in, int version) throws IOException {
    int n = SnapshotFormat.readCount(in, version);
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < n; i++) {
      m.put(SnapshotFormat.readString(in, version), SnapshotFormat.readString(in, version));
    }
    return m;
  }

  static TableSchema readSchema(SnapshotInput in, int version) throws IOException {
    long tableId = in.readLong();
    String name = SnapshotFormat.readString(in, version);
    int nc = SnapshotFormat.readCount(in, version);
    List<ColumnInfo> cols = new ArrayList<>();
    for (int i = 0; i < nc; i++) {
      int id = in.readInt();
      String cname = SnapshotFormat.readString(in, version);
      ColumnType type = ColumnType.parse(SnapshotFormat.readString(in, version));
      boolean nullable = in.readBoolean();
      cols.add(new ColumnInfo(id, cname, type, nullable, SnapshotFormat.readNullableString(in, version)));
    }
    List<Integer> pk = readInts(in, version);
    boolean document = in.readBoolean();
    int ni = SnapshotFormat.readCount(in, version);
    List<IndexInfo> indexes = new ArrayList<>();
    for (int i = 0; i < ni; i++) {
      indexes.add(new IndexInfo(SnapshotFormat.readString(in, version), readInts(in, version), in.readBoolean()));
    }
    int ncons = SnapshotFormat.readCount(in, version);
    List<ConstraintDef> cons = new ArrayList<>();
    for (int i = 0; i < ncons; i++) {
      byte[] b = new byte[SnapshotFormat.readCount(in, version)];
      in.readFully(b);
      cons.add(ConstraintDef.fromByteBuffer(ByteBuffer.wrap(b)));
    }
    Map<String, String> options = readMap(in, version);
    int next = in.readInt();
    return new TableSchema(tableId, name, List.copyOf(cols), List.copyOf(pk), document, List.copyOf(indexes),
        List.copyOf(cons), Map.copyOf(options), next);
  }

  private static List<Integer> readInts(SnapshotInput in, int version) throws IOException {
    int n = SnapshotFormat.readCount(in, version);
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(in.readInt());
    }
    return out;
  }
}
