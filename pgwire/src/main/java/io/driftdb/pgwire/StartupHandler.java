package io.driftdb.pgwire;

import io.driftdb.pgwire.auth.AuthenticationException;
import io.driftdb.pgwire.auth.Authenticator;
import io.driftdb.pgwire.auth.Md5Authenticator;
import io.driftdb.pgwire.auth.ScramSha256Authenticator;
import io.driftdb.pgwire.auth.StoredCredential;
import io.driftdb.sql.SessionInfo;
import io.driftdb.sql.SqlError;
import io.driftdb.sql.SqlSession;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * StartupMessage and authentication: checks the protocol version and parameters, runs the
 * configured authentication exchange, opens the {@link SqlSession}, and announces the session
 * with ParameterStatus messages, BackendKeyData and the first ReadyForQuery.
 */
final class StartupHandler {

  private static final Logger LOG = LoggerFactory.getLogger(StartupHandler.class);
  private static final int PROTOCOL_3_0 = 3 << 16;
  /** Startup parameters pgwire itself interprets; every other one is a session setting. */
  private static final Set<String> PROTOCOL_PARAMETERS = caseInsensitive("user", "database", "options",
      "application_name", "client_encoding", "DateStyle", "TimeZone", "replication",
      // Drivers for old servers ask for more float digits; output is already shortest-exact.
      "extra_float_digits");
  private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

  private final PgConnection conn;
  private final ServerContext server;
  private Authenticator authenticator;
  private String user;
  private String database;
  private String applicationName;
  private String requestedTimeZone;
  private ZoneId zone = ZoneOffset.UTC;
  private final Map<String, String> sessionSettings = new LinkedHashMap<>();

  StartupHandler(PgConnection conn, ServerContext server) {
    this.conn = conn;
    this.server = server;
  }

  void onStartupPhaseMessage(FrontendMessage message) {
    if (!(message instanceof FrontendMessage.Startup startup)) {
      throw PgException.protocolViolation("expected a startup message");
    }
    int major = startup.protocolVersion() >>> 16;
    int minor = startup.protocolVersion() & 0xFFFF;
    if (major != 3) {
      throw PgException.fatal("0A000",
          "unsupported frontend protocol " + major + "." + minor + ": server supports 3.0 to 3.0");
    }
    if (server.openConnections().incrementAndGet() > server.config().maxConnections()) {
      server.openConnections().decrementAndGet();
      throw PgException.fatal("53300", "sorry, too many clients already");
    }
    conn.holdConnectionSlot();

    // Setting names are case-insensitive (libpq sends PGTZ as "timezone", pgJDBC "TimeZone").
    Map<String, String> params = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    params.putAll(startup.parameters());
    user = params.get("user");
    if (user == null || user.isEmpty()) {
      throw PgException.fatal("28000", "no PostgreSQL user name specified in startup packet");
    }
    database = params.getOrDefault("database", "");
    if (database.isEmpty()) {
      database = user;
    }
    applicationName = params.getOrDefault("application_name", "");
    checkClientEncoding(params.get("client_encoding"));
    checkDateStyle(params.get("DateStyle"));
    Map<String, String> options = parseOptions(params.getOrDefault("options", ""));
    String tz = params.get("TimeZone");
    if (tz == null) {
      tz = options.remove("timezone");
    } else {
      options.remove("timezone");
    }
    checkDateStyle(options.remove("datestyle"));
    // Any other startup parameter is a setting, as in PostgreSQL ("-c name=value" or name=value).
    sessionSettings.clear();
    for (Map.Entry<String, String> p : params.entrySet()) {
      if (!PROTOCOL_PARAMETERS.contains(p.getKey()) && !p.getKey().startsWith("_pq_.")) {
        sessionSettings.put(p.getKey(), p.getValue());
      }
    }
    sessionSettings.putAll(options);
    if (tz != null) {
      String requested = tz;
      zone = TimeZones.resolve(tz).orElseThrow(() ->
          PgException.fatal("22023", "invalid value for parameter \"TimeZone\": \"" + requested + "\""));
      requestedTimeZone = tz;
    }

    // Protocol 3.x with x > 0, or _pq_. options: say what this server understands (3.0, no options).
    List<String> unsupported = new ArrayList<>();
    for (String name : params.keySet()) {
      if (name.startsWith("_pq_.")) {
        unsupported.add(name);
      }
    }
    if (minor > 0 || !unsupported.isEmpty()) {
      BackendMessages.negotiateProtocolVersion(conn.buf(), PROTOCOL_3_0, unsupported);
    }

    if (server.config().authMode() == AuthMode.TRUST) {
      authenticated();
      return;
    }
    authenticator = chooseAuthenticator(server.passwords().lookup(user));
    send(authenticator.begin());
    conn.outbox().flush();
    conn.state(PgConnection.State.AUTHENTICATING);
  }

