package io.driftdb.materializer;

import io.driftdb.schemas.CommitValidation;
import io.driftdb.schemas.DdlEvent;
import io.driftdb.schemas.DdlKind;
import io.driftdb.schemas.ReadKey;
import io.driftdb.schemas.RowEvent;
import io.driftdb.schemas.RowOp;
import io.driftdb.schemas.TransactionRecord;
import java.util.List;

/**
 * The deterministic commit check of a shared log (DESIGN.md decision 6): a record that carries
 * a {@link CommitValidation} is applied only if nothing it wrote, read or depended on was
 * changed by a record between its start SEQ and its own SEQ. It looks only at state derived
 * from earlier records of the log, so every node reaches the same verdict, in log order.
 */
final class LogOrderValidator {
  private static final String CONFLICT = "40001";

  private LogOrderValidator() {}

  /** Null when the record may be applied, else why not. */
  static CommitVerdict check(Catalog catalog, long seq, TransactionRecord tx) {
    CommitValidation v = tx.getValidation();
    if (v == null) {
      return null;
    }
    long start = tx.getStartSeq();
    long head = seq - 1;
    for (Object e : tx.getEvents()) {
      if (e instanceof DdlEvent d && !isUserDdl(d)) {
        if (d.getKind() == DdlKind.CREATE_TABLE) {
          if (d.getTableId() < 0 && catalog.resolve(d.getTableName().toLowerCase(), head).isPresent()) {
            return new CommitVerdict(seq, "42P07", "relation \"" + d.getTableName().toLowerCase() + "\" already exists");
          }
        } else if (d.getTableId() >= 0 && schemaChangedSince(catalog.table(d.getTableId()), head, start)) {
          return conflict(seq, "table \"" + d.getTableName().toLowerCase() + "\" was changed by a concurrent transaction");
        }
      } else if (e instanceof RowEvent r && r.getTableId() >= 0) {
        CommitVerdict verdict = checkRow(catalog.table(r.getTableId()), r, seq, head, start);
        if (verdict != null) {
          return verdict;
        }
      }
    }
    for (long tableId : concat(v.getDependencyTables(), v.getReadTables())) {
      TableData t = catalog.table(tableId);
      if (t != null && t.lastModifiedSeq() > start) {
        return conflict(seq, "could not serialize access due to read/write dependencies among transactions");
      }
    }
    for (ReadKey k : v.getReadKeys()) {
      TableData t = catalog.table(k.getTableId());
      if (t != null && t.lastWriteSeq(LogRows.key(t.latestSchema(), k.getKey())) > start) {
        return conflict(seq, "could not serialize access due to read/write dependencies among transactions");
      }
    }
    return null;
  }

  private static CommitVerdict checkRow(TableData t, RowEvent r, long seq, long head, long start) {
    if (schemaChangedSince(t, head, start)) {
      return conflict(seq, "table was dropped or altered by a concurrent transaction");
    }
    TableSchema schema = t.latestSchema();
    Object[] row = r.getOp() == RowOp.DELETE ? null : LogRows.row(schema, r.getRow());
    RowKey key = LogRows.key(schema, r, row);
    if (t.lastWriteSeq(key) > start) {
      if (r.getOp() == RowOp.INSERT && t.rowAt(key, head) != null) {
        return new CommitVerdict(seq, "23505", "duplicate key value violates unique constraint \"" + schema.name() + "_pkey\"");
      }
      return conflict(seq, "could not serialize access due to concurrent update");
    }
    return null;
  }

  private static boolean schemaChangedSince(TableData t, long head, long start) {
    return t == null || !t.existsAt(head) || lastDdlSeq(t) > start;
  }

  private static long lastDdlSeq(TableData t) {
    var h = t.schemaHistory();
    return h.get(h.size() - 1).seq();
  }

  private static boolean isUserDdl(DdlEvent d) {
    return d.getKind() == DdlKind.CREATE_USER || d.getKind() == DdlKind.ALTER_USER || d.getKind() == DdlKind.DROP_USER;
  }

  private static List<Long> concat(List<Long> a, List<Long> b) {
    if (b.isEmpty()) {
      return a;
    }
    List<Long> out = new java.util.ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static CommitVerdict conflict(long seq, String msg) {
    return new CommitVerdict(seq, CONFLICT, msg.startsWith("could not") ? msg : "could not serialize access: " + msg);
  }
}
