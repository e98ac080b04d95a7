package io.driftdb.log.kafka;

import static io.driftdb.log.kafka.RawKafkaClient.produceRequest;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway at the byte level, with hand-made requests against an in-memory backend. */
class KafkaGatewayProtocolTest {
  private MemoryTopicBackend backend;
  private KafkaGateway gateway;

  @BeforeEach
  void start() {
    backend = new MemoryTopicBackend("users", "orders");
    gateway = KafkaGateway.start(GatewayConfig.of("127.0.0.1", 0).withMaxMessageBytes(4096), backend);
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  private RawKafkaClient client() throws Exception {
    return new RawKafkaClient(gateway.address());
  }

  @Test
  void unknownApiVersionsVersionGetsUnsupportedVersionInAVersion0Answer() throws Exception {
    try (RawKafkaClient c = client()) {
      int id = c.sendHeaderOnly(ApiKeys.API_VERSIONS, (short) 99, (short) 2);
      ApiVersionsResponseData r = new ApiVersionsResponseData(c.receive(ApiKeys.API_VERSIONS, (short) 0, id), (short) 0);
      assertThat(Errors.forCode(r.errorCode())).isEqualTo(Errors.UNSUPPORTED_VERSION);
      ApiVersionsResponseData.ApiVersion av = r.apiKeys().find(ApiKeys.API_VERSIONS.id);
      assertThat(av.maxVersion()).isEqualTo(ApiKeys.API_VERSIONS.latestVersion());

      // The connection stays usable: the client retries with a version it now knows we speak.
      id = c.send(ApiKeys.API_VERSIONS, (short) 3, new ApiVersionsRequestData().setClientSoftwareName("t")
          .setClientSoftwareVersion("1"));
      r = new ApiVersionsResponseData(c.receive(ApiKeys.API_VERSIONS, (short) 3, id), (short) 3);
      assertThat(r.errorCode()).isZero();
      List<Short> keys = new ArrayList<>();
      r.apiKeys().forEach(k -> keys.add(k.apiKey()));
      assertThat(keys).containsExactlyInAnyOrder(ApiKeys.API_VERSIONS.id, ApiKeys.METADATA.id,
          ApiKeys.INIT_PRODUCER_ID.id, ApiKeys.PRODUCE.id, ApiKeys.FETCH.id, ApiKeys.LIST_OFFSETS.id,
          ApiKeys.FIND_COORDINATOR.id, ApiKeys.JOIN_GROUP.id, ApiKeys.SYNC_GROUP.id, ApiKeys.HEARTBEAT.id,
          ApiKeys.LEAVE_GROUP.id, ApiKeys.OFFSET_FETCH.id, ApiKeys.OFFSET_COMMIT.id);
    }
  }

  @Test
  void garbageAndUnservableRequestsCloseOnlyTheirOwnConnection() throws Exception {
    try (RawKafkaClient bystander = client()) {
      try (RawKafkaClient http = client()) {
        http.sendBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(http.closedByServer()).as("HTTP request on the Kafka port").isTrue();
      }
      try (RawKafkaClient noise = client()) {
        byte[] junk = new byte[200];
        new Random(7).nextBytes(junk);
        ByteBuffer frame = ByteBuffer.allocate(4 + junk.length).putInt(junk.length).put(junk);
        noise.sendBytes(frame.array());
        assertThat(noise.closedByServer()).as("random bytes in a well-sized frame").isTrue();
      }
      try (RawKafkaClient negative = client()) {
        negative.sendBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0});
        assertThat(negative.closedByServer()).as("negative frame size").isTrue();
      }
      try (RawKafkaClient unknownApi = client()) {
        unknownApi.sendHeaderOnly(ApiKeys.DESCRIBE_CLUSTER, (short) 0, (short) 2);
        assertThat(unknownApi.closedByServer()).as("an API the gateway does not offer").isTrue();
      }
      try (RawKafkaClient badVersion = client()) {
        badVersion.sendHeaderOnly(ApiKeys.PRODUCE, (short) 2, (short) 1);
        assertThat(badVersion.closedByServer()).as("Produce v2 (below Kafka 4's minimum)").isTrue();
      }
      try (RawKafkaClient truncated = client()) {
        int id = truncated.send(ApiKeys.METADATA, (short) 12, new MetadataRequestData().setTopics(null));
        assertThat(id).isPositive();
        truncated.receive(ApiKeys.METADATA, (short) 12, id);
        // Now a frame that claims Metadata v12 but stops after the header.
        truncated.sendHeaderOnly(ApiKeys.METADATA, (short) 12, (short) 2);
        assertThat(truncated.closedByServer()).as("truncated body").isTrue();
      }
      int id = bystander.send(ApiKeys.METADATA, (short) 12, new MetadataRequestData().setTopics(null));
      MetadataResponseData m = new MetadataResponseData(bystander.receive(ApiKeys.METADATA, (short) 12, id), (short) 12);
      assertThat(m.topics()).extracting(MetadataResponseData.MetadataResponseTopic::name)
          .containsExactlyInAnyOrder("users", "orders");
      assertThat(m.brokers().iterator().next().port()).isEqualTo(gateway.address().getPort());
    }
    assertThat(backend.appends).hasValue(0);
  }

  private static MemoryRecords batch(long producerId, short epoch, int baseSequence, String... values) {
    MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(4096), RecordBatch.CURRENT_MAGIC_VALUE,
        Compression.NONE, TimestampType.CREATE_TIME, 0L, RecordBatch.NO_TIMESTAMP, producerId, epoch, baseSequence);
    for (String v : values) {
      b.append(System.currentTimeMillis(), "k".getBytes(StandardCharsets.UTF_8),
          v == null ? null : v.getBytes(StandardCharsets.UTF_8));
    }
    return b.build();
  }

  @Test
  void idempotentProducerBatchesAreDeduplicatedAndSequenced() throws Exception {
    short v = 12;
    try (RawKafkaClient c = client()) {
      InitProducerIdResponseData init = c.initProducerId(-1, (short) -1);
      long pid = init.producerId();
      short epoch = init.producerEpoch();
      assertThat(init.errorCode()).isZero();

      var first = c.produce(v, produceRequest("users", 0, batch(pid, epoch, 0, "a", "b")));
      assertThat(first.errorCode()).isZero();
      var retry = c.produce(v, produceRequest("users", 0, batch(pid, epoch, 0, "a", "b")));
      assertThat(retry.errorCode()).isZero();
      assertThat(retry.baseOffset()).as("a retry gets the original offset").isEqualTo(first.baseOffset());
      assertThat(backend.appends).as("and is not appended again").hasValue(1);
      assertThat(backend.eventCount("users")).isEqualTo(2);

      var gap = c.produce(v, produceRequest("users", 0, batch(pid, epoch, 7, "x")));
      assertThat(Errors.forCode(gap.errorCode())).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
      assertThat(gap.errorMessage()).contains("expected sequence 2");

      long last = first.baseOffset();
      for (int seq = 2; seq < 2 + 6; seq++) {
        var ok = c.produce(v, produceRequest("users", 0, batch(pid, epoch, seq, "v" + seq)));
        assertThat(ok.errorCode()).isZero();
        assertThat(ok.baseOffset()).isGreaterThan(last);
        last = ok.baseOffset();
      }
      var stale = c.produce(v, produceRequest("users", 0, batch(pid, epoch, 0, "a", "b")));
      assertThat(Errors.forCode(stale.errorCode())).as("older than the 5 cached batches")
          .isEqualTo(Errors.DUPLICATE_SEQUENCE_NUMBER);
      // Sequences are per partition: another topic starts at 0.
      assertThat(c.produce(v, produceRequest("orders", 0, batch(pid, epoch, 0, "o"))).errorCode()).isZero();

      // An epoch bump (KIP-360) starts again at sequence 0; the old epoch is fenced.
      InitProducerIdResponseData bumped = c.initProducerId(pid, epoch);
      assertThat(bumped.producerId()).isEqualTo(pid);
      assertThat(bumped.producerEpoch()).isEqualTo((short) (epoch + 1));
      assertThat(Errors.forCode(c.produce(v, produceRequest("users", 0, batch(pid, bumped.producerEpoch(), 3, "z")))
          .errorCode())).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
      assertThat(c.produce(v, produceRequest("users", 0, batch(pid, bumped.producerEpoch(), 0, "z"))).errorCode()).isZero();
      assertThat(Errors.forCode(c.produce(v, produceRequest("users", 0, batch(pid, epoch, 8, "old"))).errorCode()))
          .isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
    }
  }

  @Test
  void pipelinedProduceRequestsAreSubmittedBeforeTheFirstIsDurableAndAnsweredInOrder() throws Exception {
    short v = 12;
    try (RawKafkaClient c = client()) {
      InitProducerIdResponseData pe = c.initProducerId(-1, (short) -1);
      long pid = pe.producerId();
      short epoch = pe.producerEpoch();

      // Ten requests without reading a response; the sixth holds a bad record.
      backend.holdDurability();
      List<Integer> ids = new ArrayList<>();
      for (int seq = 0; seq < 10; seq++) {
        ids.add(c.send(ApiKeys.PRODUCE, v, produceRequest("users", 0, batch(pid, epoch, seq,
            seq == 5 ? "BAD five" : "v" + seq))));
      }
      // The first five are appended while none of them is durable: the gateway kept reading.
      long deadline = System.currentTimeMillis() + 20_000;
      while (backend.appends.get() < 5 && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      assertThat(backend.appends).hasValue(5);
      backend.releaseDurability();

      List<ProduceResponseData.PartitionProduceResponse> answers = new ArrayList<>();
      for (int id : ids) { // receive() checks that the responses come in request order
        answers.add(new ProduceResponseData(c.receive(ApiKeys.PRODUCE, v, id), v).responses().iterator().next()
            .partitionResponses().get(0));
      }
      long last = -1;
      for (int seq = 0; seq < 5; seq++) {
        assertThat(answers.get(seq).errorCode()).isZero();
        assertThat(answers.get(seq).baseOffset()).isGreaterThan(last);
        last = answers.get(seq).baseOffset();
      }
      assertThat(Errors.forCode(answers.get(5).errorCode())).isEqualTo(Errors.INVALID_RECORD);
      for (int seq = 6; seq < 10; seq++) {
        assertThat(Errors.forCode(answers.get(seq).errorCode())).as("behind the rejected batch: not appended")
            .isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
      }
      assertThat(backend.appends).hasValue(5);

      // The producer resends from the rejected sequence on; a retry of a batch that was still
      // waiting for durability gets its original offset.
      backend.holdDurability();
      ids.clear();
      for (int seq = 5; seq < 10; seq++) {
        ids.add(c.send(ApiKeys.PRODUCE, v, produceRequest("users", 0, batch(pid, epoch, seq, "v" + seq))));
      }
      ids.add(c.send(ApiKeys.PRODUCE, v, produceRequest("users", 0, batch(pid, epoch, 9, "v9"))));
      backend.releaseDurability();
      answers.clear();
      for (int id : ids) {
        answers.add(new ProduceResponseData(c.receive(ApiKeys.PRODUCE, v, id), v).responses().iterator().next()
            .partitionResponses().get(0));
      }
      for (int i = 0; i < 5; i++) {
        assertThat(answers.get(i).errorCode()).isZero();
        assertThat(answers.get(i).baseOffset()).isGreaterThan(last);
        last = answers.get(i).baseOffset();
      }
      assertThat(answers.get(5).errorCode()).isZero();
      assertThat(answers.get(5).baseOffset()).isEqualTo(answers.get(4).baseOffset());
      assertThat(backend.values("users")).containsExactly("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");

      // A request of another kind waits for the produce requests before it.
      backend.holdDurability();
      int produceId = c.send(ApiKeys.PRODUCE, v, produceRequest("users", 0, batch(pid, epoch, 10, "v10")));
      int metaId = c.send(ApiKeys.METADATA, (short) 12, new MetadataRequestData().setTopics(null));
      backend.releaseDurability();
      assertThat(new ProduceResponseData(c.receive(ApiKeys.PRODUCE, v, produceId), v).responses().iterator().next()
          .partitionResponses().get(0).errorCode()).isZero();
      c.receive(ApiKeys.METADATA, (short) 12, metaId);
    }
  }

  @Test
  void produceErrorsAreReportedPerPartitionAndAppendNothing() throws Exception {
    try (RawKafkaClient c = client()) {
      long none = RecordBatch.NO_PRODUCER_ID;
      short noEpoch = RecordBatch.NO_PRODUCER_EPOCH;
      int noSeq = RecordBatch.NO_SEQUENCE;
      assertThat(Errors.forCode(c.produce((short) 12, produceRequest("nope", 0, batch(none, noEpoch, noSeq, "x"))).errorCode()))
          .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
      assertThat(Errors.forCode(c.produce((short) 12, produceRequest("users", 1, batch(none, noEpoch, noSeq, "x"))).errorCode()))
          .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);

      ProduceRequestData byId = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000);
      ProduceRequestData.TopicProduceData td = new ProduceRequestData.TopicProduceData()
          .setTopicId(new Uuid(TopicIds.HIGH, 999));
      td.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
          .setRecords(batch(none, noEpoch, noSeq, "x")));
      byId.topicData().add(td);
      assertThat(Errors.forCode(c.produce((short) 13, byId).errorCode())).isEqualTo(Errors.UNKNOWN_TOPIC_ID);

      var tooBig = c.produce((short) 12, produceRequest("users", 0, batch(none, noEpoch, noSeq, "y".repeat(5000))));
      assertThat(Errors.forCode(tooBig.errorCode())).isEqualTo(Errors.MESSAGE_TOO_LARGE);

      var bad = c.produce((short) 12, produceRequest("users", 0, batch(none, noEpoch, noSeq, "fine", "BAD one")));
      assertThat(Errors.forCode(bad.errorCode())).isEqualTo(Errors.INVALID_RECORD);
      assertThat(bad.errorMessage()).isEqualTo("record 1 is bad");
      assertThat(bad.recordErrors()).singleElement().satisfies(e -> assertThat(e.batchIndex()).isEqualTo(1));

      MemoryRecords corrupt = batch(none, noEpoch, noSeq, "flip me");
      ByteBuffer buf = corrupt.buffer();
      buf.put(buf.limit() - 3, (byte) (buf.get(buf.limit() - 3) ^ 0x55));
      var crc = c.produce((short) 12, produceRequest("users", 0, MemoryRecords.readableRecords(buf)));
      assertThat(Errors.forCode(crc.errorCode())).isEqualTo(Errors.CORRUPT_MESSAGE);
      assertThat(backend.appends).hasValue(0);

      // acks=0: appended, but no response; the next request's response comes next.
      ProduceRequestData fire = produceRequest("users", 0, batch(none, noEpoch, noSeq, "fire and forget")).setAcks((short) 0);
      c.send(ApiKeys.PRODUCE, (short) 12, fire);
      int id = c.send(ApiKeys.API_VERSIONS, (short) 3, new ApiVersionsRequestData().setClientSoftwareName("t")
          .setClientSoftwareVersion("1"));
      c.receive(ApiKeys.API_VERSIONS, (short) 3, id);
      assertThat(backend.appends).hasValue(1);
    }
  }

  @Test
  void fetchLongPollsAndReturnsEventsWithTheirOwnOffsets() throws Exception {
    try (RawKafkaClient c = client()) {
      long none = RecordBatch.NO_PRODUCER_ID;
      c.produce((short) 12, produceRequest("users", 0, batch(none, (short) -1, -1, "e0", "e1", "e2")));
      FetchRequestData f = new FetchRequestData().setMaxWaitMs(300).setMinBytes(1).setMaxBytes(1 << 20)
          .setIsolationLevel((byte) 0).setSessionId(0).setSessionEpoch(-1);
      FetchRequestData.FetchTopic ft = new FetchRequestData.FetchTopic().setTopic("users");
      ft.partitions().add(new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(1)
          .setPartitionMaxBytes(1 << 20).setLogStartOffset(-1));
      f.topics().add(ft);
      int id = c.send(ApiKeys.FETCH, (short) 12, f);
      FetchResponseData r = new FetchResponseData(c.receive(ApiKeys.FETCH, (short) 12, id), (short) 12);
      FetchResponseData.PartitionData p = r.responses().get(0).partitions().get(0);
      assertThat(p.highWatermark()).isEqualTo(3);
      List<String> values = new ArrayList<>();
      List<Long> offsets = new ArrayList<>();
      for (var b : ((MemoryRecords) p.records()).batches()) {
        for (Record rec : b) {
          offsets.add(rec.offset());
          values.add(StandardCharsets.UTF_8.decode(rec.value()).toString());
        }
      }
      assertThat(offsets).containsExactly(1L, 2L);
      assertThat(values).containsExactly("e1", "e2");

      // At the end: the request waits up to maxWaitMs for new events, then answers empty.
      ft.partitions().get(0).setFetchOffset(3);
      long t0 = System.nanoTime();
      id = c.send(ApiKeys.FETCH, (short) 12, f);
      r = new FetchResponseData(c.receive(ApiKeys.FETCH, (short) 12, id), (short) 12);
      assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(250);
      assertThat(r.responses().get(0).partitions().get(0).records().sizeInBytes()).isZero();

      ft.partitions().get(0).setFetchOffset(4);
      id = c.send(ApiKeys.FETCH, (short) 12, f);
      r = new FetchResponseData(c.receive(ApiKeys.FETCH, (short) 12, id), (short) 12);
      assertThat(Errors.forCode(r.responses().get(0).partitions().get(0).errorCode()))
          .isEqualTo(Errors.OFFSET_OUT_OF_RANGE);
    }
  }

  @Test
  void committedOffsetsAreVisibleInEveryOffsetFetchLayout() throws Exception {
    try (RawKafkaClient c = client()) {
      OffsetCommitRequestData commit = new OffsetCommitRequestData().setGroupId("g").setGenerationIdOrMemberEpoch(-1)
          .setMemberId("");
      OffsetCommitRequestData.OffsetCommitRequestTopic t = new OffsetCommitRequestData.OffsetCommitRequestTopic()
          .setName("users");
      t.partitions().add(new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(0)
          .setCommittedOffset(42).setCommittedMetadata("m"));
      commit.topics().add(t);
      int id = c.send(ApiKeys.OFFSET_COMMIT, (short) 8, commit);
      OffsetCommitResponseData cr = new OffsetCommitResponseData(c.receive(ApiKeys.OFFSET_COMMIT, (short) 8, id),
          (short) 8);
      assertThat(cr.topics().get(0).partitions().get(0).errorCode()).isZero();

      // v7 and older: one group, top-level topics (what pre-3.0 clients send).
      OffsetFetchRequestData old = new OffsetFetchRequestData().setGroupId("g").setTopics(List.of(
          new OffsetFetchRequestData.OffsetFetchRequestTopic().setName("users").setPartitionIndexes(List.of(0))));
      id = c.send(ApiKeys.OFFSET_FETCH, (short) 7, old);
      OffsetFetchResponseData or = new OffsetFetchResponseData(c.receive(ApiKeys.OFFSET_FETCH, (short) 7, id),
          (short) 7);
      assertThat(or.topics().get(0).partitions().get(0).committedOffset()).isEqualTo(42);

      // v8+: groups[]; v10 names topics by id.
      for (short v : new short[] {8, 9, 10}) {
        OffsetFetchRequestData.OffsetFetchRequestTopics rt = new OffsetFetchRequestData.OffsetFetchRequestTopics()
            .setPartitionIndexes(List.of(0));
        if (v >= 10) {
          rt.setTopicId(TopicIds.toUuid(backend.topic("users").orElseThrow().id()));
        } else {
          rt.setName("users");
        }
        OffsetFetchRequestData req = new OffsetFetchRequestData().setGroups(List.of(
            new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("g").setTopics(List.of(rt))));
        id = c.send(ApiKeys.OFFSET_FETCH, v, req);
        ByteBufferAccessor a = c.receive(ApiKeys.OFFSET_FETCH, v, id);
        OffsetFetchResponseData nr = new OffsetFetchResponseData(a, v);
        assertThat(nr.groups().get(0).topics().get(0).partitions().get(0).committedOffset()).as("v" + v)
            .isEqualTo(42);
      }
    }
  }
}