  private Authenticator chooseAuthenticator(Optional<StoredCredential> credential) {
    StoredCredential c = credential.orElse(null);
    boolean preferMd5 = server.config().authMode() == AuthMode.MD5;
    boolean md5 = c != null && c.md5Hash() != null && (preferMd5 || c.scram() == null);
    if (md5) {
      return new Md5Authenticator(user, c.md5Hash(), server.random());
    }
    // Unknown users run a SCRAM exchange that is bound to fail, like PostgreSQL does.
    return new ScramSha256Authenticator(user, c == null ? null : c.scram(), server.mockAuthKey(), server.random());
  }

  void onAuthenticationMessage(FrontendMessage message) {
    if (!(message instanceof FrontendMessage.AuthResponse response)) {
      throw PgException.protocolViolation("expected password response, got " + message.getClass().getSimpleName());
    }
    Authenticator.Step step;
    try {
      step = authenticator.respond(response.payload());
    } catch (AuthenticationException e) {
      throw PgException.fatal(e.sqlState(), e.getMessage());
    }
    if (step.reply() != null) {
      send(step.reply());
    }
    if (step.done()) {
      authenticated();
    } else {
      conn.outbox().flush();
    }
  }

  private void send(Authenticator.Request request) {
    BackendMessages.authentication(conn.buf(), request.code(), request.data());
  }

  private void authenticated() {
    authenticator = null;
    BackendMessages.authentication(conn.buf(), BackendMessages.AUTH_OK, null);
    SqlSession session;
    try {
      session = server.engine().openSession(new SessionInfo(user, database, applicationName, clientAddress()));
    } catch (SqlError e) {
      throw PgException.fatal(e.sqlState(), e.getMessage());
    } catch (RuntimeException e) {
      throw PgException.fatal("XX000", "cannot open session: " + e.getMessage());
    }
    applySettings(session);
    Map<String, String> status = parameterStatus(session);
    CancelRegistry.Key key = server.cancels().register(session::cancel);
    conn.sessionOpened(session, key, zone);

    ByteBuf out = conn.buf();
    for (Map.Entry<String, String> p : status.entrySet()) {
      BackendMessages.parameterStatus(out, p.getKey(), p.getValue());
    }
    BackendMessages.backendKeyData(out, key.processId(), key.secretKey());
    conn.state(PgConnection.State.READY);
    conn.readyForQuery();
  }

  /**
   * Hands the client's startup settings to the session as SET statements (SessionInfo has no
   * place for them). An explicit setting the engine rejects fails the connection, as in
   * PostgreSQL; the TimeZone every pgJDBC connection sends is applied on a best-effort basis,
   * because pgwire itself renders timestamptz in that zone either way.
   */
  private void applySettings(SqlSession session) {
    if (requestedTimeZone != null) {
      try {
        session.execute("SET TimeZone = " + literal(requestedTimeZone), List.of());
      } catch (RuntimeException e) {
        LOG.debug("engine did not accept TimeZone {}: {}", requestedTimeZone, e.getMessage());
      }
    }
    for (Map.Entry<String, String> setting : sessionSettings.entrySet()) {
      String name = setting.getKey();
      if (!SETTING_NAME.matcher(name).matches()) {
        closeQuietly(session);
        throw PgException.fatal("42704", "unrecognized configuration parameter \"" + name + "\"");
      }
      try {
        session.execute("SET " + name + " = " + literal(setting.getValue()), List.of());
      } catch (SqlError e) {
        closeQuietly(session);
        throw PgException.fatal(e.sqlState(), e.getMessage());
      } catch (RuntimeException e) {
        closeQuietly(session);
        throw PgException.fatal("XX000", "cannot apply setting " + name + ": " + e.getMessage());
      }
    }
  }

  private static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private static void closeQuietly(SqlSession session) {
    try {
      session.close();
    } catch (RuntimeException e) {
      LOG.debug("closing session failed", e);
    }
  }

