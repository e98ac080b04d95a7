package io.driftdb.materializer;

import com.github.luben.zstd.ZstdOutputStream;
import io.driftdb.schemas.ConstraintDef;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Writes the materialized state as of one SEQ to {@code <seq %020d>.snap}: a small header
 * (magic, version, SEQ), the zstd-compressed state (encoded as {@link SnapshotFormat} says),
 * and a footer with the payload length and its CRC32C. It reads only versions at or before
 * the SEQ, so commits may continue meanwhile. The file is written under a temporary name,
 * fsynced and renamed, so a crash never leaves a half snapshot under the real name.
 */
final class SnapshotWriter {
  private SnapshotWriter() {}

  static SnapshotInfo write(Materializer m, Path dir) throws IOException {
    // History deletions wait while the snapshot is written, and one that already happened is
    // in it: version chains change in place when history is deleted, unlike when rows are written.
    synchronized (m.historyLock()) {
      return write(m, dir, seqAfterHistoryDeletions(m));
    }
  }

  /** The applied SEQ, once every history deletion that already touched the chains is applied. */
  private static long seqAfterHistoryDeletions(Materializer m) throws IOException {
    long deleted = -1;
    for (TableData t : m.catalog().tables()) {
      deleted = Math.max(deleted, t.lastPurgeSeq());
    }
    try {
      while (m.appliedSeq() < deleted) {
        m.awaitApplied(deleted, 1000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting for a history deletion to apply");
    }
    return m.appliedSeq();
  }

  private static SnapshotInfo write(Materializer m, Path dir, long s) throws IOException {
    Files.createDirectories(dir);
    Path finalFile = dir.resolve(String.format("%020d.snap", s));
    Path tmp = dir.resolve(String.format("%020d.snap.tmp", s));
    long[] versions = {0};
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ByteBuffer header = ByteBuffer.allocate(20);
      header.putLong(SnapshotFormat.MAGIC).putInt(SnapshotFormat.VERSION).putLong(s).flip();
      while (header.hasRemaining()) {
        ch.write(header);
      }
      CRC32C crc = new CRC32C();
      long start = ch.position();
      OutputStream raw = new NonClosing(Channels.newOutputStream(ch));
      // Level 1: on the restart benchmark's state it compresses faster than level 3 and as small.
      try (ZstdOutputStream z = new ZstdOutputStream(new CheckedOutputStream(raw, crc), 1)) {
        SnapshotOutput out = new SnapshotOutput(z);
        versions[0] = payload(m, s, out);
        out.flush();
      }
      long length = ch.position() - start;
      ByteBuffer footer = ByteBuffer.allocate(24);
      footer.putLong(length).putLong(crc.getValue()).putLong(SnapshotFormat.MAGIC).flip();
      while (footer.hasRemaining()) {
        ch.write(footer);
      }
      ch.force(true);
    }
    Files.move(tmp, finalFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
    return new SnapshotInfo(s, finalFile, Files.size(finalFile), versions[0]);
  }

  private static long payload(Materializer m, long s, SnapshotOutput out) throws IOException {
    out.writeLong(s);
    // Counters as of SEQ s (commits go on while the snapshot is written).
    out.writeLong(m.schemaVersionAt(s));
    Timeline tl = m.timeline();
    long base = tl.firstSeq();
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
      for (var e : t.rows().entrySet()) {
        VersionChain chain = e.getValue();
        int n = chain.versionIndexAt(s) + 1; // the versions at or before s
        if (n == 0) {
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
        Object[] previous = null;
        for (int i = 0; i < n; i++) {
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
