package io.driftdb.sql.plan;

import java.util.List;

/** The hidden system-time columns every table reference offers (not expanded by {@code *}). */
public final class SystemColumns {
  public static final String SEQ_FROM = "_seq_from";
  public static final String SEQ_TO = "_seq_to";
  public static final String SYSTEM_FROM = "_system_from";
  public static final String SYSTEM_TO = "_system_to";
  public static final String OP = "_op";
  public static final List<String> NAMES = List.of(SEQ_FROM, SEQ_TO, SYSTEM_FROM, SYSTEM_TO, OP);

  /** End of an open period: SEQ. */
  public static final long OPEN_SEQ = Long.MAX_VALUE;
  /** End of an open period: 9999-12-31 23:59:59.999 UTC, as SQL Server and MariaDB do. */
  public static final long OPEN_TIME = 253402300799999L;

  private SystemColumns() {}

  public static boolean isSystem(String name) {
    return NAMES.contains(name.toLowerCase());
  }
}
