package io.driftdb.log.kafka;

/**
 * A {@link TopicBackend} refused a request. The gateway turns the kind into a Kafka error code
 * and the message into the response's error message where the protocol has one.
 */
public class TopicBackendException extends RuntimeException {

  /** What went wrong, in terms the Kafka protocol can express. */
  public enum Kind {
    /** The topic does not exist (any more). UNKNOWN_TOPIC_OR_PARTITION. */
    UNKNOWN_TOPIC,
    /** A record cannot be stored (malformed, violates a constraint). INVALID_RECORD, not retried. */
    INVALID_RECORD,
    /** A record or batch is too large. MESSAGE_TOO_LARGE. */
    RECORD_TOO_LARGE,
    /** A fetch offset outside the topic's range. OFFSET_OUT_OF_RANGE. */
    OFFSET_OUT_OF_RANGE,
    /** A transient condition (e.g. a write conflict that outlasted the retries); the client retries. */
    RETRIABLE,
    /** The store cannot write (I/O failure, read-only). KAFKA_STORAGE_ERROR. */
    STORAGE,
    /** Anything else. UNKNOWN_SERVER_ERROR. */
    INTERNAL
  }

  private final Kind kind;
  private final int recordIndex;

  public TopicBackendException(Kind kind, String message) {
    this(kind, -1, message, null);
  }

  public TopicBackendException(Kind kind, int recordIndex, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.recordIndex = recordIndex;
  }

  public Kind kind() {
    return kind;
  }

  /** Index of the offending record within the batch, or -1. */
  public int recordIndex() {
    return recordIndex;
  }
}
