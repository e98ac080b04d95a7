package io.driftdb.sql.changefeed;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import java.util.Properties;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/**
 * The change-feed topology: the log topic (read from its start when the application is new)
 * → {@link ChangeFeedProcessor} → one sink that routes each event to its table's change topic.
 * No state stores and no repartition topics: the processor's state is rebuilt from the log.
 */
public final class ChangeFeedTopology {
  static final String SOURCE = "driftdb-log";
  static final String PROCESSOR = "change-events";
  static final String SINK = "change-topics";

  private ChangeFeedTopology() {}

  /** The topology; {@code streamsProps} are the application's (Topology reads its own settings from them). */
  static Topology build(String logTopic, LogReplay replay, ChangeTopics topics, Properties streamsProps) {
    ChangeTopicName.checkLogTopic(logTopic);
    TopicNameExtractor<byte[], ChangeEvent> route = (key, event, context) -> event.topic();
    Topology t = new Topology(new TopologyConfig(new StreamsConfig(streamsProps)));
    t.addSource(AutoOffsetReset.earliest(), SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), logTopic);
    t.addProcessor(PROCESSOR, () -> new ChangeFeedProcessor(logTopic, replay, topics), SOURCE);
    t.addSink(SINK, route, new ByteArraySerializer(), ChangeEvent.VALUE_SERIALIZER, PROCESSOR);
    return t;
  }
}
