package io.driftdb.sql.changefeed;

import io.driftdb.materializer.LogRows;
import io.driftdb.materializer.Materializer;
import io.driftdb.materializer.TableData;
import io.driftdb.materializer.TableSchema;
import io.driftdb.schemas.DdlEvent;
import io.driftdb.schemas.DdlKind;
import io.driftdb.schemas.RowEvent;
import io.driftdb.schemas.RowOp;
import io.driftdb.schemas.TransactionRecord;
import io.driftdb.sql.kafka.RowCodec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The change events of one transaction the materializer has just applied: one per row event,
 * in the record's order, each encoded with the table's schema at that SEQ (so a table renamed
 * by an earlier transaction writes to its new topic). DDL itself produces no event.
 */
final class ChangeEvents {
  private ChangeEvents() {}

  /**
   * The events of {@code tx}, which {@code m} applied as {@code seq} (it passed its commit
   * check: the caller asks {@link Materializer#verdict} first).
   */
  static List<ChangeEvent> of(Materializer m, String logTopic, long seq, TransactionRecord tx) {
    long commitTime = m.timeline().timestampOf(seq);
    List<Object> events = tx.getEvents();
    List<ChangeEvent> out = new ArrayList<>();
    for (Object e : events) {
      if (!(e instanceof RowEvent row)) {
        continue;
      }
      TableSchema s = table(m, LogRows.tableId(seq, events, row.getTableId())).schemaAt(seq);
      byte[] key = RowCodec.encodeKey(s, LogRows.key(s, row));
      byte[] value = row.getOp() == RowOp.DELETE ? null : RowCodec.encodeRow(s, LogRows.row(s, row.getRow()));
      out.add(new ChangeEvent(ChangeTopicName.of(logTopic, s.name()), s.name(), seq, row.getOp(), commitTime, key,
          value));
    }
    return out;
  }

  /**
   * The change topics of the tables {@code tx} created or renamed, if they still exist after
   * it: they are created before any row arrives, so consumers can subscribe to a new table.
   */
  static Set<String> newTopics(Materializer m, String logTopic, long seq, TransactionRecord tx) {
    List<Object> events = tx.getEvents();
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i) instanceof DdlEvent ddl && (ddl.getKind() == DdlKind.CREATE_TABLE
          || ddl.getKind() == DdlKind.RENAME_TABLE)) {
        long id = ddl.getKind() == DdlKind.CREATE_TABLE
            ? ddl.getTableId() >= 0 ? ddl.getTableId() : Materializer.assignedTableId(seq, i)
            : LogRows.tableId(seq, events, ddl.getTableId());
        TableData t = table(m, id);
        if (t.existsAt(seq)) {
          out.add(ChangeTopicName.of(logTopic, t.schemaAt(seq).name()));
        }
      }
    }
    return out;
  }

  private static TableData table(Materializer m, long id) {
    TableData t = m.catalog().table(id);
    if (t == null) {
      throw new IllegalStateException("the log refers to unknown table id " + id);
    }
    return t;
  }
}
