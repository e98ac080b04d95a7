package io.driftdb.server.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code driftdb init DIR}: creates a new, empty database directory. */
@Command(name = "init", mixinStandardHelpOptions = true,
    description = {"Create a data directory with an empty log.",
        "Fails if the directory already exists and is not empty (like initdb)."})
public final class InitCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "DIR", description = "Directory to create.")
  Path dir;

  @Override
  public Integer call() throws IOException {
    DataDirectory data = new DataDirectory(dir);
    data.initialize();
    System.out.println("Initialized DriftDB data directory " + dir);
    System.out.println("Start the server with: driftdb-server --data-path " + dir);
    return ExitCodes.OK;
  }
}
