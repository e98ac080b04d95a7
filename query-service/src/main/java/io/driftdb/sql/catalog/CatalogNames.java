package io.driftdb.sql.catalog;

import java.util.Map;

/** Names and fixed facts the catalog reports. */
final class CatalogNames {
  /** The superuser every DriftDB database has (the server's bootstrap login). */
  static final String BOOTSTRAP_ROLE = "driftdb";

  /**
   * Server parameters as pg_settings shows them: the defaults every session starts with.
   * The catalog cannot see a session's SET values; SHOW reports those.
   */
  static final Map<String, String[]> SETTINGS = Map.ofEntries(
      setting("application_name", "", "Sets the application name to be reported in statistics and logs."),
      setting("client_encoding", "UTF8", "Sets the client's character set encoding."),
      setting("server_encoding", "UTF8", "Shows the server (database) character set encoding."),
      setting("DateStyle", "ISO, MDY", "Sets the display format for date and time values."),
      setting("TimeZone", "UTC", "Sets the time zone for displaying and interpreting time stamps."),
      setting("IntervalStyle", "postgres", "Sets the display format for interval values."),
      setting("standard_conforming_strings", "on", "Causes '...' strings to treat backslashes literally."),
      setting("integer_datetimes", "on", "Shows whether datetimes are integer based."),
      setting("server_version", "16.4", "Shows the server version."),
      setting("server_version_num", "160004", "Shows the server version as an integer."),
      setting("default_transaction_isolation", "repeatable read",
          "Sets the transaction isolation level of each new transaction."),
      setting("default_transaction_read_only", "off", "Sets the default read-only status of new transactions."),
      setting("search_path", "\"$user\", public",
          "Sets the schema search order for names that are not schema-qualified."),
      setting("extra_float_digits", "1", "Sets the number of digits displayed for floating-point values."),
      setting("statement_timeout", "0", "Sets the maximum allowed duration of any statement."),
      setting("lock_timeout", "0", "Sets the maximum allowed duration of any wait for a lock."),
      setting("max_identifier_length", "63", "Shows the maximum identifier length."),
      // JDBC drivers size their foreign-key queries with it; DriftDB has no smaller limit.
      setting("max_index_keys", "32", "Shows the maximum number of index keys."),
      setting("is_superuser", "on", "Shows whether the current user is a superuser."));

  private CatalogNames() {}

  private static Map.Entry<String, String[]> setting(String name, String value, String description) {
    return Map.entry(name, new String[] {value, description});
  }
}