  private static void checkDateStyle(String requested) {
    // Text dates are rendered ISO, MDY; pgJDBC sends "ISO" and requires the reply to start with it.
    if (requested != null && !requested.trim().toUpperCase(Locale.ROOT).startsWith("ISO")) {
      throw PgException.fatal("0A000", "DateStyle \"" + requested + "\" is not supported; DriftDB uses ISO, MDY");
    }
  }

  /**
   * The reportable settings, in PostgreSQL's order. pgJDBC requires server_version, UTF8
   * client_encoding and an ISO DateStyle; psycopg2 requires client_encoding; psql chooses its
   * catalog queries by server_version. pgwire owns the encoding and date format (it renders the
   * text), so those are fixed; the rest come from the session where it knows them. Also settles
   * the time zone timestamptz values are rendered in.
   */
  private Map<String, String> parameterStatus(SqlSession session) {
    String timeZone = requestedTimeZone;
    if (timeZone == null) {
      timeZone = setting(session, "TimeZone", "UTC");
      Optional<ZoneId> resolved = TimeZones.resolve(timeZone);
      if (resolved.isPresent()) {
        zone = resolved.get();
      } else {
        timeZone = "UTC";
      }
    }
    Map<String, String> p = new LinkedHashMap<>();
    p.put("application_name", applicationName);
    p.put("client_encoding", "UTF8");
    p.put("DateStyle", "ISO, MDY");
    p.put("default_transaction_read_only", setting(session, "default_transaction_read_only", "off"));
    p.put("in_hot_standby", setting(session, "in_hot_standby", "off"));
    p.put("integer_datetimes", "on");
    p.put("IntervalStyle", "postgres");
    p.put("is_superuser", setting(session, "is_superuser", "off"));
    p.put("server_encoding", "UTF8");
    p.put("server_version", server.config().serverVersion());
    p.put("session_authorization", user);
    p.put("standard_conforming_strings", "on");
    p.put("TimeZone", timeZone);
    return p;
  }

  private static String setting(SqlSession session, String name, String fallback) {
    try {
      String v = session.setting(name);
      return v == null || v.isEmpty() ? fallback : v;
    } catch (RuntimeException e) {
      return fallback;
    }
  }

  private static void checkClientEncoding(String requested) {
    if (requested == null) {
      return;
    }
    String e = requested.replace("-", "").replace("_", "").toUpperCase(Locale.ROOT);
    // SQL_ASCII is what libpq derives from a C locale; ASCII is a subset of UTF-8, so accept it.
    if (!e.equals("UTF8") && !e.equals("UNICODE") && !e.equals("SQLASCII") && !e.equals("AUTO")) {
      throw PgException.fatal("22023",
          "invalid value for parameter \"client_encoding\": \"" + requested + "\" (DriftDB speaks UTF8 only)");
    }
  }

  private static Set<String> caseInsensitive(String... names) {
    Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    set.addAll(List.of(names));
    return Collections.unmodifiableSet(set);
  }

  /**
   * {@code options}: command-line style {@code -c name=value}, {@code -cname=value} or
   * {@code --name=value} settings, separated by white space; a backslash escapes the next
   * character (so values may contain spaces). Other command-line switches are refused.
   */
  static Map<String, String> parseOptions(String options) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < options.length(); i++) {
      char c = options.charAt(i);
      if (c == '\\' && i + 1 < options.length()) {
        word.append(options.charAt(++i));
      } else if (Character.isWhitespace(c)) {
        if (word.length() > 0) {
          words.add(word.toString());
          word.setLength(0);
        }
      } else {
        word.append(c);
      }
    }
    if (word.length() > 0) {
      words.add(word.toString());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      String setting;
      if (w.equals("-c") && i + 1 < words.size()) {
        setting = words.get(++i);
      } else if (w.startsWith("-c") && w.length() > 2) {
        setting = w.substring(2);
      } else if (w.startsWith("--")) {
        setting = w.substring(2);
      } else {
        throw PgException.fatal("0A000", "startup option \"" + w + "\" is not supported; use -c name=value");
      }
      int eq = setting.indexOf('=');
      if (eq <= 0) {
        throw PgException.fatal("42601", "-c " + setting + " requires a value");
      }
      out.put(setting.substring(0, eq).toLowerCase(Locale.ROOT).replace('-', '_'), setting.substring(eq + 1));
    }
    return out;
  }

  private String clientAddress() {
    SocketAddress address = conn.channel().remoteAddress();
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return String.valueOf(address);
  }
}
