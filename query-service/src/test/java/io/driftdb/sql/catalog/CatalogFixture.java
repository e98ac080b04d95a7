package io.driftdb.sql.catalog;

import io.driftdb.sql.QueryResult;
import io.driftdb.sql.SessionInfo;
import io.driftdb.sql.SqlSession;
import io.driftdb.sql.engine.DriftEngine;
import io.driftdb.sql.engine.EngineConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** An engine on a temporary directory with one session, for catalog tests. */
final class CatalogFixture implements AutoCloseable {
  final DriftEngine engine;
  final SqlSession session;

  CatalogFixture(Path dir) {
    engine = DriftEngine.open(EngineConfig.of(dir));
    session = engine.openSession(new SessionInfo("driftdb", "appdb", "test", "local"));
  }

  QueryResult exec(String sql, Object... params) {
    return session.execute(sql, Arrays.asList(params));
  }

  /** Rows as "a|b|c" strings, nulls as "null". */
  List<String> rows(String sql, Object... params) {
    List<String> out = new ArrayList<>();
    for (Object[] row : exec(sql, params).rows()) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        b.append(i == 0 ? "" : "|").append(row[i]);
      }
      out.add(b.toString());
    }
    return out;
  }

  /** A client query captured on the wire, from src/test/resources/catalog. */
  static String query(String name) {
    try (InputStream in = CatalogFixture.class.getResourceAsStream("/catalog/" + name + ".sql")) {
      if (in == null) {
        throw new IllegalArgumentException("no query " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    session.close();
    engine.close();
  }
}
