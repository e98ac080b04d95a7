package io.driftdb.server;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every long option {@code --some-flag} can also be set with the environment variable
 * {@code DRIFTDB_SOME_FLAG} (handy in containers); a flag on the command line wins, and the
 * annotated default applies when neither is given.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {
  private final Map<String, String> env;

  EnvironmentDefaults(Map<String, String> env) {
    this.env = env;
  }

  static String variableFor(String longOption) {
    return "DRIFTDB_" + longOption.replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec)) {
      return null;
    }
    OptionSpec option = (OptionSpec) arg;
    if (option.usageHelp() || option.versionHelp()) {
      return null;
    }
    String value = env.get(variableFor(option.longestName()));
    return value == null || value.isEmpty() ? null : value;
  }
}
