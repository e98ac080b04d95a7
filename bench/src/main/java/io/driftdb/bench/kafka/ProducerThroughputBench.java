package io.driftdb.bench.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Producer throughput (issue 6e): the same unmodified {@link KafkaProducer} (acks=all,
 * idempotent, same batching, optionally zstd) sends the same N records with distinct keys into
 * <ul>
 *   <li><b>DriftDB</b>: the real server ({@code io.driftdb.server.DriftServer}, {@code --fsync
 *       group}: a batch is acknowledged once its transaction was fdatasynced) in a
 *       child JVM with the launchers' JVM flags ({@code -XX:MaxTenuringThreshold=0
 *       -XX:-G1UseAdaptiveIHOP -XX:InitiatingHeapOccupancyPercent=70 -XX:MetaspaceSize=256m}) and what
 *       server/README.md recommends for a server: a fixed, pre-touched heap with room for its state
 *       ({@code -Xms12g -Xmx12g -XX:+AlwaysPreTouch}, half of the 24 GiB box), as Kafka runs
 *       with its start script's fixed heap, and OS thread priorities, so that the snapshot thread
 *       runs at nice 19 ({@code -XX:ThreadPriorityPolicy=1 -XX:JavaPriority1_To_OSPriority=19});
 *       a fresh server on an empty data directory for each value size (the state of a cell stays
 *       on the heap); topic = a table {@code (id BIGINT PRIMARY KEY, payload VARCHAR)}; afterwards
 *       {@code SELECT count(*), min(id), max(id)} over pgJDBC must show all N rows;</li>
 *   <li><b>Kafka</b>: a real single broker ({@code kafka.Kafka} 4.x, KRaft combined
 *       broker+controller, formatted with {@code kafka.tools.StorageTool}) in a child JVM, topic
 *       with 1 partition and replication 1, once with Kafka's defaults (no fsync per message: the
 *       page cache holds acknowledged data) and once with {@code log.flush.interval.messages=1}
 *       (an fsync per appended batch); afterwards the topic's end offset must be N.</li>
 * </ul>
 * Values are JSON rows {@code {"id":<n>,"payload":"<letters>"}} padded to exactly the value
 * size; keys are the decimal id. Records/s and MB/s (10^6 bytes of record values per second)
 * are measured from the first send to the return of {@code flush()} (every record acknowledged).
 * Each (system, size) pair first sends for {@code --warmup} seconds (default 5) to a separate table/topic with
 * another producer, so the server and this JVM are warm. Systems run one after another, never at
 * the same time. Use {@code bench/producer/run.sh}.
 */
public final class ProducerThroughputBench {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private ProducerThroughputBench() {}

  enum Target {
    DRIFTDB("DriftDB (fsync group)"),
    KAFKA("Kafka, default flush (no fsync per message)"),
    KAFKA_FLUSH1("Kafka, log.flush.interval.messages=1 (fsync per batch)");

    final String label;

    Target(String label) {
      this.label = label;
    }

    static Target parse(String s) {
      return switch (s.trim()) {
        case "driftdb" -> DRIFTDB;
        case "kafka" -> KAFKA;
        case "kafka-flush1" -> KAFKA_FLUSH1;
        default -> throw new IllegalArgumentException("unknown system " + s + " (driftdb, kafka, kafka-flush1)");
      };
    }
  }

