package io.driftdb.sql.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.log.kafka.TopicBackend.Appended;
import io.driftdb.log.kafka.TopicBackend.Client;
import io.driftdb.log.kafka.TopicBackend.ProducedRecord;
import io.driftdb.log.kafka.TopicBackend.TopicInfo;
import io.driftdb.log.kafka.TopicBackendException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The produce path below the protocol: {@link TableTopicBackend} writing decoded rows through
 * the engine's {@code RowBatchWriter} (no SQL text). Rejections must give the error the SQL
 * statements gave and change nothing.
 */
class TableTopicBackendWriteTest {
  private static final Client CLIENT = new Client("test", "127.0.0.1");

  @TempDir
  Path dir;
  private KafkaDb db;
  private TableTopicBackend backend;

  /** Run once, by the next commit's answer (see {@code EngineListener#committed}). */
  private final java.util.concurrent.atomic.AtomicReference<Runnable> onCommit =
      new java.util.concurrent.atomic.AtomicReference<>();

  @BeforeEach
  void open() {
    db = new KafkaDb(dir, new io.driftdb.sql.EngineListener() {
      @Override
      public void committed() {
        Runnable r = onCommit.getAndSet(null);
        if (r != null) {
          r.run();
        }
      }
    });
    backend = new TableTopicBackend(db.engine);
    db.exec("CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(10) NOT NULL DEFAULT 'anon')");
    db.exec("CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR DEFAULT 'dflt', b INT CHECK (b >= 0), "
        + "u VARCHAR UNIQUE, p INT REFERENCES parent (id), n INT NOT NULL DEFAULT 7)");
  }

  @AfterEach
  void close() {
    db.close();
  }

  private TopicInfo topic(String name) {
    return backend.topic(name).orElseThrow();
  }

  private static ProducedRecord rec(String key, String value) {
    return new ProducedRecord(key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        value == null ? null : value.getBytes(StandardCharsets.UTF_8), 0);
  }

  private Appended append(String table, ProducedRecord... records) {
    return backend.append(topic(table), List.of(records), CLIENT);
  }

  /** The batch is rejected as INVALID_RECORD, and neither the head SEQ nor any row changed. */
  private TopicBackendException rejected(String table, ProducedRecord... records) {
    long head = db.headSeq();
    List<String> before = db.rows("SELECT * FROM " + table + " ORDER BY id");
    TopicBackendException e = (TopicBackendException) org.assertj.core.api.Assertions.catchThrowable(
        () -> append(table, records));
    assertThat(e).isNotNull();
    assertThat(e.kind()).isEqualTo(TopicBackendException.Kind.INVALID_RECORD);
    assertThat(db.headSeq()).as("nothing committed").isEqualTo(head);
    assertThat(db.rows("SELECT * FROM " + table + " ORDER BY id")).isEqualTo(before);
    return e;
  }

  @Test
  void absentColumnsGetTheirDefaultsAndARecordReplacesTheWholeRow() {
    append("t", rec("1", "{\"b\": 2, \"u\": \"x\"}"));
    assertThat(db.rows("SELECT id, a, b, u, p, n FROM t")).containsExactly("1|dflt|2|x|null|7");
    append("t", rec("1", "{\"a\": \"given\", \"n\": 1}"));
    assertThat(db.rows("SELECT id, a, b, u, p, n FROM t")).as("b and u were not given: NULL again")
        .containsExactly("1|given|null|null|null|1");
    append("parent", rec("5", "{}"));
    assertThat(db.rows("SELECT id, name FROM parent")).containsExactly("5|anon");
    // A type conversion, as for a SQL parameter: the JSON string "12" into the INT column.
    append("t", rec("2", "{\"b\": \"12\"}"));
    assertThat(db.rows("SELECT b FROM t WHERE id = 2")).containsExactly("12");
  }

