package io.driftdb.sql.changefeed;

import io.driftdb.log.cluster.KafkaLogAddress;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running change feed: a {@link KafkaStreams} instance of {@link ChangeFeedTopology} over a
 * cluster-mode log, writing {@code <topic>.<table>.changes}. One stream thread (the log has one
 * partition). An error in the topology (a record that is not a transaction, a change topic
 * that cannot be created) stops the feed: {@link #termination()} completes exceptionally.
 */
public final class ChangeFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  /**
   * The first record after a (re)start waits for the rebuild of the state from the whole log;
   * the consumer must not be thrown out of its group meanwhile.
   */
  private static final int MAX_POLL_INTERVAL_MS = (int) Duration.ofMinutes(30).toMillis();

  private final ChangeFeedConfig config;
  private final KafkaChangeTopics topics;
  private final KafkaStreams streams;
  private final CompletableFuture<Void> termination = new CompletableFuture<>();
  private volatile Throwable failure;

  private ChangeFeed(ChangeFeedConfig config, KafkaChangeTopics topics, KafkaStreams streams) {
    this.config = config;
    this.topics = topics;
    this.streams = streams;
  }

  /** Checks the log topic and starts the feed; IOException when the log cannot be used. */
  public static ChangeFeed start(ChangeFeedConfig config) throws IOException {
    KafkaLogAddress log = config.log();
    try {
      ChangeTopicName.checkLogTopic(log.topic());
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    Map<String, Object> client = new HashMap<>(config.clientProps());
    client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, log.bootstrapServers());
    checkLogTopic(log, client);
    KafkaChangeTopics topics = new KafkaChangeTopics(client);
    try {
      Properties props = streamsProps(config, client);
      KafkaStreams streams = new KafkaStreams(
          ChangeFeedTopology.build(log.topic(), new KafkaLogReplay(client, log.topic()), topics, props), props);
      ChangeFeed feed = new ChangeFeed(config, topics, streams);
      streams.setUncaughtExceptionHandler(e -> {
        LOG.error("the change feed of {} failed", log, e);
        Throwable cause = e;
        while (cause instanceof StreamsException && cause.getCause() != null) {
          cause = cause.getCause(); // "Exception caught in process. taskId=..." says less than its cause
        }
        feed.failure = cause;
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      });
      streams.setStateListener((now, before) -> {
        if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
          feed.terminated();
        }
      });
      streams.start();
      LOG.info("change feed of {} started (application id {}, {})", log, config.applicationId(),
          config.exactlyOnce() ? "exactly-once" : "at-least-once");
      return feed;
    } catch (RuntimeException e) {
      topics.close();
      throw e;
    }
  }

  private static Properties streamsProps(ChangeFeedConfig config, Map<String, Object> client) {
    Properties p = new Properties();
    p.putAll(client);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
        config.exactlyOnce() ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), MAX_POLL_INTERVAL_MS);
    if (!config.exactlyOnce()) {
      // Bounds what a crash can repeat (Streams' default for at-least-once is 30 s).
      p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
    }
    // There is no global state; this only opts in to Kafka 5's default and silences its warning.
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    if (config.stateDir() != null) {
      p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    }
    return p;
  }

  /** The log must exist and have one partition: a feed never creates it, and waits for nobody. */
  private static void checkLogTopic(KafkaLogAddress log, Map<String, Object> client) throws IOException {
    Map<String, Object> p = new HashMap<>(client);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    try (Admin admin = Admin.create(p)) {
      TopicDescription d = admin.describeTopics(List.of(log.topic())).allTopicNames()
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(log.topic());
      if (d.partitions().size() != 1) {
        throw new IOException("topic " + log.topic() + " has " + d.partitions().size()
            + " partitions; a DriftDB log is a single-partition topic");
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new IOException("the log " + log + " does not exist (a DriftDB node started with --log "
            + log + " creates it)", e.getCause());
      }
      throw new IOException("cannot read the log " + log + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("cannot reach " + log.bootstrapServers() + ": Kafka did not answer within "
          + TIMEOUT.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while checking " + log, e);
    }
  }

  public ChangeFeedConfig config() {
    return config;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** What stopped the feed, when it failed. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /** Completes when the feed stops: normally after {@link #close()}, exceptionally when it failed. */
  public CompletableFuture<Void> termination() {
    return termination;
  }

  /**
   * Stops the stream thread (committing what it processed) and the admin client. The member
   * leaves its group, so that a restart resumes at once instead of after the session timeout.
   */
  @Override
  public void close() {
    boolean stopped = streams.close(CloseOptions.groupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP)
        .withTimeout(TIMEOUT));
    if (!stopped) {
      LOG.warn("the change feed of {} did not stop within {} s", config.log(), TIMEOUT.toSeconds());
    }
    topics.close();
    if (stopped) {
      // Streams may call the state listener just after close returns: termination() is done when close() is.
      terminated();
    }
  }

  /** Completes {@link #termination()} (once; later calls change nothing). */
  private void terminated() {
    Throwable f = failure;
    if (f == null) {
      termination.complete(null);
    } else {
      termination.completeExceptionally(f);
    }
  }
}
