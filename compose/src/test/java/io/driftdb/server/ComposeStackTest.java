package io.driftdb.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdb.log.cluster.InProcessKafka;
import io.driftdb.log.cluster.KafkaLogAddress;
import io.driftdb.server.lifecycle.ServerRuntime;
import io.driftdb.server.lifecycle.ServerSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * What can be checked of compose/ without a Docker engine: the files agree with each other and
 * with the real server, and the stack they describe works when its containers are replaced by
 * processes: a real KRaft broker (in-process) for the {@code kafka} service and two real
 * DriftDB servers configured from the {@code driftdb-1}/{@code driftdb-2} environments of
 * docker-compose.yml (only addresses, ports and directories are rewritten). Every metric name
 * the Grafana dashboard queries must appear in those servers' /metrics, scraped with the
 * bearer token from the Compose secret that Prometheus uses too.
 */
class ComposeStackTest {
  private static final Path COMPOSE = Path.of("docker-compose.yml");
  private static final List<String> NODES = List.of("driftdb-1", "driftdb-2");
  /** Variables the image's entry point consumes itself (docker-entrypoint.sh), not driftdb-server flags. */
  private static final Set<String> ENTRYPOINT_VARIABLES = Set.of("DRIFTDB_JAVA_OPTS", "DRIFTDB_ADMIN_TOKEN_FILE",
      "DRIFTDB_PASSWORD_FILE", "DRIFTDB_PASSWORD");
  /** Series Prometheus makes up itself rather than scraping them. */
  private static final Set<String> SYNTHETIC_SERIES = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped");
  private static final Set<String> PROMQL_WORDS = Set.of("sum", "avg", "min", "max", "count", "rate", "irate",
      "increase", "histogram_quantile", "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or",
      "unless", "label_values", "offset", "bool", "topk", "bottomk", "abs", "clamp_min", "clamp_max", "delta",
      "deriv", "time", "vector", "scalar");

  @TempDir
  Path dir;

  @SuppressWarnings("unchecked")
  private static Map<String, Object> yaml(Path file) throws IOException {
    return (Map<String, Object>) new Yaml().load(Files.readString(file));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    assertThat(o).isInstanceOf(List.class);
    return (List<Object>) o;
  }

  private static Map<String, Object> service(Map<String, Object> compose, String name) {
    return map(map(compose.get("services")).get(name));
  }

  private static Map<String, String> environment(Map<String, Object> service) {
    Map<String, String> env = new LinkedHashMap<>();
    map(service.get("environment")).forEach((k, v) -> env.put(k, String.valueOf(v)));
    return env;
  }

  /** Host path (relative to compose/) of the bind mount with this target, or null. */
  private static String bindSource(Map<String, Object> service, String target) {
    for (Object v : list(service.get("volumes"))) {
      String[] parts = String.valueOf(v).split(":");
      if (parts.length >= 2 && parts[1].equals(target) && parts[0].startsWith(".")) {
        return parts[0];
      }
    }
    return null;
  }

  private static String secretFile(Map<String, Object> compose, String secret) {
    return String.valueOf(map(map(compose.get("secrets")).get(secret)).get("file"));
  }

  private static ServerSettings settings(Map<String, String> env) {
    CommandLine cl = DriftServer.commandLine(env);
    cl.parseArgs();
    return ((DriftServer) cl.getCommand()).settings();
  }

