package io.driftdb.materializer;

import com.github.luben.zstd.ZstdInputStream;
import io.driftdb.schemas.ConstraintDef;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/** Loads a snapshot written by {@link SnapshotWriter}, verifying its framing and checksum first. */
final class SnapshotReader {
  private SnapshotReader() {}

  static Materializer read(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    if (all.length < 44) {
      throw new SnapshotCorruptedException(file + ": too short (" + all.length + " bytes)");
    }
    ByteBuffer b = ByteBuffer.wrap(all);
    if (b.getLong(0) != SnapshotFormat.MAGIC || b.getInt(8) != SnapshotFormat.VERSION) {
      throw new SnapshotCorruptedException(file + ": not a DriftDB snapshot (bad magic or version)");
    }
    long seq = b.getLong(12);
    int footer = all.length - 24;
    long length = b.getLong(footer);
    long crc = b.getLong(footer + 8);
    if (b.getLong(footer + 16) != SnapshotFormat.MAGIC || length != footer - 20) {
      throw new SnapshotCorruptedException(file + ": truncated or damaged footer");
    }
    CRC32C actual = new CRC32C();
    actual.update(all, 20, (int) length);
    if (actual.getValue() != crc) {
      throw new SnapshotCorruptedException(file + ": checksum mismatch");
    }
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(
        new ZstdInputStream(new ByteArrayInputStream(all, 20, (int) length)), 1 << 16))) {
      Materializer m = payload(in);
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

  private static Materializer payload(DataInputStream in) throws IOException {
    long seq = in.readLong();
    long schemaVersion = in.readLong();
    Timeline tl = new Timeline();
    long base = in.readLong();
    int count = in.readInt();
    for (int i = 0; i < count; i++) {
      tl.record(base + i, in.readLong());
    }
    Catalog c = new Catalog();
    int users = in.readInt();
    for (int i = 0; i < users; i++) {
      String name = SnapshotFormat.readString(in);
      c.putUser(name, readMap(in));
    }
    int nb = in.readInt();
    List<Catalog.Binding> bindings = new ArrayList<>();
    for (int i = 0; i < nb; i++) {
      bindings.add(new Catalog.Binding(SnapshotFormat.readString(in), in.readLong(), in.readLong(), in.readLong()));
    }
    int nt = in.readInt();
    Map<Long, TableData> tables = new HashMap<>();
    for (int i = 0; i < nt; i++) {
      long id = in.readLong();
      long created = in.readLong();
      long dropped = in.readLong();
      int ns = in.readInt();
      TableData t = null;
      for (int j = 0; j < ns; j++) {
        long at = in.readLong();
        TableSchema schema = readSchema(in);
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
        Object[] key = new Object[in.readInt()];
        for (int k = 0; k < key.length; k++) {
          key[k] = SnapshotFormat.readValue(in);
        }
        VersionChain chain = new VersionChain();
        int n = in.readInt();
        Object[] previous = null;
        for (int v = 0; v < n; v++) {
          long s = in.readLong();
          byte op = in.readByte();
          Object[] row = previous;
          if (op != VersionChain.DELETE) {
            row = new Object[in.readInt()];
            for (int r = 0; r < row.length; r++) {
              row[r] = SnapshotFormat.readValue(in);
            }
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

  private static Map<String, String> readMap(DataInputStream in) throws IOException {
    int n = in.readInt();
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < n; i++) {
      m.put(SnapshotFormat.readString(in), SnapshotFormat.readString(in));
    }
    return m;
  }

  private static TableSchema readSchema(DataInputStream in) throws IOException {
    long tableId = in.readLong();
    String name = SnapshotFormat.readString(in);
    int nc = in.readInt();
    List<ColumnInfo> cols = new ArrayList<>();
    for (int i = 0; i < nc; i++) {
      int id = in.readInt();
      String cname = SnapshotFormat.readString(in);
      ColumnType type = ColumnType.parse(SnapshotFormat.readString(in));
      boolean nullable = in.readBoolean();
      cols.add(new ColumnInfo(id, cname, type, nullable, SnapshotFormat.readNullableString(in)));
    }
    List<Integer> pk = readInts(in);
    boolean document = in.readBoolean();
    int ni = in.readInt();
    List<IndexInfo> indexes = new ArrayList<>();
    for (int i = 0; i < ni; i++) {
      indexes.add(new IndexInfo(SnapshotFormat.readString(in), readInts(in), in.readBoolean()));
    }
    int ncons = in.readInt();
    List<ConstraintDef> cons = new ArrayList<>();
    for (int i = 0; i < ncons; i++) {
      byte[] b = new byte[in.readInt()];
      in.readFully(b);
      cons.add(ConstraintDef.fromByteBuffer(ByteBuffer.wrap(b)));
    }
    Map<String, String> options = readMap(in);
    int next = in.readInt();
    return new TableSchema(tableId, name, List.copyOf(cols), List.copyOf(pk), document, List.copyOf(indexes),
        List.copyOf(cons), Map.copyOf(options), next);
  }

  private static List<Integer> readInts(DataInputStream in) throws IOException {
    int n = in.readInt();
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(in.readInt());
    }
    return out;
  }
}