  record Options(Path dir, long records, double warmupSeconds, int[] payloads, String compression, List<Target> systems,
                 String serverClasspath, String kafkaClasspath, List<String> driftJvm, List<String> kafkaJvm,
                 Map<String, String> producerProps, int rounds, boolean keep) {
    static Options parse(String[] args) {
      Path dir = Path.of(System.getProperty("java.io.tmpdir"), "driftdb-bench-producer");
      long records = 100_000;
      double warmup = 5;
      int[] payloads = {100, 1024};
      String compression = "none";
      List<Target> systems = List.of(Target.DRIFTDB, Target.KAFKA, Target.KAFKA_FLUSH1);
      String serverCp = null;
      String kafkaCp = System.getProperty("java.class.path");
      // bin/driftdb-server's flag, plus the fixed pre-touched heap server/README.md recommends: DriftDB keeps
      // its state on the heap, and a heap that grows into fresh memory pays a page fault per 4 KiB on first use
      // (3M records of 100 B: 17-19 s of server CPU without, 13-14 s with; bench/README.md, 2026-11-22), and the
      // thread priorities that put the snapshot thread at nice 19 (server/README.md; bench/README.md, session 10).
      // 12 GiB, not the JVM's default 6: a cell's warm-up and run leave up to ~13M rows (~4.3 GB) on the heap, and
      // with the state at 70% of a 6 GiB heap G1 marked it back to back, half the server's CPU (Run T, session 11).
      // The launchers' G1 flags since session 12 (bin/driftdb-server): marking only at 70 % occupancy; with
      // G1's adaptive threshold, a 1 KiB cell's ~6.5 GB state was marked back to back (server CPU 22 s
      // against 15 s for 2M records; bench/README.md, session 12).
      List<String> driftJvm = List.of("-XX:MaxTenuringThreshold=0", "-XX:-G1UseAdaptiveIHOP",
          "-XX:InitiatingHeapOccupancyPercent=70", "-XX:MetaspaceSize=256m", "-Xms12g", "-Xmx12g",
          "-XX:+AlwaysPreTouch", "-XX:ThreadPriorityPolicy=1", "-XX:JavaPriority1_To_OSPriority=19");
      // kafka-server-start.sh's defaults (KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS).
      List<String> kafkaJvm = List.of("-Xmx1G", "-Xms1G", "-server", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
          "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true");
      Map<String, String> producerProps = new LinkedHashMap<>();
      int rounds = 1;
      boolean keep = false;
      for (int i = 0; i < args.length; i++) {
        String v = i + 1 < args.length ? args[i + 1] : "";
        switch (args[i]) {
          case "--dir" -> dir = Path.of(v);
          case "--records" -> records = Long.parseLong(v.replace("_", ""));
          case "--warmup" -> warmup = Double.parseDouble(v);
          case "--payloads" -> payloads = Arrays.stream(v.split(",")).mapToInt(s -> Integer.parseInt(s.trim()))
              .toArray();
          case "--compression" -> compression = v;
          case "--systems" -> systems = Arrays.stream(v.split(",")).map(Target::parse).toList();
          case "--server-classpath" -> serverCp = v;
          case "--kafka-classpath" -> kafkaCp = v;
          case "--driftdb-jvm" -> driftJvm = v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
          case "--kafka-jvm" -> kafkaJvm = v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
          case "--producer" -> {
            int eq = v.indexOf('=');
            if (eq <= 0) {
              throw new IllegalArgumentException("--producer expects key=value, got " + v);
            }
            producerProps.put(v.substring(0, eq), v.substring(eq + 1));
          }
          case "--rounds" -> rounds = Integer.parseInt(v);
          case "--keep" -> {
            keep = true;
            i--;
          }
          default -> throw new IllegalArgumentException("unknown option " + args[i] + " (expected --dir, --records, "
              + "--warmup, --payloads, --compression, --systems, --server-classpath, --kafka-classpath, "
              + "--driftdb-jvm, --kafka-jvm, --producer key=value, --rounds, --keep)");
        }
        i++;
      }
      if (serverCp == null && systems.contains(Target.DRIFTDB)) {
        throw new IllegalArgumentException("--server-classpath is required (server/target/classes:server/target/lib/*)");
      }
      for (int p : payloads) {
        if (p < 64) {
          throw new IllegalArgumentException("value sizes below 64 bytes cannot hold the JSON row: " + p);
        }
      }
      return new Options(dir, records, warmup, payloads, compression, systems, serverCp, kafkaCp, driftJvm, kafkaJvm,
          producerProps, rounds, keep);
    }
  }

