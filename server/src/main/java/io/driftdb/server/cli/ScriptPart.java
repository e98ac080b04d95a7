package io.driftdb.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * One {@code -e SQL} or {@code -f FILE} argument of {@code driftdb sql}, kept in command-line
 * order (psql runs -c and -f in the order given). {@code -f -} reads standard input.
 */
public record ScriptPart(Kind kind, String value) {

  public enum Kind { COMMAND, FILE, STDIN }

  public static ScriptPart command(String sql) {
    return new ScriptPart(Kind.COMMAND, sql);
  }

  public static ScriptPart file(String path) {
    return path.equals("-") ? new ScriptPart(Kind.STDIN, "-") : new ScriptPart(Kind.FILE, path);
  }

  /** The SQL text of this part. */
  public String text(InputStream stdin) {
    try {
      switch (kind) {
        case FILE:
          return Files.readString(Path.of(value), StandardCharsets.UTF_8);
        case STDIN:
          return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
        default:
          return value;
      }
    } catch (NoSuchFileException e) {
      throw new CliException(value + ": no such file");
    } catch (IOException e) {
      throw new CliException("cannot read " + (kind == Kind.STDIN ? "standard input" : value) + ": " + e.getMessage());
    }
  }
}