  @Test
  void constraintViolationsRejectTheBatchAndChangeNothing() {
    append("parent", rec("1", "{\"name\": \"one\"}"));
    append("t", rec("1", "{\"u\": \"taken\", \"p\": 1}"));

    assertThat(rejected("t", rec("2", "{\"b\": 1}"), rec("3", "{\"b\": -1}")).getMessage())
        .contains("check constraint").contains("23514");
    assertThat(rejected("t", rec("2", "{\"u\": \"taken\"}")).getMessage()).contains("23505");
    assertThat(rejected("t", rec("2", "{\"u\": \"same\"}"), rec("3", "{\"u\": \"same\"}")).getMessage())
        .contains("23505");
    assertThat(rejected("t", rec("2", "{\"p\": 99}")).getMessage()).contains("23503");
    assertThat(rejected("t", rec("2", "{\"n\": null}")).getMessage()).contains("not-null");
    assertThat(rejected("parent", rec("2", "{\"name\": \"much too long\"}")).getMessage()).contains("too long");
    // Deleting a parent a row still references.
    assertThat(rejected("parent", rec("1", null)).getMessage()).contains("23503");
    // An update that breaks a constraint.
    assertThat(rejected("t", rec("1", "{\"p\": 1, \"u\": \"taken\", \"b\": -5}")).getMessage()).contains("23514");
  }

  @Test
  void deletesOfAbsentKeysCommitNothingAndGetTheHeadSeq() {
    Appended a = append("t", rec("1", "{}"));
    assertThat(a.offset()).isEqualTo(db.headSeq());
    Appended none = append("t", rec("404", null), rec("405", null));
    assertThat(none.offset()).as("nothing changed: the current head").isEqualTo(a.offset());
    assertThat(db.headSeq()).isEqualTo(a.offset());
    Appended del = append("t", rec("1", null), rec("404", null));
    assertThat(del.offset()).isGreaterThan(a.offset());
    assertThat(db.rows("SELECT count(*) FROM t")).containsExactly("0");
  }

  @Test
  void asOfEachReturnedOffsetShowsTheStateAfterThatBatch() {
    long o1 = append("t", rec("1", "{\"b\": 1}"), rec("2", "{\"b\": 2}")).offset();
    long o2 = append("t", rec("1", "{\"b\": 10}"), rec("2", null), rec("3", "{\"b\": 3}")).offset();
    long o3 = append("t", rec("3", "{\"b\": 30}"), rec("3", "{\"b\": 31}")).offset();
    assertThat(List.of(o1, o2, o3)).isSorted().doesNotHaveDuplicates();
    assertThat(db.rows("SELECT id, b FROM t AS OF @SEQ:" + o1 + " ORDER BY id")).containsExactly("1|1", "2|2");
    assertThat(db.rows("SELECT id, b FROM t AS OF @SEQ:" + o2 + " ORDER BY id")).containsExactly("1|10", "3|3");
    assertThat(db.rows("SELECT id, b FROM t AS OF @SEQ:" + o3 + " ORDER BY id")).as("the last record of a key wins")
        .containsExactly("1|10", "3|31");
  }

  @Test
  void tablesWithoutPrimaryKeyGetEveryRecordAsANewRow() {
    db.exec("CREATE TABLE events (kind VARCHAR NOT NULL, n INT DEFAULT 1)");
    append("events", rec(null, "{\"kind\": \"a\"}"), rec(null, "{\"kind\": \"a\"}"));
    append("events", rec("ignored", "{\"kind\": \"b\", \"n\": 5}"));
    assertThat(db.rows("SELECT kind, n FROM events ORDER BY kind")).containsExactly("a|1", "a|1", "b|5");
    assertThatThrownBy(() -> append("events", rec("x", null))).isInstanceOf(TopicBackendException.class);
  }

