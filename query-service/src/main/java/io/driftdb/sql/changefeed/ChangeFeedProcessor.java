package io.driftdb.sql.changefeed;

import io.driftdb.materializer.Materializer;
import io.driftdb.schemas.TransactionCodec;
import io.driftdb.schemas.TransactionRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Turns log records into change events. Every record goes through an in-memory
 * {@link Materializer}, exactly as on a DriftDB node, so the commit check of cluster mode
 * rejects the same records (they produce nothing) and row images are read with the table
 * schemas the log's DDL defines at that SEQ.
 *
 * <p><b>Where it resumes.</b> The only position is the source offset Kafka Streams commits:
 * the first record a task processes is the one after the last committed one, and the
 * materializer is rebuilt from the log up to just before it ({@link LogReplay}) before that
 * record is applied. A second position (say, the last emitted SEQ in a state store) could
 * disagree with the committed offset after a crash under at-least-once; the offset cannot. With
 * exactly-once the events and the offset commit in one Kafka transaction, so nothing is emitted
 * twice; with at-least-once a crash can repeat the events after the last commit, never lose
 * them.
 */
final class ChangeFeedProcessor implements Processor<byte[], byte[], byte[], ChangeEvent> {
  private final String logTopic;
  private final LogReplay replay;
  private final ChangeTopics topics;
  private final TransactionCodec codec = new TransactionCodec();
  private ProcessorContext<byte[], ChangeEvent> context;
  /** Null until the first record after (re)initialization. */
  private Materializer materializer;

  ChangeFeedProcessor(String logTopic, LogReplay replay, ChangeTopics topics) {
    this.logTopic = logTopic;
    this.replay = replay;
    this.topics = topics;
  }

  @Override
  public void init(ProcessorContext<byte[], ChangeEvent> context) {
    this.context = context;
    // Streams re-initializes a revived task (after an aborted transaction, say) on this same
    // instance and resumes from the committed offset: the state must be rebuilt for it.
    this.materializer = null;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    long seq = context.recordMetadata().orElseThrow(() -> new IllegalStateException("a log record without offset"))
        .offset();
    if (materializer == null) {
      materializer = new Materializer();
      replay.replayBefore(seq, materializer);
    }
    TransactionRecord tx = decode(codec, logTopic, seq, record.value());
    materializer.apply(seq, record.timestamp(), tx);
    if (materializer.verdict(seq).isPresent()) {
      return; // failed the commit check on every node: it never happened
    }
    for (String topic : ChangeEvents.newTopics(materializer, logTopic, seq, tx)) {
      topics.ensure(topic);
    }
    for (ChangeEvent e : ChangeEvents.of(materializer, logTopic, seq, tx)) {
      topics.ensure(e.topic());
      context.forward(e.toRecord());
    }
  }

  /** Decodes one log record; a record that is not a transaction stops the feed, as it stops the nodes. */
  static TransactionRecord decode(TransactionCodec codec, String topic, long seq, byte[] value) {
    if (value == null) {
      throw new IllegalStateException("SEQ " + seq + " of " + topic + " has no value: not a DriftDB log");
    }
    try {
      return codec.decode(value);
    } catch (RuntimeException e) {
      throw new IllegalStateException("SEQ " + seq + " of " + topic + " is not a DriftDB transaction record: "
          + e.getMessage(), e);
    }
  }
}
