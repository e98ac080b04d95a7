package io.driftdb.log.kafka;

import io.driftdb.log.kafka.TopicBackend.TopicInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;

/**
 * Decodes one request frame, runs it and encodes the response, on kafka-clients' generated
 * message classes (which know every version's layout). Routes the data APIs to
 * {@link ProduceHandler}, {@link FetchHandler} and the group APIs to {@link GroupHandler}; the
 * small metadata APIs live here.
 *
 * <p>Advertised APIs are exactly the implemented ones, each from its oldest to its newest
 * version in the kafka-clients on the classpath (4.3.1). Not advertising OffsetForLeaderEpoch or
 * GetTelemetrySubscriptions makes clients skip them. An ApiVersions request of a version we do
 * not know gets Kafka's answer: a version-0 response with UNSUPPORTED_VERSION and the supported
 * ranges. Any other request we cannot parse (unknown API or version, truncated, garbage) throws
 * {@link MalformedRequestException}, and the connection is closed, as a Kafka broker does.
 */
final class KafkaApis {
  static final Set<ApiKeys> SUPPORTED = EnumSet.of(ApiKeys.API_VERSIONS, ApiKeys.METADATA, ApiKeys.INIT_PRODUCER_ID,
      ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP,
      ApiKeys.SYNC_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.OFFSET_FETCH, ApiKeys.OFFSET_COMMIT);

  /** The single node of this "cluster". */
  static final int NODE_ID = 0;

  /** A frame that cannot be served; the connection is closed. */
  static final class MalformedRequestException extends RuntimeException {
    MalformedRequestException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Facts about the connection a request came on. */
  record Connection(String clientAddress, String advertisedHost, int advertisedPort) {}

  /** A parsed request: header plus the version-specific body reader. */
  record Request(RequestHeader header, ByteBufferAccessor body) {
    short version() {
      return header.apiVersion();
    }
  }

  private final TopicBackend backend;
  private final GatewayConfig config;
  private final ProduceHandler produce;
  private final FetchHandler fetch;
  private final GroupHandler groups;
  private final ProducerStateTable producers;
  private volatile boolean closing;

  KafkaApis(TopicBackend backend, GatewayConfig config, ProducerStateTable producers, GroupCoordinator coordinator) {
    this.backend = backend;
    this.config = config;
    this.producers = producers;
    this.produce = new ProduceHandler(backend, config, producers);
    this.fetch = new FetchHandler(backend, this::isClosing);
    this.groups = new GroupHandler(backend, coordinator);
  }

  boolean isClosing() {
    return closing;
  }

  void closing() {
    closing = true;
  }

  /**
   * A response in preparation. {@code body} completes (never exceptionally) when it is ready,
   * with null when the request gets no response (Produce with acks=0); {@link #encode()} then
   * gives the frame (without size prefix). It is encoded on the thread that writes it, not on
   * the one that completes it (for Produce, the log's writer thread).
   */
  record Pending(RequestHeader header, short version, CompletableFuture<ApiMessage> body) {
    ByteBuffer encode() {
      ApiMessage m = body.join();
      return m == null ? null : serialize(header, m, version);
    }

    /** Produce: its response waits for durability; later requests may be served meanwhile. */
    boolean pipelined() {
      return header.apiKey() == ApiKeys.PRODUCE;
    }
  }

