package io.driftdb.bench.kafka;

import io.driftdb.log.kafka.TopicBackend.Client;
import io.driftdb.log.kafka.TopicBackend.ProducedRecord;
import io.driftdb.log.kafka.TopicBackend.TopicInfo;
import io.driftdb.sql.SessionInfo;
import io.driftdb.sql.SqlSession;
import io.driftdb.sql.engine.DriftEngine;
import io.driftdb.sql.engine.EngineConfig;
import io.driftdb.sql.kafka.TableTopicBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Kafka gateway's write path below the protocol, in one JVM: one op = one produce batch of
 * {@code records} new keys (the JSON values {@link ProducerThroughputBench} sends) through
 * {@link TableTopicBackend#submit} (decode, validate, encode, append) until it is applied to the
 * materializer. The log runs with {@code fsync none}, so the figure is CPU on the calling thread
 * and the log's writer thread, without the disk or the network: what issue 6e's 100 B cell spends
 * per record on the server, measurable to a few percent where the end-to-end run swings ±25 %.
 * Every iteration starts from an empty database and its table grows by every op, as it does
 * under a producer (to a few hundred thousand rows, below the automatic snapshot's thresholds),
 * so iterations measure the same thing.
 *
 * <pre>
 * java -cp 'bench/target/classes:bench/target/lib/*' org.openjdk.jmh.Main GatewayIngestBench
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-XX:MaxTenuringThreshold=0", "-Xms4g", "-Xmx4g"})
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class GatewayIngestBench {
  @Param({"140"})
  public int records;

  @Param({"100"})
  public int valueBytes;

  private Path dir;
  private DriftEngine engine;
  private TableTopicBackend backend;
  private TopicInfo topic;
  private ProducerThroughputBench.RowValues values;
  private final Client client = new Client("bench", "127.0.0.1:1");
  private long nextId;

  @Setup(Level.Iteration)
  public void open() throws IOException {
    dir = Files.createTempDirectory("driftdb-ingest-bench");
    engine = DriftEngine.open(EngineConfig.of(dir).withFsync("none"));
    try (SqlSession s = engine.openSession(SessionInfo.local("bench"))) {
      s.execute("CREATE TABLE ingest (id BIGINT PRIMARY KEY, payload VARCHAR)", List.of());
    }
    backend = new TableTopicBackend(engine);
    topic = backend.topic("ingest").orElseThrow();
    values = new ProducerThroughputBench.RowValues(valueBytes);
    nextId = 0;
  }

  @Benchmark
  public long produceBatch() {
    List<ProducedRecord> batch = new ArrayList<>(records);
    for (int i = 0; i < records; i++) {
      long id = nextId++;
      batch.add(new ProducedRecord(Long.toString(id).getBytes(StandardCharsets.US_ASCII), values.value(id), 0));
    }
    return backend.submit(topic, batch, client).join().offset();
  }

  @TearDown(Level.Iteration)
  public void close() throws IOException {
    long rows = engine.materializer().catalog().resolve("ingest", engine.materializer().appliedSeq()).orElseThrow()
        .keyCount();
    if (rows != nextId) {
      throw new IllegalStateException("the table holds " + rows + " rows, " + nextId + " were produced");
    }
    engine.close();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
