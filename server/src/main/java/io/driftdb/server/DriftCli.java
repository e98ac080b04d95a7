package io.driftdb.server;

import io.driftdb.server.cli.ChangeFeedCommand;
import io.driftdb.server.cli.CliErrorHandler;
import io.driftdb.server.cli.InitCommand;
import io.driftdb.server.cli.RepairCommand;
import io.driftdb.server.cli.ReplayCommand;
import io.driftdb.server.cli.SqlCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code driftdb} command line tool: init, sql, repair, replay, changefeed. */
@Command(name = "driftdb", mixinStandardHelpOptions = true, version = "driftdb " + Version.TEXT,
    description = "DriftDB: an append-only SQL database with time travel.",
    subcommands = {InitCommand.class, SqlCommand.class, RepairCommand.class, ReplayCommand.class,
        ChangeFeedCommand.class, CommandLine.HelpCommand.class})
public final class DriftCli implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command (init, sql, repair, replay or changefeed)");
  }

  public static void main(String[] args) {
    // Tools keep stderr for problems; the engine's INFO lines ("opened ...") would be noise here.
    System.setProperty(LogLevel.PROPERTY, System.getProperty(LogLevel.PROPERTY, "WARN"));
    System.exit(commandLine().execute(args));
  }

  /** The configured command line (tests run it in-process too). */
  public static CommandLine commandLine() {
    return new CommandLine(new DriftCli())
        // -e and -f are setter methods that append to one ordered script; picocli calls a
        // setter once per occurrence only when repeating a single-value option is allowed.
        .setOverwrittenOptionsAllowed(true)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(new CliErrorHandler("driftdb"));
  }
}
