package io.driftdb.server.cli;

import io.driftdb.server.output.OutputFormat;
import io.driftdb.server.output.ValueText;
import io.driftdb.sql.SessionInfo;
import io.driftdb.sql.SqlSession;
import io.driftdb.sql.engine.DriftEngine;
import io.driftdb.sql.engine.EngineConfig;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code driftdb sql}: runs SQL against a data directory directly (no server involved). */
@Command(name = "sql", mixinStandardHelpOptions = true,
    description = {"Run SQL statements against a data directory and print the results.",
        "Statements come from -e and -f in the order given, or from standard input when neither is given.",
        "Stops at the first failing statement (exit code 1)."})
public final class SqlCommand implements Callable<Integer> {

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Data directory (see driftdb init).")
  Path data;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      description = "Output of result rows: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  OutputFormat format;

  @Option(names = "--fsync", paramLabel = "POLICY", defaultValue = "group",
      description = "Log fsync policy while this command runs: group, interval:<ms> or none (default: ${DEFAULT-VALUE}).")
  String fsync;

  private final List<ScriptPart> parts = new ArrayList<>();

  @Option(names = {"-e", "--command"}, paramLabel = "SQL",
      description = "SQL to run; may hold several statements separated by ';'. Repeatable.")
  void command(String sql) {
    parts.add(ScriptPart.command(sql));
  }

  @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "SQL script to run ('-' = standard input). Repeatable.")
  void file(String path) {
    parts.add(ScriptPart.file(path));
  }

  @Override
  public Integer call() {
    DataDirectory dir = new DataDirectory(data).requireInitialized();
    List<ScriptPart> script = parts.isEmpty() ? List.of(ScriptPart.file("-")) : parts;
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
    EngineConfig config = EngineConfig.of(dir.path()).withFsync(Options.fsyncPolicy(fsync));
    try (DriftEngine engine = Engines.open(config);
         SqlSession session = engine.openSession(SessionInfo.local("driftdb-cli"))) {
      ValueText values = new ValueText(sessionZone(session));
      int code = new ScriptRunner(session, format.printer(values), out, err).run(script, System.in);
      out.flush();
      return code;
    }
  }

  /** timestamptz values print in the session's TimeZone, as psql shows them. */
  private static ZoneId sessionZone(SqlSession session) {
    String tz = session.setting("TimeZone");
    try {
      return tz == null ? ZoneId.systemDefault() : ZoneId.of(tz);
    } catch (DateTimeException e) {
      return ZoneId.systemDefault();
    }
  }
}
