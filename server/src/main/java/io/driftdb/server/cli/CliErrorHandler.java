package io.driftdb.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Reports failures of a command: a {@link CliException} as one {@code <program>: message}
 * line with its exit code, anything else (a bug) with its stack trace and exit code 1.
 */
public final class CliErrorHandler implements IExecutionExceptionHandler {
  private final String program;

  public CliErrorHandler(String program) {
    this.program = program;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    if (e instanceof CliException) {
      cmd.getErr().println(program + ": " + e.getMessage());
      cmd.getErr().flush();
      return ((CliException) e).exitCode();
    }
    cmd.getErr().println(program + ": internal error: " + e);
    e.printStackTrace(cmd.getErr());
    cmd.getErr().flush();
    return ExitCodes.FAILURE;
  }
}
