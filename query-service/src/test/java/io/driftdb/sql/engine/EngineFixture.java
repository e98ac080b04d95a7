package io.driftdb.sql.engine;

import io.driftdb.sql.QueryResult;
import io.driftdb.sql.SessionInfo;
import io.driftdb.sql.SqlSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Opens an engine on a directory and runs SQL, for tests. */
final class EngineFixture implements AutoCloseable {
  final Path dir;
  final EngineConfig config;
  DriftEngine engine;
  SqlSession session;

  EngineFixture(Path dir) {
    this(EngineConfig.of(dir));
  }

  EngineFixture(EngineConfig config) {
    this.dir = config.dataDir();
    this.config = config;
    open();
  }

  void open() {
    engine = DriftEngine.open(config);
    session = engine.openSession(SessionInfo.local("test"));
  }

  void restart() {
    close();
    open();
  }

  QueryResult exec(String sql, Object... params) {
    return session.execute(sql, Arrays.asList(params));
  }

  /** Rows rendered as strings "a|b|c", in result order. */
  List<String> rows(String sql, Object... params) {
    QueryResult r = exec(sql, params);
    List<String> out = new ArrayList<>();
    for (Object[] row : r.rows()) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        b.append(i == 0 ? "" : "|").append(row[i]);
      }
      out.add(b.toString());
    }
    return out;
  }

  @Override
  public void close() {
    session.close();
    engine.close();
  }
}