  /**
   * Runs a parsed request. Everything but Produce is answered before this returns; a Produce
   * request's batches are checked and submitted, and its response completes when they are
   * durable.
   */
  Pending submit(Request req, Connection conn) {
    ApiKeys key = req.header().apiKey();
    short v = req.version();
    if (key == ApiKeys.API_VERSIONS && !versionSupported(key, v)) {
      // Kafka's rule: answer with version 0, so that any client can read the supported ranges.
      return new Pending(req.header(), (short) 0,
          CompletableFuture.completedFuture(apiVersions(Errors.UNSUPPORTED_VERSION)));
    }
    ApiMessage body;
    try {
      body = readBody(req);
    } catch (RuntimeException e) {
      throw new MalformedRequestException("cannot parse " + key + " v" + v + ": " + e.getMessage(), e);
    }
    if (key == ApiKeys.PRODUCE) {
      return new Pending(req.header(), v, produce.handle(body, v, conn, req.header().clientId()));
    }
    ApiMessage response = switch (key) {
      case API_VERSIONS -> apiVersions(Errors.NONE);
      case METADATA -> metadata((MetadataRequestData) body, v, conn);
      case INIT_PRODUCER_ID -> initProducerId((InitProducerIdRequestData) body);
      case FETCH -> fetch.handle(body, v);
      case LIST_OFFSETS -> listOffsets((ListOffsetsRequestData) body, v);
      case FIND_COORDINATOR -> findCoordinator((FindCoordinatorRequestData) body, v, conn);
      default -> groups.handle(key, body, v, conn, req.header().clientId());
    };
    return new Pending(req.header(), v, CompletableFuture.completedFuture(response));
  }

  static Request parse(ByteBuffer frame) {
    RequestHeader header;
    try {
      header = RequestHeader.parse(frame);
    } catch (RuntimeException e) { // InvalidRequestException for unknown API keys, buffer underflows, ...
      throw new MalformedRequestException("unreadable request header: " + e.getMessage(), e);
    }
    ApiKeys key = header.apiKey();
    if (!SUPPORTED.contains(key)) {
      throw new MalformedRequestException(key + " is not supported by the DriftDB Kafka gateway", null);
    }
    if (key != ApiKeys.API_VERSIONS && !versionSupported(key, header.apiVersion())) {
      throw new MalformedRequestException(key + " version " + header.apiVersion() + " is not supported (supported: "
          + key.oldestVersion() + ".." + key.latestVersion() + ")", null);
    }
    return new Request(header, new ByteBufferAccessor(frame));
  }

  static boolean versionSupported(ApiKeys key, short v) {
    return v >= key.oldestVersion() && v <= key.latestVersion();
  }

  private static ApiMessage readBody(Request req) {
    short v = req.version();
    ByteBufferAccessor r = req.body();
    return switch (req.header().apiKey()) {
      case API_VERSIONS -> new org.apache.kafka.common.message.ApiVersionsRequestData(r, v);
      case METADATA -> new MetadataRequestData(r, v);
      case INIT_PRODUCER_ID -> new InitProducerIdRequestData(r, v);
      case PRODUCE -> new org.apache.kafka.common.message.ProduceRequestData(r, v);
      case FETCH -> new org.apache.kafka.common.message.FetchRequestData(r, v);
      case LIST_OFFSETS -> new ListOffsetsRequestData(r, v);
      case FIND_COORDINATOR -> new FindCoordinatorRequestData(r, v);
      case JOIN_GROUP -> new org.apache.kafka.common.message.JoinGroupRequestData(r, v);
      case SYNC_GROUP -> new org.apache.kafka.common.message.SyncGroupRequestData(r, v);
      case HEARTBEAT -> new org.apache.kafka.common.message.HeartbeatRequestData(r, v);
      case LEAVE_GROUP -> new org.apache.kafka.common.message.LeaveGroupRequestData(r, v);
      case OFFSET_FETCH -> new org.apache.kafka.common.message.OffsetFetchRequestData(r, v);
      case OFFSET_COMMIT -> new org.apache.kafka.common.message.OffsetCommitRequestData(r, v);
      default -> throw new IllegalStateException("unreachable: " + req.header().apiKey());
    };
  }

  private static ByteBuffer serialize(RequestHeader header, ApiMessage body, short version) {
    ApiKeys key = header.apiKey();
    return RequestUtils.serialize(new ResponseHeaderData().setCorrelationId(header.correlationId()),
        key.responseHeaderVersion(version), body, version);
  }

  // ---- ApiVersions ----