  @Test
  void batchesSubmittedBeforeTheFirstIsDurableLandInOrder() {
    // Distinct keys, and the same key in every batch: the later batches conflict with the
    // earlier ones still in flight and must wait for them, never overtake them.
    List<CompletableFuture<Appended>> futures = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      futures.add(backend.submit(topic("t"), List.of(rec("1000", "{\"b\": " + i + "}"),
          rec(Integer.toString(i), "{\"b\": " + i + "}")), CLIENT));
    }
    long last = -1;
    for (CompletableFuture<Appended> f : futures) {
      long o = f.join().offset();
      assertThat(o).isGreaterThan(last);
      last = o;
    }
    assertThat(db.rows("SELECT count(*), max(b) FROM t WHERE id < 1000")).containsExactly("40|39");
    assertThat(db.rows("SELECT b FROM t WHERE id = 1000")).containsExactly("39");
    for (int i = 0; i < 40; i++) {
      assertThat(db.rows("SELECT b FROM t AS OF @SEQ:" + futures.get(i).join().offset() + " WHERE id = 1000"))
          .containsExactly(Integer.toString(i));
    }
  }

  /**
   * What a read started during the next commit's answer saw, whether it had to wait, and on
   * which try ({@code n}, see {@link #duringTheAnswer}).
   */
  private record ReadDuringAnswer<T>(int n, long appliedAtAnswer, boolean waited, T result) {}

  /**
   * Appends {@code value} under {@code key.apply(n)} to {@code table}; as the append is
   * answered, on the log's writer thread (the transaction is durable, its apply comes after the
   * answer), starts {@code read.apply(n)} on another thread and gives it 300 ms, which it must
   * spend waiting for that apply if it waits for it. When the append was durable before its
   * answer was hooked onto it, the answer runs on this thread, during or after the apply, and
   * the try proves nothing: it is repeated with the next {@code n} (fresh keys).
   */
  private <T> ReadDuringAnswer<T> duringTheAnswer(String table, java.util.function.IntFunction<String> key,
                                                  String value,
                                                  java.util.function.IntFunction<java.util.function.Supplier<T>> read)
      throws Exception {
    return duringTheAnswer(table, key, value, read, 300);
  }

  /** As above, giving the read {@code waitMs} instead of 300 ms. */
  private <T> ReadDuringAnswer<T> duringTheAnswer(String table, java.util.function.IntFunction<String> key,
                                                  String value,
                                                  java.util.function.IntFunction<java.util.function.Supplier<T>> read,
                                                  long waitMs)
      throws Exception {
    java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      for (int n = 0; ; n++) {
        long head = db.engine.materializer().appliedSeq();
        long[] appliedAtAnswer = {Long.MIN_VALUE};
        boolean[] onWriter = {false};
        boolean[] waited = {false};
        List<CompletableFuture<T>> started = new ArrayList<>();
        java.util.function.Supplier<T> r = read.apply(n);
        onCommit.set(() -> {
          appliedAtAnswer[0] = db.engine.materializer().appliedSeq();
          onWriter[0] = Thread.currentThread().getName().startsWith("driftdb-log-writer");
          CompletableFuture<T> f = CompletableFuture.supplyAsync(r, other);
          started.add(f);
          try {
            f.get(waitMs, java.util.concurrent.TimeUnit.MILLISECONDS);
          } catch (java.util.concurrent.TimeoutException expected) {
            waited[0] = true;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        append(table, rec(key.apply(n), value));
        T result = started.get(0).get(10, java.util.concurrent.TimeUnit.SECONDS);
        if ((onWriter[0] && appliedAtAnswer[0] == head) || n == 20) {
          return new ReadDuringAnswer<>(n, appliedAtAnswer[0], waited[0], result);
        }
      }
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void theAnswerComesOnceDurableAndSqlStatementsWaitForTheApply() throws Exception {
    long head = db.engine.materializer().appliedSeq();
    var r = duringTheAnswer("t", n -> Integer.toString(7 + 100 * n), "{\"b\": 70}",
        n -> () -> db.rows("SELECT b FROM t WHERE id = " + (7 + 100 * n)));
    assertThat(r.appliedAtAnswer()).as("answered before the apply").isEqualTo(head + r.n());
    assertThat(r.waited()).as("a statement started after the answer waited for the apply").isTrue();
    assertThat(r.result()).containsExactly("70");
  }

  @Test
  void kafkaReadsStartedAfterTheAnswerWaitForTheApplyToo() throws Exception {
    var r = duringTheAnswer("t", n -> Integer.toString(8 + 100 * n), "{\"b\": 80}",
        n -> () -> backend.offsets(topic("t")).endOffset());
    assertThat(r.waited()).as("ListOffsets started after the answer waited for the apply").isTrue();
    assertThat(r.result()).isEqualTo(r.n() + 1);
  }

  /** A submitted batch's future, and the SEQ applied when {@code submit} returned. */
  private record Submitted(CompletableFuture<Appended> future, long appliedAtReturn) {}

  @Test
  void aBatchIsSubmittedWithoutWaitingForTheApplyOfOneAnsweredBeforeIt() throws Exception {
    // The answer holds the apply back for up to 10 s: a submit that waited for the apply would
    // return only after that (and it could not come before: the apply follows the answer).
    db.exec("CREATE TABLE plain (id INT PRIMARY KEY, b INT)");
    var r = duringTheAnswer("parent", n -> Integer.toString(5 + 100 * n), "{\"name\": \"p\"}",
        n -> () -> {
          CompletableFuture<Appended> f = backend.submit(topic("plain"),
              List.of(rec(Integer.toString(10 + 100 * n), "{\"b\": 1}")), CLIENT);
          return new Submitted(f, db.engine.materializer().appliedSeq());
        }, 10_000);
    assertThat(r.result().appliedAtReturn()).as("submitted while the answered batch was not applied yet")
        .isEqualTo(r.appliedAtAnswer());
    assertThat(r.waited()).isFalse();
    assertThat(r.result().future().get(10, java.util.concurrent.TimeUnit.SECONDS).offset())
        .isEqualTo(r.appliedAtAnswer() + 2);
    assertThat(db.rows("SELECT b FROM plain WHERE id = " + (10 + 100 * r.n()))).containsExactly("1");
  }

  @Test
  void aBatchThatFailsWithoutABatchAnsweredButNotAppliedYetIsTriedAgainOnceItIsApplied() throws Exception {
    // The child's foreign key needs the parent row the answered batch wrote: checked on the
    // applied state alone it would be rejected, although the parent was acknowledged first.
    var r = duringTheAnswer("parent", n -> Integer.toString(5 + 100 * n), "{\"name\": \"p\"}",
        n -> () -> backend.append(topic("t"), List.of(rec(Integer.toString(9 + 100 * n),
            "{\"p\": " + (5 + 100 * n) + "}")), CLIENT));
    assertThat(r.waited()).as("it waited for the parent's apply").isTrue();
    assertThat(db.rows("SELECT p FROM t WHERE id = " + (9 + 100 * r.n()))).containsExactly(Integer.toString(5 + 100 * r.n()));
    // A batch that fails on the applied state too is still rejected.
    rejected("t", rec("11", "{\"p\": 6}"));
  }

  @Test
  void aTombstoneForARowAnsweredButNotAppliedYetDeletesIt() throws Exception {
    // On the applied state alone the key is absent, and the delete would commit nothing.
    var r = duringTheAnswer("t", n -> Integer.toString(12 + 100 * n), "{\"b\": 1}",
        n -> () -> backend.append(topic("t"), List.of(rec(Integer.toString(12 + 100 * n), null)), CLIENT));
    assertThat(r.waited()).as("it waited for the insert's apply").isTrue();
    assertThat(r.result().offset()).isEqualTo(r.appliedAtAnswer() + 2);
    assertThat(db.rows("SELECT count(*) FROM t WHERE id = " + (12 + 100 * r.n()))).containsExactly("0");
  }
}
