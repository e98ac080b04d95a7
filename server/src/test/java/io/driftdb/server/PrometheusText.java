package io.driftdb.server;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads sample values out of a Prometheus text-format scrape. */
final class PrometheusText {
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})? (\\S+)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private PrometheusText() {}

  /** Sum of every sample of {@code name} whose labels include all of {@code labels}; 0 if none. */
  static double sum(String scrape, String name, Map<String, String> labels) {
    double total = 0;
    for (String line : scrape.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (!m.find() || !m.group(1).equals(name)) {
        continue;
      }
      if (matches(m.group(3), labels)) {
        total += Double.parseDouble(m.group(4));
      }
    }
    return total;
  }

  static boolean has(String scrape, String name) {
    for (String line : scrape.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (m.find() && m.group(1).equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(String labelText, Map<String, String> wanted) {
    for (Map.Entry<String, String> w : wanted.entrySet()) {
      boolean found = false;
      if (labelText != null) {
        Matcher l = LABEL.matcher(labelText);
        while (l.find()) {
          if (l.group(1).equals(w.getKey()) && l.group(2).equals(w.getValue())) {
            found = true;
          }
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }
}
