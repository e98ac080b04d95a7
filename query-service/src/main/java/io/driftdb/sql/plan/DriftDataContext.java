package io.driftdb.sql.plan;

import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.schema.SchemaPlus;

/** What one execution of a compiled query sees: parameters, snapshot, clock, cancel flag. */
final class DriftDataContext implements DataContext {
  private final SchemaPlus root;
  private final JavaTypeFactory typeFactory;
  private final Map<String, Object> stash;
  private final Object[] params;
  private final ReadContext read;
  private final long nowMs;
  private final AtomicBoolean cancel;

  DriftDataContext(SchemaPlus root, JavaTypeFactory typeFactory, Map<String, Object> stash, Object[] params,
                   ReadContext read, long nowMs, AtomicBoolean cancel) {
    this.root = root;
    this.typeFactory = typeFactory;
    this.stash = stash;
    this.params = params;
    this.read = read;
    this.nowMs = nowMs;
    this.cancel = cancel;
  }

  @Override
  public SchemaPlus getRootSchema() {
    return root;
  }

  @Override
  public JavaTypeFactory getTypeFactory() {
    return typeFactory;
  }

  @Override
  public QueryProvider getQueryProvider() {
    return null;
  }

  @Override
  public Object get(String name) {
    Object s = stash.get(name);
    if (s != null) {
      return s;
    }
    if (name.startsWith("?")) {
      int i = Integer.parseInt(name.substring(1));
      return i < params.length ? params[i] : null;
    }
    if (ReadContext.KEY.equals(name)) {
      return read;
    }
    if (Variable.CURRENT_TIMESTAMP.camelName.equals(name) || Variable.LOCAL_TIMESTAMP.camelName.equals(name)
        || Variable.UTC_TIMESTAMP.camelName.equals(name)) {
      return nowMs;
    }
    if (Variable.TIME_ZONE.camelName.equals(name)) {
      return TimeZone.getTimeZone("UTC");
    }
    if (Variable.CANCEL_FLAG.camelName.equals(name)) {
      return cancel;
    }
    return null;
  }
}
