package io.driftdb.server.cli;

import io.driftdb.log.cluster.KafkaLogAddress;
import io.driftdb.server.lifecycle.ShutdownSignals;
import io.driftdb.sql.changefeed.ChangeFeed;
import io.driftdb.sql.changefeed.ChangeFeedConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code driftdb changefeed --log kafka://BOOTSTRAP/TOPIC}: runs the change-feed topology (see
 * query-service/README.md, "Change feed") until SIGTERM or SIGINT, then stops cleanly: the
 * position and the events so far are committed, and a restart with the same application id
 * continues from there.
 */
@Command(name = "changefeed", mixinStandardHelpOptions = true,
    description = {"Fan a cluster-mode log out into per-table change topics <topic>.<table>.changes (Kafka Streams).",
        "Runs until SIGTERM or SIGINT."})
public final class ChangeFeedCommand implements Callable<Integer> {

  @Option(names = "--log", required = true, paramLabel = "kafka://BOOTSTRAP/TOPIC",
      description = "The shared log of the cluster (as given to driftdb-server).")
  String log;

  @Option(names = "--application-id", paramLabel = "ID",
      description = "Kafka Streams application id; it keeps the position (default: driftdb-changefeed-<topic>).")
  String applicationId;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "Kafka Streams state directory (default: its own).")
  Path stateDir;

  @Option(names = "--at-least-once",
      description = "Do not use Kafka transactions: after a crash, events since the last commit may repeat.")
  boolean atLeastOnce;

  @Override
  public Integer call() throws InterruptedException {
    KafkaLogAddress address;
    try {
      address = KafkaLogAddress.parse(log);
    } catch (IllegalArgumentException e) {
      throw new CliException("--log: " + e.getMessage(), ExitCodes.USAGE);
    }
    if (applicationId != null && applicationId.isBlank()) {
      throw new CliException("--application-id must not be empty", ExitCodes.USAGE);
    }
    ChangeFeedConfig config = ChangeFeedConfig.of(address).withExactlyOnce(!atLeastOnce).withStateDir(stateDir);
    if (applicationId != null) {
      config = config.withApplicationId(applicationId);
    }
    ShutdownSignals signals = new ShutdownSignals().install();
    ChangeFeed feed;
    try {
      feed = ChangeFeed.start(config);
    } catch (IOException e) {
      throw new CliException(e.getMessage());
    }
    feed.termination().whenComplete((done, failure) -> signals.request());
    System.out.println("Change feed running: " + address + " -> " + address.topic() + ".<table>.changes (application id "
        + config.applicationId() + ", " + (config.exactlyOnce() ? "exactly-once" : "at-least-once")
        + "). Stop with SIGTERM or Ctrl-C.");
    System.out.flush();
    try {
      signals.await();
    } finally {
      feed.close();
    }
    if (feed.failure().isPresent()) {
      throw new CliException("the change feed stopped: " + feed.failure().get().getMessage());
    }
    System.out.println("Change feed stopped.");
    return ExitCodes.OK;
  }
}
