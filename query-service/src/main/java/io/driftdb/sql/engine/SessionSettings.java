package io.driftdb.sql.engine;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** A session's run-time parameters (SET/SHOW), with PostgreSQL's defaults and reporting rules. */
final class SessionSettings {
  /** Parameters PostgreSQL reports to the client with ParameterStatus when they change. */
  private static final Set<String> REPORTED = Set.of("application_name", "client_encoding", "datestyle", "timezone",
      "intervalstyle", "standard_conforming_strings", "integer_datetimes", "is_superuser", "server_version",
      "session_authorization", "default_transaction_read_only", "in_hot_standby");
  private static final Map<String, String> CANONICAL = Map.of("datestyle", "DateStyle", "timezone", "TimeZone",
      "intervalstyle", "IntervalStyle");

  private final String user;
  private final String applicationName;
  // Filled on first use: the Kafka gateway makes a session per produced batch and never reads them.
  private Map<String, String> values;
  private Map<String, String> defaults;

  SessionSettings(String user, String applicationName) {
    this.user = user;
    this.applicationName = applicationName;
  }

  private void init() {
    if (values != null) {
      return;
    }
    defaults = new LinkedHashMap<>();
    defaults.put("application_name", applicationName == null ? "" : applicationName);
    defaults.put("client_encoding", "UTF8");
    defaults.put("server_encoding", "UTF8");
    defaults.put("datestyle", "ISO, MDY");
    defaults.put("timezone", "UTC");
    defaults.put("intervalstyle", "postgres");
    defaults.put("standard_conforming_strings", "on");
    defaults.put("integer_datetimes", "on");
    defaults.put("server_version", "16.4");
    defaults.put("server_version_num", "160004");
    defaults.put("transaction_isolation", "repeatable read");
    defaults.put("default_transaction_isolation", "repeatable read");
    defaults.put("transaction_read_only", "off");
    defaults.put("default_transaction_read_only", "off");
    defaults.put("search_path", "\"$user\", public");
    defaults.put("extra_float_digits", "1");
    defaults.put("statement_timeout", "0");
    defaults.put("lock_timeout", "0");
    defaults.put("max_identifier_length", "63");
    defaults.put("session_authorization", user == null ? "driftdb" : user);
    defaults.put("is_superuser", "on");
    defaults.put("driftdb.read_after", "-1");
    values = new LinkedHashMap<>(defaults);
  }

  String get(String name) {
    init();
    return values.get(name.toLowerCase(Locale.ROOT));
  }

  /** Sets a parameter; returns the (name, value) to report, or null. */
  Map<String, String> set(String name, String value) {
    init();
    String key = name.toLowerCase(Locale.ROOT);
    String v = unquote(value);
    if (v.equalsIgnoreCase("default")) {
      v = defaults.getOrDefault(key, "");
    }
    if (key.equals("timezone") && !(v.equalsIgnoreCase("utc") || v.equalsIgnoreCase("etc/utc") || v.equals("GMT")
        || v.equals("Z") || v.equals("+00") || v.equals("00:00"))) {
      // Values are stored and shown in UTC; other zones are accepted for display only.
      values.put(key, v);
    } else {
      values.put(key, v);
    }
    if (REPORTED.contains(key)) {
      return Map.of(CANONICAL.getOrDefault(key, key), v);
    }
    return Map.of();
  }

  Map<String, String> reset(String name) {
    init();
    if (name.equalsIgnoreCase("all")) {
      values.clear();
      values.putAll(defaults);
      return Map.of();
    }
    String key = name.toLowerCase(Locale.ROOT);
    return set(key, defaults.getOrDefault(key, ""));
  }

  Map<String, String> all() {
    init();
    return values;
  }

  private static String unquote(String v) {
    String s = v.trim();
    if (s.length() >= 2 && (s.startsWith("'") && s.endsWith("'") || s.startsWith("\"") && s.endsWith("\""))) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }
}