  static ApiVersionsResponseData apiVersions(Errors error) {
    ApiVersionsResponseData d = new ApiVersionsResponseData().setErrorCode(error.code()).setThrottleTimeMs(0);
    for (ApiKeys k : SUPPORTED) {
      d.apiKeys().add(new ApiVersionsResponseData.ApiVersion().setApiKey(k.id).setMinVersion(k.oldestVersion())
          .setMaxVersion(k.latestVersion()));
    }
    return d;
  }

  // ---- Metadata ----

  private MetadataResponseData metadata(MetadataRequestData req, short v, Connection conn) {
    MetadataResponseData resp = new MetadataResponseData().setThrottleTimeMs(0).setClusterId(config.clusterId())
        .setControllerId(NODE_ID);
    resp.brokers().add(new MetadataResponseData.MetadataResponseBroker().setNodeId(NODE_ID)
        .setHost(conn.advertisedHost()).setPort(conn.advertisedPort()).setRack(null));
    boolean all = req.topics() == null || (v == 0 && req.topics().isEmpty());
    if (all) {
      for (TopicInfo t : backend.topics()) {
        resp.topics().add(topicMetadata(t.name(), t, v));
      }
      return resp;
    }
    for (MetadataRequestData.MetadataRequestTopic rt : req.topics()) {
      if (rt.name() != null) {
        Optional<TopicInfo> t = backend.topic(rt.name());
        resp.topics().add(t.isPresent() ? topicMetadata(rt.name(), t.get(), v)
            : new MetadataResponseData.MetadataResponseTopic().setName(rt.name())
                .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
      } else {
        long id = TopicIds.fromUuid(rt.topicId());
        Optional<TopicInfo> t = id < 0 ? Optional.empty() : backend.topic(id);
        resp.topics().add(t.isPresent() ? topicMetadata(t.get().name(), t.get(), v)
            : new MetadataResponseData.MetadataResponseTopic().setName(v >= 12 ? null : "").setTopicId(rt.topicId())
                .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
      }
    }
    return resp;
  }

  /** One partition (0), led by this node, in sync, leader epoch 0. */
  private static MetadataResponseData.MetadataResponseTopic topicMetadata(String name, TopicInfo t, short v) {
    MetadataResponseData.MetadataResponseTopic mt = new MetadataResponseData.MetadataResponseTopic().setName(name)
        .setErrorCode(Errors.NONE.code()).setIsInternal(false);
    if (v >= 10) {
      mt.setTopicId(TopicIds.toUuid(t.id()));
    }
    mt.partitions().add(new MetadataResponseData.MetadataResponsePartition().setErrorCode(Errors.NONE.code())
        .setPartitionIndex(0).setLeaderId(NODE_ID).setLeaderEpoch(0).setReplicaNodes(List.of(NODE_ID))
        .setIsrNodes(List.of(NODE_ID)).setOfflineReplicas(List.of()));
    return mt;
  }

  // ---- InitProducerId ----

  private InitProducerIdResponseData initProducerId(InitProducerIdRequestData req) {
    InitProducerIdResponseData resp = new InitProducerIdResponseData().setThrottleTimeMs(0);
    if (req.transactionalId() != null) {
      // The producer then fails with "Unexpected error in InitProducerIdResponse; ... incompatible broker".
      return resp.setErrorCode(Errors.INVALID_REQUEST.code()).setProducerId(-1).setProducerEpoch((short) -1);
    }
    long[] pe = producers.initProducer(req.producerId(), req.producerEpoch());
    return resp.setErrorCode(Errors.NONE.code()).setProducerId(pe[0]).setProducerEpoch((short) pe[1]);
  }

  // ---- ListOffsets ----

  private ListOffsetsResponseData listOffsets(ListOffsetsRequestData req, short v) {
    ListOffsetsResponseData resp = new ListOffsetsResponseData().setThrottleTimeMs(0);
    for (ListOffsetsRequestData.ListOffsetsTopic rt : req.topics()) {
      ListOffsetsResponseData.ListOffsetsTopicResponse tr =
          new ListOffsetsResponseData.ListOffsetsTopicResponse().setName(rt.name());
      Optional<TopicInfo> topic = backend.topic(rt.name());
      for (ListOffsetsRequestData.ListOffsetsPartition rp : rt.partitions()) {
        ListOffsetsResponseData.ListOffsetsPartitionResponse pr =
            new ListOffsetsResponseData.ListOffsetsPartitionResponse().setPartitionIndex(rp.partitionIndex())
                .setTimestamp(-1).setOffset(-1);
        if (v >= 4) {
          pr.setLeaderEpoch(0);
        }
        if (topic.isEmpty() || rp.partitionIndex() != 0) {
          pr.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        } else {
          try {
            answerListOffsets(topic.get(), rp.timestamp(), pr);
          } catch (TopicBackendException e) {
            pr.setErrorCode(ProduceHandler.errorFor(e).code());
          }
        }
        tr.partitions().add(pr);
      }
      resp.topics().add(tr);
    }
    return resp;
  }

  /** -2 earliest, -4 earliest-local, -1 latest, -5 latest-tiered, -3 max timestamp, else by timestamp. */
  private void answerListOffsets(TopicInfo topic, long ts, ListOffsetsResponseData.ListOffsetsPartitionResponse pr) {
    TopicBackend.Fetched range = backend.offsets(topic);
    if (ts == -2 || ts == -4) {
      pr.setOffset(range.startOffset());
    } else if (ts == -1) {
      pr.setOffset(range.endOffset());
    } else if (ts == -5) {
      pr.setOffset(-1).setLeaderEpoch(-1); // latest tiered: as a broker without tiered storage (nothing tiered)
    } else if (ts == -3) {
      if (range.endOffset() > range.startOffset()) {
        // As Kafka: the first offset that has the largest timestamp. Event timestamps never
        // decrease, and the events of one transaction (and of transactions committed in the same
        // millisecond) share one, so that is the first event at or after the last one's.
        List<TopicBackend.ChangeEvent> last = backend.fetch(topic, range.endOffset() - 1, 1).events();
        if (!last.isEmpty()) {
          long max = last.get(0).timestampMs();
          TopicBackend.TimestampedOffset first = backend.offsetForTimestamp(topic, max)
              .orElse(new TopicBackend.TimestampedOffset(last.get(0).offset(), max));
          pr.setOffset(first.offset()).setTimestamp(first.timestampMs());
        }
      }
    } else if (ts >= 0) {
      backend.offsetForTimestamp(topic, ts).ifPresent(o -> pr.setOffset(o.offset()).setTimestamp(o.timestampMs()));
    } else {
      pr.setErrorCode(Errors.INVALID_REQUEST.code());
    }
  }

  // ---- FindCoordinator ----

  private FindCoordinatorResponseData findCoordinator(FindCoordinatorRequestData req, short v, Connection conn) {
    FindCoordinatorResponseData resp = new FindCoordinatorResponseData().setThrottleTimeMs(0);
    boolean group = req.keyType() == 0;
    String message = group ? null : "only consumer groups are coordinated here: transactions and share groups "
        + "are not supported by the DriftDB Kafka gateway";
    Errors error = group ? Errors.NONE : Errors.INVALID_REQUEST;
    if (v < 4) {
      resp.setErrorCode(error.code()).setErrorMessage(message);
      if (group) {
        resp.setNodeId(NODE_ID).setHost(conn.advertisedHost()).setPort(conn.advertisedPort());
      } else {
        resp.setNodeId(-1).setHost("").setPort(-1);
      }
      return resp;
    }
    List<FindCoordinatorResponseData.Coordinator> out = new ArrayList<>();
    for (String k : req.coordinatorKeys()) {
      FindCoordinatorResponseData.Coordinator c = new FindCoordinatorResponseData.Coordinator().setKey(k)
          .setErrorCode(error.code()).setErrorMessage(message);
      if (group) {
        c.setNodeId(NODE_ID).setHost(conn.advertisedHost()).setPort(conn.advertisedPort());
      } else {
        c.setNodeId(-1).setHost("").setPort(-1);
      }
      out.add(c);
    }
    return resp.setCoordinators(out);
  }
}
