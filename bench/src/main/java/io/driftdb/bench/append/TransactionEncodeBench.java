package io.driftdb.bench.append;

import io.driftdb.schemas.RowEvent;
import io.driftdb.schemas.RowOp;
import io.driftdb.schemas.Schemas;
import io.driftdb.schemas.TransactionCodec;
import io.driftdb.schemas.TransactionRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding one transaction record for the log, as the Kafka produce path does: Avro's generic
 * writer (what {@code TransactionCodec.encode} did before) against the codec, which now takes
 * the hand-written path for row-event records. Both return a right-sized byte[]. One op = one
 * record of {@code rows} INSERTs of [BIGINT id, ~80-character TEXT payload].
 *
 * <pre>
 * java -cp 'bench/target/classes:bench/target/lib/*' org.openjdk.jmh.Main TransactionEncodeBench
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TransactionEncodeBench {
  @Param({"140"})
  public int rows;

  private final TransactionCodec codec = new TransactionCodec();
  private TransactionRecord record;

  @Setup
  public void build() {
    List<Object> events = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      String payload = "order " + (1_000_000 + i) + " shipped to warehouse 12, aisle 7, bin 3; carrier ACME freight";
      RowEvent insert = Schemas.row(RowOp.INSERT, 42).setRow(Arrays.asList(100_000L + i, payload)).build();
      events.add(insert);
    }
    record = Schemas.transaction("kafka").setApplication("driftdb").setClientAddress("kafka:producer-1@127.0.0.1:5000")
        .setStartSeq(1_234_567).setEvents(events).build();
    if (!Arrays.equals(generic(), handWritten())) {
      throw new IllegalStateException("the two encoders disagree");
    }
  }

  @Benchmark
  public byte[] generic() {
    return codec.encodeWithAvroWriter(record);
  }

  @Benchmark
  public byte[] handWritten() {
    return codec.encode(record);
  }
}
