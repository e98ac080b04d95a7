package io.driftdb.log.kafka;

import org.apache.kafka.common.Uuid;

/**
 * Kafka topic ids (Produce v13+, Fetch v13+, Metadata v10+, OffsetCommit/OffsetFetch v10) from
 * backend topic ids: a fixed high half ("DriftDB\0") and the backend id as the low half, so an
 * id maps back without a lookup table and never equals Kafka's reserved ids (zero, metadata).
 */
final class TopicIds {
  static final long HIGH = 0x4472696674444200L;

  private TopicIds() {}

  static Uuid toUuid(long id) {
    return new Uuid(HIGH, id);
  }

  /** The backend id, or -1 when the uuid is not one of ours. */
  static long fromUuid(Uuid uuid) {
    return uuid != null && uuid.getMostSignificantBits() == HIGH ? uuid.getLeastSignificantBits() : -1;
  }
}
