package io.driftdb.sql.changefeed;

/** Makes sure change topics exist before events are sent to them. */
interface ChangeTopics extends AutoCloseable {
  /** For tests without a broker: topics come into being when written. */
  ChangeTopics NONE = topic -> { };

  /** Creates {@code topic} unless it exists; cheap once a topic is known. */
  void ensure(String topic);

  @Override
  default void close() {}
}