  @Test
  void theComposeFileDescribesKafkaTwoClusterNodesPrometheusAndGrafana() throws Exception {
    Map<String, Object> compose = yaml(COMPOSE);
    assertThat(map(compose.get("services")).keySet())
        .containsExactlyInAnyOrder("kafka", "driftdb-1", "driftdb-2", "prometheus", "grafana");

    // Kafka: the official image at a pinned 4.1+ tag, KRaft combined mode, data in a volume.
    Map<String, Object> kafka = service(compose, "kafka");
    Matcher tag = Pattern.compile("apache/kafka:(\\d+)\\.(\\d+)\\.(\\d+)").matcher(String.valueOf(kafka.get("image")));
    assertThat(tag.matches()).as("pinned apache/kafka tag: %s", kafka.get("image")).isTrue();
    assertThat(Integer.parseInt(tag.group(1)) * 100 + Integer.parseInt(tag.group(2))).isGreaterThanOrEqualTo(401);
    Map<String, String> kenv = environment(kafka);
    assertThat(kenv.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
    assertThat(kenv.get("KAFKA_CONTROLLER_QUORUM_VOTERS")).isEqualTo(kenv.get("KAFKA_NODE_ID") + "@kafka:9093");
    assertThat(kenv.get("KAFKA_ADVERTISED_LISTENERS")).contains("PLAINTEXT://kafka:9092");
    assertThat(kenv.get("CLUSTER_ID")).matches("[A-Za-z0-9_-]{22}");
    assertThat(bindSource(kafka, kenv.get("KAFKA_LOG_DIRS"))).as("a named volume, not a bind mount").isNull();
    assertThat(String.valueOf(list(kafka.get("volumes")).get(0))).endsWith(":" + kenv.get("KAFKA_LOG_DIRS"));

    // The DriftDB nodes: every DRIFTDB_* variable is a real driftdb-server flag (or one the
    // entry point handles), the settings parse, both share one log topic on the kafka service,
    // each keeps its own data volume, and no host port is published twice.
    Set<String> flagVariables = new TreeSet<>();
    for (CommandLine.Model.OptionSpec o : DriftServer.commandLine(Map.of()).getCommandSpec().options()) {
      if (!o.usageHelp() && !o.versionHelp()) {
        flagVariables.add(EnvironmentDefaults.variableFor(o.longestName()));
      }
    }
    Set<String> logs = new LinkedHashSet<>();
    Set<String> dataVolumes = new LinkedHashSet<>();
    Set<String> hostPorts = new LinkedHashSet<>();
    for (String name : NODES) {
      Map<String, Object> node = service(compose, name);
      Map<String, String> env = environment(node);
      for (String var : env.keySet()) {
        assertThat(flagVariables.contains(var) || ENTRYPOINT_VARIABLES.contains(var))
            .as("%s: %s is neither a driftdb-server flag variable %s nor an entry point variable", name, var,
                flagVariables).isTrue();
      }
      ServerSettings s = settings(env);
      assertThat(s.sharedLog()).as("%s runs in cluster mode", name).isNotNull();
      KafkaLogAddress log = KafkaLogAddress.parse(s.sharedLog());
      assertThat(log.bootstrapServers()).isEqualTo("kafka:9092");
      logs.add(s.sharedLog());
      assertThat(s.listen()).isEqualTo("0.0.0.0");
      assertThat(map(node.get("depends_on")).keySet()).contains("kafka");
      assertThat(list(node.get("secrets"))).contains("driftdb_admin_token");
      assertThat(env.get("DRIFTDB_ADMIN_TOKEN_FILE")).isEqualTo("/run/secrets/driftdb_admin_token");
      String dataVolume = String.valueOf(list(node.get("volumes")).get(0));
      assertThat(dataVolume).endsWith(":" + s.dataPath());
      dataVolumes.add(dataVolume.split(":")[0]);
      for (Object p : list(node.get("ports"))) {
        String[] hc = String.valueOf(p).split(":");
        assertThat(hostPorts.add(hc[0])).as("host port %s published twice", hc[0]).isTrue();
        int container = Integer.parseInt(hc[1]);
        assertThat(container).isIn(s.port(), s.httpPort(), s.kafkaPort());
      }
      @SuppressWarnings("unchecked")
      List<Object> health = (List<Object>) map(node.get("healthcheck")).get("test");
      assertThat(String.valueOf(health.get(health.size() - 1)))
          .isEqualTo("http://127.0.0.1:" + s.httpPort() + "/health/ready");
    }
    assertThat(logs).as("one shared log").hasSize(1);
    assertThat(dataVolumes).as("each node has its own data volume").hasSize(2);
    for (Object p : list(service(compose, "kafka").get("ports"))) {
      assertThat(hostPorts.add(String.valueOf(p).split(":")[0])).isTrue();
    }

    // The image: the entry point and the files the Dockerfile copies exist in this checkout's layout.
    String dockerfile = Files.readString(Path.of("Dockerfile"));
    assertThat(dockerfile).contains("COPY server/target/lib/ ", "COPY server/target/classes/ ",
        "COPY compose/docker-entrypoint.sh ");
    assertThat(Files.isExecutable(Path.of("docker-entrypoint.sh"))).isTrue();
    assertThat(Files.readString(Path.of("docker-entrypoint.sh"))).contains("io.driftdb.server.DriftServer",
        "DRIFTDB_ADMIN_TOKEN_FILE");
    Map<String, Object> build = map(service(compose, "driftdb-1").get("build"));
    assertThat(Path.of(String.valueOf(build.get("context"))).resolve(String.valueOf(build.get("dockerfile")))
        .normalize()).isEqualTo(Path.of("../compose/Dockerfile").normalize());
  }

  @Test
  void prometheusScrapesBothNodesWithTheTokenAndGrafanaUsesTheProvisionedDatasource() throws Exception {
    Map<String, Object> compose = yaml(COMPOSE);
    Map<String, Object> prometheus = service(compose, "prometheus");
    String configSource = bindSource(prometheus, "/etc/prometheus/prometheus.yml");
    assertThat(configSource).isNotNull();
    Map<String, Object> config = yaml(Path.of(configSource));
    Map<String, Object> job = null;
    for (Object j : list(config.get("scrape_configs"))) {
      if ("driftdb".equals(map(j).get("job_name"))) {
        job = map(j);
      }
    }
    assertThat(job).as("scrape job driftdb").isNotNull();
    assertThat(job.get("metrics_path")).isEqualTo("/metrics");
    Map<String, Object> auth = map(job.get("authorization"));
    assertThat(auth.get("type")).isEqualTo("Bearer");
    assertThat(auth.get("credentials_file")).isEqualTo("/run/secrets/driftdb_admin_token");
    assertThat(list(prometheus.get("secrets"))).contains("driftdb_admin_token");
    String token = Files.readString(Path.of(secretFile(compose, "driftdb_admin_token"))).strip();
    assertThat(token).isNotEmpty().doesNotContainAnyWhitespaces();

    List<String> expectedTargets = new ArrayList<>();
    for (String name : NODES) {
      expectedTargets.add(name + ":" + settings(environment(service(compose, name))).httpPort());
    }
    List<Object> targets = list(map(list(job.get("static_configs")).get(0)).get("targets"));
    assertThat(targets).containsExactlyInAnyOrderElementsOf(expectedTargets);

    // Grafana: the provisioned datasource is the one every panel names; the dashboard folder
    // the provider reads is where compose mounts the dashboards.
    Map<String, Object> grafana = service(compose, "grafana");
    String provisioning = bindSource(grafana, "/etc/grafana/provisioning");
    Map<String, Object> ds = map(list(yaml(Path.of(provisioning, "datasources", "prometheus.yml"))
        .get("datasources")).get(0));
    assertThat(ds.get("url")).isEqualTo("http://prometheus:9090");
    Map<String, Object> provider = map(list(yaml(Path.of(provisioning, "dashboards", "driftdb.yml"))
        .get("providers")).get(0));
    String dashboardsDir = String.valueOf(map(provider.get("options")).get("path"));
    String dashboardsSource = bindSource(grafana, dashboardsDir);
    assertThat(dashboardsSource).as("a bind mount at %s", dashboardsDir).isNotNull();
    JsonNode dashboard = new ObjectMapper().readTree(Path.of(dashboardsSource, "driftdb.json").toFile());
    List<JsonNode> panels = new ArrayList<>();
    dashboard.get("panels").forEach(panels::add);
    assertThat(panels).isNotEmpty();
    for (JsonNode p : panels) {
      if (!p.get("type").asText().equals("row")) {
        assertThat(p.at("/datasource/uid").asText()).as("panel %s", p.get("title")).isEqualTo(ds.get("uid"));
        assertThat(p.get("targets")).as("panel %s", p.get("title")).isNotEmpty();
      }
    }
    assertThat(environment(grafana).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"))
        .isEqualTo(dashboardsDir + "/driftdb.json");
  }

  /** The PromQL expressions of the dashboard (panel targets and template queries). */
  private static List<String> dashboardExpressions() throws IOException {
    JsonNode d = new ObjectMapper().readTree(Path.of("grafana/dashboards/driftdb.json").toFile());
    List<String> out = new ArrayList<>();
    for (JsonNode p : d.get("panels")) {
      if (p.has("targets")) {
        p.get("targets").forEach(t -> out.add(t.get("expr").asText()));
      }
    }
    d.at("/templating/list").forEach(v -> out.add(v.get("definition").asText()));
    return out;
  }

  /** Metric names an expression selects, with the label names its matchers use. */
  static Map<String, Set<String>> selectors(String expr) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    // Drop grouping clauses (their words are label names) and $variables, then find identifiers
    // that are not PromQL words and not label names inside {...}.
    String e = expr.replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", " ").replaceAll("\\$\\w+", " ")
        .replaceAll("\\[[^\\]]*\\]", " ").replaceAll("\"[^\"]*\"", "\"\"");
    Matcher m = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{([^}]*)})?").matcher(e);
    int pos = 0;
    while (m.find(pos)) {
      pos = m.end();
      String name = m.group(1);
      if (PROMQL_WORDS.contains(name) || name.matches("\\d.*") || m.end(1) < e.length() && e.charAt(m.end(1)) == '('
          && m.group(2) == null) {
        continue;
      }
      Set<String> labels = out.computeIfAbsent(name, k -> new TreeSet<>());
      if (m.group(3) != null) {
        for (String matcher : m.group(3).split(",")) {
          String label = matcher.split("[=!~]")[0].trim();
          if (!label.isEmpty()) {
            labels.add(label);
          }
        }
      }
    }
    return out;
  }

  @Test
  void selectorsFindMetricNamesAndMatcherLabels() {
    assertThat(selectors("histogram_quantile(0.99, sum by (le, kind) (rate(driftdb_x_bucket{job=\"driftdb\", "
        + "instance=~\"$instance\"}[$__rate_interval])))"))
        .containsExactly(Map.entry("driftdb_x_bucket", new TreeSet<>(Set.of("job", "instance"))));
    assertThat(selectors("sum by (instance) (jvm_memory_used_bytes{area=\"heap\"}) / up"))
        .containsOnlyKeys("jvm_memory_used_bytes", "up");
    assertThat(selectors("label_values(driftdb_log_head_seq{job=\"driftdb\"}, instance)"))
        .containsOnlyKeys("driftdb_log_head_seq", "instance");
  }

  /** Series name → label names, from a Prometheus text exposition. */
  private static Map<String, Set<String>> series(String exposition) {
    Map<String, Set<String>> out = new HashMap<>();
    Pattern line = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? \\S+.*$");
    Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
    for (String l : exposition.split("\n")) {
      Matcher m = line.matcher(l);
      if (l.startsWith("#") || !m.matches()) {
        continue;
      }
      Set<String> labels = out.computeIfAbsent(m.group(1), k -> new TreeSet<>());
      if (m.group(3) != null) {
        Matcher lm = label.matcher(m.group(3));
        while (lm.find()) {
          labels.add(lm.group(1));
        }
      }
    }
    return out;
  }

  private static void exec(Connection c, String... sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  @Test
  void twoNodesConfiguredLikeTheComposeFileServeTheDashboardsMetrics() throws Exception {
    Map<String, Object> compose = yaml(COMPOSE);
    String token = Files.readString(Path.of(secretFile(compose, "driftdb_admin_token"))).strip();
    List<String> expressions = dashboardExpressions();
    List<ServerRuntime> nodes = new ArrayList<>();
    try (InProcessKafka kafka = InProcessKafka.start(1)) {
      for (String name : NODES) {
        Map<String, String> env = new HashMap<>(environment(service(compose, name)));
        // What the container's entry point does with the secret, then only the addresses change.
        env.remove("DRIFTDB_ADMIN_TOKEN_FILE");
        env.remove("DRIFTDB_JAVA_OPTS");
        env.put("DRIFTDB_ADMIN_TOKEN", token);
        String topic = KafkaLogAddress.parse(env.get("DRIFTDB_LOG")).topic();
        env.put("DRIFTDB_LOG", kafka.logUri(topic));
        env.put("DRIFTDB_DATA_PATH", dir.resolve(name).toString());
        env.put("DRIFTDB_LISTEN", "127.0.0.1");
        env.put("DRIFTDB_PORT", "0");
        env.put("DRIFTDB_HTTP_PORT", "0");
        env.put("DRIFTDB_KAFKA_PORT", "0");
        nodes.add(ServerRuntime.start(settings(env)));
      }
      String url1 = "jdbc:postgresql://127.0.0.1:" + nodes.get(0).pgAddress().getPort() + "/driftdb?user=driftdb";
      String url2 = "jdbc:postgresql://127.0.0.1:" + nodes.get(1).pgAddress().getPort() + "/driftdb?user=driftdb";
      long seq;
      try (Connection a = DriverManager.getConnection(url1); Connection b = DriverManager.getConnection(url2)) {
        exec(a, "CREATE TABLE readings (id BIGINT PRIMARY KEY, v VARCHAR)", "INSERT INTO readings VALUES (1, 'a'), "
            + "(2, 'b')", "UPDATE readings SET v = 'c' WHERE id = 1", "BEGIN", "ROLLBACK");
        try (Statement s = a.createStatement(); ResultSet rs = s.executeQuery("SELECT last_commit_seq()")) {
          rs.next();
          seq = rs.getLong(1);
        }
        try (Statement s = a.createStatement()) {
          s.execute("SELECT * FROM no_such_table");
        } catch (SQLException expected) {
          // a failed statement, so outcome="error" exists
        }
        exec(b, "SET driftdb.read_after = " + seq, "INSERT INTO readings VALUES (3, 'from node 2')");
        try (Statement s = b.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM readings")) {
          rs.next();
          assertThat(rs.getLong(1)).as("node 2 sees node 1's rows through the shared log").isEqualTo(3);
        }
      }

      System.gc(); // jvm_gc_pause_seconds appears with the first GC the registry has seen
      HttpClient http = HttpClient.newHttpClient();
      Map<String, Set<String>> scraped = new HashMap<>();
      for (ServerRuntime node : nodes) {
        URI metrics = URI.create("http://127.0.0.1:" + node.httpAddress().getPort() + "/metrics");
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(metrics).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).as("/metrics without the token").isEqualTo(401);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).header("Authorization", "Bearer " + token)
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        series(r.body()).forEach((k, v) -> scraped.computeIfAbsent(k, x -> new TreeSet<>()).addAll(v));
      }
      Set<String> used = new TreeSet<>();
      for (String expr : expressions) {
        Map<String, Set<String>> sel = selectors(expr);
        assertThat(sel).as("metrics in %s", expr).isNotEmpty();
        sel.forEach((metric, labels) -> {
          if (metric.equals("instance") && expr.startsWith("label_values(")) {
            return; // label_values(metric, instance): the second argument is a label
          }
          used.add(metric);
          if (SYNTHETIC_SERIES.contains(metric)) {
            return;
          }
          assertThat(scraped).as("%s (in %s) is exported by the server", metric, expr).containsKey(metric);
          Set<String> expected = new TreeSet<>(labels);
          expected.removeAll(Set.of("job", "instance")); // added by Prometheus
          assertThat(scraped.get(metric)).as("labels of %s in %s", metric, expr).containsAll(expected);
        });
      }
      assertThat(used).as("the dashboard covers the server's own metrics")
          .contains("driftdb_statements_total", "driftdb_commits_total", "driftdb_log_head_seq",
              "driftdb_materializer_lag_records", "driftdb_log_fsync_duration_seconds_bucket");
    } finally {
      for (ServerRuntime n : nodes) {
        n.stop();
      }
    }
  }
}