  /** One measured cell. */
  record Result(int round, Target system, int payload, long records, double seconds, double serverCpuSeconds,
                double driverCpuSeconds, double batchSizeAvg, double recordsPerRequestAvg, double requestLatencyMs,
                long transactions, long fsyncs, double fsyncMeanMs, double serverProduceMs) {
    double recordsPerSec() {
      return records / seconds;
    }

    double mbPerSec() {
      return records * (double) payload / seconds / 1e6;
    }
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    deleteTree(o.dir());
    Files.createDirectories(o.dir());
    System.out.printf(Locale.ROOT, "Producer throughput bench, %s; %d records per cell (after %.0f s of warm-up), "
            + "values %s bytes, compression %s, %d core(s), JDK %s, load average %s%n", LocalDateTime.now().format(STAMP),
        o.records(), o.warmupSeconds(), Arrays.toString(o.payloads()), o.compression(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadAverage());
    Map<String, Object> shown = producerConfig("bootstrap", "bench", o);
    shown.remove(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
    shown.remove(ProducerConfig.CLIENT_ID_CONFIG);
    shown.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
    shown.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
    System.out.println("Producer settings (both systems): " + shown + " (others: client defaults)");
    List<Result> results = new ArrayList<>();
    for (int round = 1; round <= o.rounds(); round++) {
      for (Target s : o.systems()) {
        Path dir = o.dir().resolve(s.name().toLowerCase(Locale.ROOT) + "-" + round);
        Files.createDirectories(dir);
        List<Result> rs = switch (s) {
          case DRIFTDB -> runDriftDb(o, round, dir);
          case KAFKA, KAFKA_FLUSH1 -> runKafka(o, round, dir, s);
        };
        results.addAll(rs);
        if (!o.keep()) {
          deleteTree(dir);
        }
      }
    }
    System.out.println();
    System.out.println("Load average at the end: " + loadAverage());
    System.out.println();
    printSummary(o, results);
    System.out.println();
    printDetails(results);
    if (!o.keep()) {
      deleteTree(o.dir());
    }
  }

  // ---------------------------------------------------------------- DriftDB

  /**
   * One server per value size, each on an empty data directory: DriftDB keeps its state on the
   * heap, and a server that kept the previous cell's rows (15M+ at 100 B) ran the 1 KiB cell
   * with its heap past G1's marking threshold, a configuration server/README.md advises against,
   * where Kafka's earlier cells cost it nothing (they are on disk).
   */
  private static List<Result> runDriftDb(Options o, int round, Path dir) throws Exception {
    List<Result> out = new ArrayList<>();
    for (int size : o.payloads()) {
      out.add(runDriftDb(o, round, dir.resolve("data-" + size), size));
    }
    return out;
  }

  private static Result runDriftDb(Options o, int round, Path dir, int size) throws Exception {
    Files.createDirectories(dir);
    int pgPort = freePort();
    int httpPort = freePort();
    int kafkaPort = freePort();
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBin());
    cmd.addAll(o.driftJvm());
    cmd.addAll(List.of("-cp", o.serverClasspath(), "io.driftdb.server.DriftServer", "--data-path",
        dir.resolve("data").toString(), "--port", String.valueOf(pgPort), "--http-port", String.valueOf(httpPort),
        "--kafka-port", String.valueOf(kafkaPort), "--fsync", "group"));
    Path log = dir.resolve("driftdb-server.log");
    step("DriftDB: starting the server (pgwire " + pgPort + ", http " + httpPort + ", kafka " + kafkaPort + ")");
    Process server = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      waitForLine(server, log, "DriftDB ready", Duration.ofSeconds(120));
      String jdbc = "jdbc:postgresql://127.0.0.1:" + pgPort + "/driftdb?user=driftdb";
      String bootstrap = "127.0.0.1:" + kafkaPort;
      HttpClient http = HttpClient.newHttpClient();
      URI metrics = URI.create("http://127.0.0.1:" + httpPort + "/metrics");
      try (Connection c = DriverManager.getConnection(jdbc); Statement st = c.createStatement()) {
        String table = "bench_" + size;
        for (String warm : warmUpTopics(size)) {
          st.execute("CREATE TABLE " + warm + " (id BIGINT PRIMARY KEY, payload VARCHAR)");
        }
        st.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, payload VARCHAR)");
        warmUp(o, bootstrap, size);
        Map<String, Double> before = scrape(http, metrics);
        long cpu0 = cpuNanos(server);
        Measured m = produce(o, bootstrap, table, size, o.records(), "measured");
        long cpu1 = cpuNanos(server);
        Map<String, Double> after = scrape(http, metrics);
        try (ResultSet rs = st.executeQuery("SELECT count(*), min(id), max(id) FROM " + table)) {
          rs.next();
          long count = rs.getLong(1);
          long min = rs.getLong(2);
          long max = rs.getLong(3);
          if (count != o.records() || min != 0 || max != o.records() - 1) {
            throw new IllegalStateException("DriftDB table " + table + " holds " + count + " rows (ids " + min + ".."
                + max + "), expected " + o.records() + " (ids 0.." + (o.records() - 1) + ")");
          }
          step(String.format(Locale.ROOT, "DriftDB: SELECT count(*) FROM %s = %d (ids %d..%d) after the run: every "
              + "acknowledged record is in the table", table, count, min, max));
        }
        long tx = Math.round(delta(before, after, "driftdb_commits_total"));
        long fsyncs = Math.round(delta(before, after, "driftdb_log_fsync_duration_seconds_count"));
        double fsyncMeanMs = fsyncs == 0 ? 0
            : delta(before, after, "driftdb_log_fsync_duration_seconds_sum") * 1000 / fsyncs;
        // The gateway's own time per Produce request, from its last byte read to its response flushed.
        String produce = "{request=\"Produce\"}";
        double produceRequests = delta(before, after, "driftdb_kafka_request_duration_seconds_count" + produce);
        double serverProduceMs = produceRequests > 0
            ? delta(before, after, "driftdb_kafka_request_duration_seconds_sum" + produce) * 1000 / produceRequests
            : Double.NaN;
        Result r = m.toResult(round, Target.DRIFTDB, size, o.records(), (cpu1 - cpu0) / 1e9, tx, fsyncs, fsyncMeanMs,
            serverProduceMs);
        report(r);
        return r;
      }
    } finally {
      stop(server, "DriftDB");
    }
  }

  private static Map<String, Double> scrape(HttpClient http, URI uri) throws IOException, InterruptedException {
    HttpResponse<String> resp = http.send(HttpRequest.newBuilder(uri).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    Map<String, Double> m = new LinkedHashMap<>();
    for (String line : resp.body().split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      int sp = line.lastIndexOf(' ');
      try {
        m.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
      } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
        // not a sample line
      }
    }
    return m;
  }

  private static double delta(Map<String, Double> before, Map<String, Double> after, String name) {
    return after.getOrDefault(name, Double.NaN) - before.getOrDefault(name, 0.0);
  }

  // ---------------------------------------------------------------- Kafka

  private static List<Result> runKafka(Options o, int round, Path dir, Target s) throws Exception {
    int brokerPort = freePort();
    int controllerPort = freePort();
    Path props = dir.resolve("server.properties");
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
    p.setProperty("log.dirs", dir.resolve("kafka-logs").toString());
    p.setProperty("num.partitions", "1");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    p.setProperty("auto.create.topics.enable", "false");
    if (s == Target.KAFKA_FLUSH1) {
      p.setProperty("log.flush.interval.messages", "1");
    }
    try (var w = Files.newBufferedWriter(props)) {
      p.store(w, "ProducerThroughputBench: single KRaft broker+controller (" + s.label + ")");
    }
    String clusterId = Uuid.randomUuid().toString();
    step("Kafka (" + s.label + "): formatting " + dir.resolve("kafka-logs"));
    Path formatLog = dir.resolve("kafka-format.log");
    Process format = new ProcessBuilder(javaBin(), "-cp", o.kafkaClasspath(), "kafka.tools.StorageTool", "format",
        "-t", clusterId, "-c", props.toString()).redirectErrorStream(true).redirectOutput(formatLog.toFile()).start();
    if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
      format.destroyForcibly();
      throw new IllegalStateException("kafka-storage format failed:\n" + Files.readString(formatLog));
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBin());
    cmd.addAll(o.kafkaJvm());
    cmd.addAll(List.of("-Dbench.log.level=INFO", "-cp", o.kafkaClasspath(), "kafka.Kafka", props.toString()));
    Path log = dir.resolve("kafka-server.log");
    step("Kafka (" + s.label + "): starting kafka.Kafka (broker " + brokerPort + ", controller " + controllerPort
        + ")");
    Process broker = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    List<Result> out = new ArrayList<>();
    String bootstrap = "127.0.0.1:" + brokerPort;
    try (Admin admin = waitForBroker(broker, log, bootstrap)) {
      List<NewTopic> topics = new ArrayList<>();
      for (int size : o.payloads()) {
        for (String warm : warmUpTopics(size)) {
          topics.add(new NewTopic(warm, 1, (short) 1));
        }
        topics.add(new NewTopic("bench_" + size, 1, (short) 1));
      }
      admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
      for (int size : o.payloads()) {
        String topic = "bench_" + size;
        Config tc = topicConfig(admin, topic);
        step("Kafka: topic " + topic + ": 1 partition, replication 1, flush.messages="
            + tc.get("flush.messages").value() + ", flush.ms=" + tc.get("flush.ms").value());
        warmUp(o, bootstrap, size);
        long cpu0 = cpuNanos(broker);
        Measured m = produce(o, bootstrap, topic, size, o.records(), "measured");
        long cpu1 = cpuNanos(broker);
        TopicPartition tp = new TopicPartition(topic, 0);
        long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get(60, TimeUnit.SECONDS)
            .offset();
        if (end != o.records()) {
          throw new IllegalStateException("Kafka topic " + topic + " ends at offset " + end + ", expected "
              + o.records());
        }
        step("Kafka: end offset of " + topic + " = " + end + " after the run");
        Result r = m.toResult(round, s, size, o.records(), (cpu1 - cpu0) / 1e9, -1, -1, 0, Double.NaN);
        report(r);
        out.add(r);
      }
    } finally {
      stop(broker, "Kafka");
    }
    return out;
  }

  /** The topic's configuration, once the broker knows the topic (creation reaches it asynchronously). */
  private static Config topicConfig(Admin admin, String topic) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        return admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic))).all()
            .get(60, TimeUnit.SECONDS).values().iterator().next();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  private static Admin waitForBroker(Process broker, Path log, String bootstrap) throws Exception {
    Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      if (!broker.isAlive()) {
        admin.close();
        throw new IllegalStateException("the Kafka broker exited with " + broker.exitValue() + ":\n" + tail(log));
      }
      try {
        if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
          return admin;
        }
      } catch (Exception e) {
        // not up yet
      }
      if (System.nanoTime() > deadline) {
        admin.close();
        throw new IllegalStateException("the Kafka broker did not come up within 120 s:\n" + tail(log));
      }
      Thread.sleep(200);
    }
  }

  // ---------------------------------------------------------------- the producer

  /** What one producer run measured. */
  record Measured(double seconds, double driverCpuSeconds, double batchSizeAvg, double recordsPerRequestAvg,
                  double requestLatencyMs) {
    Result toResult(int round, Target s, int payload, long records, double serverCpu, long tx, long fsyncs,
                    double fsyncMeanMs, double serverProduceMs) {
      return new Result(round, s, payload, records, seconds, serverCpu, driverCpuSeconds, batchSizeAvg,
          recordsPerRequestAvg, requestLatencyMs, tx, fsyncs, fsyncMeanMs, serverProduceMs);
    }
  }

  static Map<String, Object> producerConfig(String bootstrap, String clientId, Options o) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, o.compression());
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    c.putAll(o.producerProps());
    return c;
  }

  private static Measured produce(Options o, String bootstrap, String topic, int size, long n, String what)
      throws Exception {
    RowValues values = new RowValues(size);
    AtomicLong acked = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicReference<Exception> firstError = new AtomicReference<>();
    long cpu0;
    long t0;
    long t1;
    Map<MetricName, ? extends Metric> metrics;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(bootstrap, "bench-" + what, o))) {
      producer.partitionsFor(topic); // metadata before the clock starts
      cpu0 = processCpuNanos();
      t0 = System.nanoTime();
      for (long i = 0; i < n; i++) {
        producer.send(new ProducerRecord<>(topic, Long.toString(i).getBytes(StandardCharsets.US_ASCII),
            values.value(i)), (md, e) -> {
              if (e == null) {
                acked.incrementAndGet();
              } else {
                failed.incrementAndGet();
                firstError.compareAndSet(null, e);
              }
            });
      }
      producer.flush();
      t1 = System.nanoTime();
      metrics = producer.metrics();
    }
    long cpu1 = processCpuNanos();
    if (failed.get() != 0 || acked.get() != n) {
      throw new IllegalStateException(what + " run into " + topic + ": " + acked.get() + " of " + n
          + " records acknowledged, " + failed.get() + " failed", firstError.get());
    }
    return new Measured((t1 - t0) / 1e9, (cpu1 - cpu0) / 1e9, metric(metrics, "batch-size-avg"),
        metric(metrics, "records-per-request-avg"), metric(metrics, "request-latency-avg"));
  }

  /**
   * The warm-up topics (tables) of one value size. Two, each filled from key 0 by its own
   * producer for half the warm-up: the measured run starts a new producer on a new, empty topic
   * at key 0, and a server that had seen that only once, before its JIT compiler had profiled
   * anything, deoptimized and recompiled its hot path inside the measured window (DriftDB: ~7 s
   * of C2 compilation during a 17 s run, JFR, 2026-11-21). Both systems get the same warm-up.
   */
  private static List<String> warmUpTopics(int size) {
    return List.of("warmup_" + size, "warmup2_" + size);
  }

  private static void warmUp(Options o, String bootstrap, int size) throws Exception {
    List<String> topics = warmUpTopics(size);
    for (String topic : topics) {
      warmUp(o, bootstrap, topic, size, o.warmupSeconds() / topics.size());
    }
  }

  /** Sends to one warm-up table/topic for {@code seconds} (same settings, another producer). */
  private static void warmUp(Options o, String bootstrap, String topic, int size, double seconds)
      throws Exception {
    RowValues values = new RowValues(size);
    AtomicLong failed = new AtomicLong();
    AtomicReference<Exception> firstError = new AtomicReference<>();
    // At most 8 MiB unacknowledged, so the flush at the end does not drain a full 32 MiB buffer.
    Semaphore outstanding = new Semaphore(Math.max(1, (8 << 20) / size));
    long n = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(bootstrap, "bench-warmup", o))) {
      long end = System.nanoTime() + (long) (seconds * 1e9);
      while (System.nanoTime() < end) {
        for (int k = 0; k < 1000; k++, n++) {
          outstanding.acquire();
          producer.send(new ProducerRecord<>(topic, Long.toString(n).getBytes(StandardCharsets.US_ASCII),
              values.value(n)), (md, e) -> {
                outstanding.release();
                if (e != null) {
                  failed.incrementAndGet();
                  firstError.compareAndSet(null, e);
                }
              });
        }
      }
      producer.flush();
    }
    if (failed.get() != 0) {
      throw new IllegalStateException("warm-up into " + topic + ": " + failed.get() + " records failed",
          firstError.get());
    }
  }

  private static double metric(Map<MetricName, ? extends Metric> metrics, String name) {
    for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
      if (e.getKey().name().equals(name) && e.getKey().group().equals("producer-metrics")
          && e.getValue().metricValue() instanceof Double d) {
        return d;
      }
    }
    return Double.NaN;
  }

  /**
   * JSON rows {@code {"id":<i>,"payload":"..."}} of exactly {@code size} bytes; the payload is a
   * slice of a fixed pseudo-random letter pool (so compression sees text, not one repeated byte).
   */
  static final class RowValues {
    private static final byte[] POOL = pool();
    private final int size;

    RowValues(int size) {
      this.size = size;
    }

    private static byte[] pool() {
      byte[] alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".getBytes(StandardCharsets.US_ASCII);
      byte[] p = new byte[1 << 16];
      Random r = new Random(6_000_000_005L);
      for (int i = 0; i < p.length; i++) {
        p[i] = alphabet[r.nextInt(alphabet.length)];
      }
      return p;
    }

    byte[] value(long id) {
      byte[] head = ("{\"id\":" + id + ",\"payload\":\"").getBytes(StandardCharsets.US_ASCII);
      byte[] v = new byte[size];
      int fill = size - head.length - 2;
      System.arraycopy(head, 0, v, 0, head.length);
      int from = (int) ((id * 7919) % (POOL.length - fill));
      System.arraycopy(POOL, from, v, head.length, fill);
      v[size - 2] = '"';
      v[size - 1] = '}';
      return v;
    }
  }

  // ---------------------------------------------------------------- output

  private static void report(Result r) {
    step(String.format(Locale.ROOT, "%s, %d B: %,d records in %.2f s = %,.0f records/s, %.1f MB/s; server CPU %.1f s, "
            + "producer JVM CPU %.1f s; avg batch %.0f B, %.1f records/request, request latency %.1f ms%s",
        r.system().label, r.payload(), r.records(), r.seconds(), r.recordsPerSec(), r.mbPerSec(), r.serverCpuSeconds(),
        r.driverCpuSeconds(), r.batchSizeAvg(), r.recordsPerRequestAvg(), r.requestLatencyMs(),
        r.transactions() < 0 ? "" : String.format(Locale.ROOT, "; %,d transactions, %,d fsyncs of %.2f ms on average; "
            + "%.2f ms per Produce request in the server", r.transactions(), r.fsyncs(), r.fsyncMeanMs(),
            r.serverProduceMs())));
  }

  private static void printSummary(Options o, List<Result> results) {
    System.out.println("Summary (records/s; MB/s = 10^6 bytes of record values per second):");
    System.out.println();
    List<Target> kafkas = o.systems().stream().filter(s -> s != Target.DRIFTDB).toList();
    StringBuilder h = new StringBuilder("| round | value | DriftDB records/s | DriftDB MB/s |");
    StringBuilder d = new StringBuilder("|---:|---:|---:|---:|");
    for (Target k : kafkas) {
      String n = k == Target.KAFKA ? "Kafka default" : "Kafka flush=1";
      h.append(' ').append(n).append(" records/s | ").append(n).append(" MB/s | DriftDB / ").append(n).append(" |");
      d.append("---:|---:|---:|");
    }
    System.out.println(h);
    System.out.println(d);
    for (int round = 1; round <= o.rounds(); round++) {
      for (int size : o.payloads()) {
        Result drift = find(results, round, Target.DRIFTDB, size);
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %d | %s | %s | %s |", round, sizeLabel(size),
            drift == null ? "–" : String.format(Locale.ROOT, "%,.0f", drift.recordsPerSec()),
            drift == null ? "–" : String.format(Locale.ROOT, "%.1f", drift.mbPerSec())));
        for (Target k : kafkas) {
          Result kr = find(results, round, k, size);
          row.append(String.format(Locale.ROOT, " %s | %s | %s |",
              kr == null ? "–" : String.format(Locale.ROOT, "%,.0f", kr.recordsPerSec()),
              kr == null ? "–" : String.format(Locale.ROOT, "%.1f", kr.mbPerSec()),
              kr == null || drift == null ? "–"
                  : String.format(Locale.ROOT, "%.2fx", drift.recordsPerSec() / kr.recordsPerSec())));
        }
        System.out.println(row);
      }
    }
  }

  private static void printDetails(List<Result> results) {
    System.out.println("| round | system | value | records | seconds | records/s | MB/s | server CPU s | "
        + "producer JVM CPU s | avg batch B | records/request | request latency ms | of it in the server ms | "
        + "transactions | fsyncs |");
    System.out.println("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Result r : results) {
      System.out.println(String.format(Locale.ROOT,
          "| %d | %s | %s | %,d | %.2f | %,.0f | %.1f | %.1f | %.1f | %,.0f | %.1f | %.1f | %s | %s | %s |", r.round(),
          r.system().label, sizeLabel(r.payload()), r.records(), r.seconds(), r.recordsPerSec(), r.mbPerSec(),
          r.serverCpuSeconds(), r.driverCpuSeconds(), r.batchSizeAvg(), r.recordsPerRequestAvg(), r.requestLatencyMs(),
          Double.isNaN(r.serverProduceMs()) ? "–" : String.format(Locale.ROOT, "%.2f", r.serverProduceMs()),
          r.transactions() < 0 ? "–" : String.format(Locale.ROOT, "%,d", r.transactions()),
          r.fsyncs() < 0 ? "–" : String.format(Locale.ROOT, "%,d", r.fsyncs())));
    }
  }

  private static Result find(List<Result> results, int round, Target s, int size) {
    return results.stream().filter(r -> r.round() == round && r.system() == s && r.payload() == size).findFirst()
        .orElse(null);
  }

  private static String sizeLabel(int size) {
    return size % 1024 == 0 ? (size / 1024) + " KiB" : size + " B";
  }

  // ---------------------------------------------------------------- processes

  private static void step(String msg) {
    System.out.println("[" + LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_TIME).substring(0, 8)
        + "] " + msg);
    System.out.flush();
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void waitForLine(Process p, Path log, String needle, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (Files.exists(log) && Files.readString(log).contains(needle)) {
        return;
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("the server exited with " + p.exitValue() + ":\n" + tail(log));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no '" + needle + "' within " + timeout + ":\n" + tail(log));
      }
      Thread.sleep(100);
    }
  }

  private static void stop(Process p, String name) throws InterruptedException {
    p.destroy(); // SIGTERM: both servers shut down cleanly
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      step(name + " did not stop within 60 s after SIGTERM; killing it");
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static long cpuNanos(Process p) {
    return p.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "n/a";
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> {
        try {
          Files.delete(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
