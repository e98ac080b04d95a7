package io.driftdb.server.cli;

import io.driftdb.log.LogDirectoryLockedException;
import io.driftdb.log.LogRepair;
import io.driftdb.log.RepairReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code driftdb repair}: cuts a damaged log at its first bad batch (offline). */
@Command(name = "repair", mixinStandardHelpOptions = true,
    description = {"Verify every batch of the log and truncate it at the first damage, printing what was dropped.",
        "The server must be stopped. An undamaged log is left untouched."})
public final class RepairCommand implements Callable<Integer> {

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Data directory.")
  Path data;

  @Option(names = "--dry-run", description = "Only report what would be dropped; change nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    DataDirectory dir = new DataDirectory(data).requireInitialized();
    RepairReport report;
    try {
      report = dryRun ? LogRepair.inspect(dir.logDir()) : LogRepair.repair(dir.logDir());
    } catch (LogDirectoryLockedException e) {
      throw new CliException(e.getMessage() + "; stop the server before repairing");
    } catch (IOException e) {
      throw new CliException("cannot repair " + dir.logDir() + ": " + e.getMessage());
    }
    System.out.println(report.describe());
    return ExitCodes.OK;
  }
}
