package io.driftdb.sql.plan;

import io.driftdb.materializer.Materializer;
import io.driftdb.materializer.RowKey;
import java.util.Map;

/**
 * What a statement reads: the committed state at {@code seq} plus the transaction's own
 * uncommitted writes ({@code overlay}: table id -> key -> row image, null = deleted).
 * Handed to table scans through the DataContext.
 */
public record ReadContext(Materializer materializer, long seq, Map<Long, Map<RowKey, Object[]>> overlay, ReadSet readSet) {
  public static final String KEY = "driftdb.read";

  public ReadContext(Materializer materializer, long seq, Map<Long, Map<RowKey, Object[]>> overlay) {
    this(materializer, seq, overlay, null);
  }

  public Map<RowKey, Object[]> overlayFor(long tableId) {
    return overlay == null ? null : overlay.get(tableId);
  }
}
