package io.driftdb.log.cluster;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit extension that runs an {@link InProcessKafka} broker for the tests of one class:
 * {@code @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();}
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {
  private InProcessKafka kafka;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    kafka = InProcessKafka.start(1);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    kafka.close();
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** A shared-log address on this broker. */
  public String logUri(String topic) {
    return kafka.logUri(topic);
  }
}
