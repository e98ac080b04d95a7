package io.driftdb.server.cli;

import io.driftdb.sql.engine.DriftEngine;
import io.driftdb.sql.engine.EngineConfig;

/** Opens the engine for a CLI command, turning open failures into one clear line. */
final class Engines {
  private Engines() {}

  static DriftEngine open(EngineConfig config) {
    try {
      return DriftEngine.open(config);
    } catch (RuntimeException e) {
      // e.g. the log is locked by a running server; the message names the directory and holder.
      throw new CliException("cannot open the database in " + config.dataDir() + ": " + rootMessage(e));
    }
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
