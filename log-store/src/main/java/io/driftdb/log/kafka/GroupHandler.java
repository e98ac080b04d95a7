package io.driftdb.log.kafka;

import io.driftdb.log.kafka.GroupCoordinator.Committed;
import io.driftdb.log.kafka.GroupCoordinator.OffsetKey;
import io.driftdb.log.kafka.TopicBackend.TopicInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * Translates the classic group APIs, in every version's layout, to {@link GroupCoordinator}:
 * LeaveGroup before v3 names one member, later a list; OffsetFetch before v8 names one group
 * with top-level topics, later a list of groups; OffsetCommit/OffsetFetch v10 identify topics
 * by id, earlier versions by name.
 */
final class GroupHandler {
  private static final long EXTRA_WAIT_MS = 5_000;

  private final TopicBackend backend;
  private final GroupCoordinator coordinator;

  GroupHandler(TopicBackend backend, GroupCoordinator coordinator) {
    this.backend = backend;
    this.coordinator = coordinator;
  }

  ApiMessage handle(ApiKeys key, ApiMessage body, short v, KafkaApis.Connection conn, String clientId) {
    return switch (key) {
      case JOIN_GROUP -> join((JoinGroupRequestData) body, v, conn, clientId);
      case SYNC_GROUP -> sync((SyncGroupRequestData) body, v);
      case HEARTBEAT -> new HeartbeatResponseData().setThrottleTimeMs(0).setErrorCode(coordinator.heartbeat(
          ((HeartbeatRequestData) body).groupId(), ((HeartbeatRequestData) body).generationId(),
          ((HeartbeatRequestData) body).memberId()).code());
      case LEAVE_GROUP -> leave((LeaveGroupRequestData) body, v);
      case OFFSET_COMMIT -> commit((OffsetCommitRequestData) body, v);
      case OFFSET_FETCH -> fetchOffsets((OffsetFetchRequestData) body, v);
      default -> throw new IllegalStateException("not a group API: " + key);
    };
  }

  private static <T> T await(CompletableFuture<T> f, long timeoutMs, T onTimeout) {
    try {
      return f.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return onTimeout;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return onTimeout;
    }
  }

  private JoinGroupResponseData join(JoinGroupRequestData req, short v, KafkaApis.Connection conn, String clientId) {
    List<GroupCoordinator.Protocol> protocols = new ArrayList<>();
    for (JoinGroupRequestData.JoinGroupRequestProtocol p : req.protocols()) {
      protocols.add(new GroupCoordinator.Protocol(p.name(), p.metadata()));
    }
    int rebalanceTimeout = v >= 1 ? req.rebalanceTimeoutMs() : req.sessionTimeoutMs();
    GroupCoordinator.JoinRequest jr = new GroupCoordinator.JoinRequest(req.groupId(), req.memberId(),
        req.groupInstanceId(), clientId, conn.clientAddress(), req.sessionTimeoutMs(), rebalanceTimeout,
        req.protocolType(), protocols, v >= 4);
    GroupCoordinator.JoinResult r = await(coordinator.join(jr), Math.max(rebalanceTimeout, 0) + EXTRA_WAIT_MS,
        GroupCoordinator.JoinResult.error(Errors.REBALANCE_IN_PROGRESS, req.memberId()));
    JoinGroupResponseData resp = new JoinGroupResponseData().setThrottleTimeMs(0).setErrorCode(r.error().code())
        .setGenerationId(r.generation()).setProtocolName(r.protocolName() == null && v < 7 ? "" : r.protocolName())
        .setLeader(r.leader()).setMemberId(r.memberId() == null ? "" : r.memberId());
    if (v >= 7) {
      resp.setProtocolType(r.protocolType());
    }
    List<JoinGroupResponseData.JoinGroupResponseMember> members = new ArrayList<>();
    for (GroupCoordinator.MemberMetadata m : r.members()) {
      JoinGroupResponseData.JoinGroupResponseMember jm = new JoinGroupResponseData.JoinGroupResponseMember()
          .setMemberId(m.memberId()).setMetadata(m.metadata());
      if (v >= 5) {
        jm.setGroupInstanceId(m.groupInstanceId());
      }
      members.add(jm);
    }
    return resp.setMembers(members);
  }

  private SyncGroupResponseData sync(SyncGroupRequestData req, short v) {
    Map<String, byte[]> assignments = new HashMap<>();
    for (SyncGroupRequestData.SyncGroupRequestAssignment a : req.assignments()) {
      assignments.put(a.memberId(), a.assignment());
    }
    GroupCoordinator.SyncResult r = await(coordinator.sync(req.groupId(), req.generationId(), req.memberId(),
        req.protocolType(), req.protocolName(), assignments), 300_000 + EXTRA_WAIT_MS,
        GroupCoordinator.SyncResult.error(Errors.REBALANCE_IN_PROGRESS));
    SyncGroupResponseData resp = new SyncGroupResponseData().setThrottleTimeMs(0).setErrorCode(r.error().code())
        .setAssignment(r.assignment());
    if (v >= 5) {
      resp.setProtocolType(r.protocolType()).setProtocolName(r.protocolName());
    }
    return resp;
  }

  private LeaveGroupResponseData leave(LeaveGroupRequestData req, short v) {
    LeaveGroupResponseData resp = new LeaveGroupResponseData().setThrottleTimeMs(0);
    if (v < 3) {
      List<Errors> errors = coordinator.leave(req.groupId(), List.of(req.memberId()));
      return resp.setErrorCode(errors.get(0).code());
    }
    List<String> ids = new ArrayList<>();
    for (LeaveGroupRequestData.MemberIdentity m : req.members()) {
      ids.add(m.memberId());
    }
    List<Errors> errors = coordinator.leave(req.groupId(), ids);
    List<LeaveGroupResponseData.MemberResponse> out = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      out.add(new LeaveGroupResponseData.MemberResponse().setMemberId(ids.get(i))
          .setGroupInstanceId(req.members().get(i).groupInstanceId()).setErrorCode(errors.get(i).code()));
    }
    return resp.setErrorCode(Errors.NONE.code()).setMembers(out);
  }

  // ---- offsets ----

  private Optional<TopicInfo> topicOf(String name, Uuid id, short v, short idVersion) {
    if (v >= idVersion) {
      long backendId = TopicIds.fromUuid(id);
      return backendId < 0 ? Optional.empty() : backend.topic(backendId);
    }
    return backend.topic(name);
  }

  private OffsetCommitResponseData commit(OffsetCommitRequestData req, short v) {
    Map<OffsetKey, Committed> offsets = new LinkedHashMap<>();
    Map<OffsetCommitRequestData.OffsetCommitRequestTopic, Optional<TopicInfo>> topics = new LinkedHashMap<>();
    for (OffsetCommitRequestData.OffsetCommitRequestTopic t : req.topics()) {
      Optional<TopicInfo> info = topicOf(t.name(), t.topicId(), v, (short) 10);
      topics.put(t, info);
      if (info.isPresent()) {
        for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
          if (p.partitionIndex() == 0) {
            offsets.put(new OffsetKey(info.get().id(), 0),
                new Committed(p.committedOffset(), p.committedLeaderEpoch(), p.committedMetadata()));
          }
        }
      }
    }
    Errors error = coordinator.commit(req.groupId(), req.generationIdOrMemberEpoch(), req.memberId(), offsets);
    OffsetCommitResponseData resp = new OffsetCommitResponseData().setThrottleTimeMs(0);
    for (Map.Entry<OffsetCommitRequestData.OffsetCommitRequestTopic, Optional<TopicInfo>> e : topics.entrySet()) {
      OffsetCommitRequestData.OffsetCommitRequestTopic t = e.getKey();
      OffsetCommitResponseData.OffsetCommitResponseTopic rt = new OffsetCommitResponseData.OffsetCommitResponseTopic();
      Errors unknown = Errors.UNKNOWN_TOPIC_OR_PARTITION;
      if (v >= 10) {
        rt.setTopicId(t.topicId());
        unknown = Errors.UNKNOWN_TOPIC_ID;
      } else {
        rt.setName(t.name());
      }
      for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
        Errors pe = e.getValue().isEmpty() ? unknown : p.partitionIndex() != 0 ? Errors.UNKNOWN_TOPIC_OR_PARTITION
            : error;
        rt.partitions().add(new OffsetCommitResponseData.OffsetCommitResponsePartition()
            .setPartitionIndex(p.partitionIndex()).setErrorCode(pe.code()));
      }
      resp.topics().add(rt);
    }
    return resp;
  }

  /** One group's requested partitions (or everything when {@code all}) with their commits. */
  private record GroupOffsets(Map<TopicInfo, List<Integer>> partitions, Map<OffsetKey, Committed> committed) {}

  private GroupOffsets lookup(String groupId, Map<TopicInfo, List<Integer>> requested) {
    if (requested == null) {
      Map<OffsetKey, Committed> all = coordinator.committed(groupId, null);
      Map<TopicInfo, List<Integer>> parts = new LinkedHashMap<>();
      for (OffsetKey k : all.keySet()) {
        backend.topic(k.topicId()).ifPresent(t -> parts.computeIfAbsent(t, x -> new ArrayList<>()).add(k.partition()));
      }
      return new GroupOffsets(parts, all);
    }
    List<OffsetKey> keys = new ArrayList<>();
    requested.forEach((t, ps) -> ps.forEach(p -> keys.add(new OffsetKey(t.id(), p))));
    return new GroupOffsets(requested, coordinator.committed(groupId, keys));
  }

  private OffsetFetchResponseData fetchOffsets(OffsetFetchRequestData req, short v) {
    OffsetFetchResponseData resp = new OffsetFetchResponseData().setThrottleTimeMs(0);
    if (v < 8) {
      Map<TopicInfo, List<Integer>> requested = null;
      List<OffsetFetchResponseData.OffsetFetchResponseTopic> unknownTopics = new ArrayList<>();
      if (req.topics() != null) {
        requested = new LinkedHashMap<>();
        for (OffsetFetchRequestData.OffsetFetchRequestTopic t : req.topics()) {
          Optional<TopicInfo> info = backend.topic(t.name());
          if (info.isPresent()) {
            requested.put(info.get(), t.partitionIndexes());
          } else {
            unknownTopics.add(noCommitsTopicV0(t.name(), t.partitionIndexes()));
          }
        }
      }
      GroupOffsets g = lookup(req.groupId(), requested);
      g.partitions().forEach((t, ps) -> {
        OffsetFetchResponseData.OffsetFetchResponseTopic rt =
            new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(t.name());
        for (int p : ps) {
          Committed c = g.committed().get(new OffsetKey(t.id(), p));
          OffsetFetchResponseData.OffsetFetchResponsePartition rp =
              new OffsetFetchResponseData.OffsetFetchResponsePartition().setPartitionIndex(p)
                  .setCommittedOffset(c == null ? -1 : c.offset()).setMetadata(c == null ? "" : c.metadata())
                  .setErrorCode(Errors.NONE.code());
          if (v >= 5) {
            rp.setCommittedLeaderEpoch(c == null ? -1 : c.leaderEpoch());
          }
          rt.partitions().add(rp);
        }
        resp.topics().add(rt);
      });
      resp.topics().addAll(unknownTopics);
      if (v >= 2) {
        resp.setErrorCode(Errors.NONE.code());
      }
      return resp;
    }
    for (OffsetFetchRequestData.OffsetFetchRequestGroup rg : req.groups()) {
      Map<TopicInfo, List<Integer>> requested = null;
      List<OffsetFetchResponseData.OffsetFetchResponseTopics> unknownTopics = new ArrayList<>();
      if (rg.topics() != null) {
        requested = new LinkedHashMap<>();
        for (OffsetFetchRequestData.OffsetFetchRequestTopics t : rg.topics()) {
          Optional<TopicInfo> info = topicOf(t.name(), t.topicId(), v, (short) 10);
          if (info.isPresent()) {
            requested.put(info.get(), t.partitionIndexes());
          } else {
            OffsetFetchResponseData.OffsetFetchResponseTopics rt = new OffsetFetchResponseData.OffsetFetchResponseTopics();
            if (v >= 10) {
              rt.setTopicId(t.topicId());
            } else {
              rt.setName(t.name());
            }
            for (int p : t.partitionIndexes()) {
              rt.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartitions().setPartitionIndex(p)
                  .setCommittedOffset(-1).setCommittedLeaderEpoch(-1).setMetadata("")
                  .setErrorCode((v >= 10 ? Errors.UNKNOWN_TOPIC_ID : Errors.NONE).code()));
            }
            unknownTopics.add(rt);
          }
        }
      }
      GroupOffsets g = lookup(rg.groupId(), requested);
      OffsetFetchResponseData.OffsetFetchResponseGroup out =
          new OffsetFetchResponseData.OffsetFetchResponseGroup().setGroupId(rg.groupId()).setErrorCode(Errors.NONE.code());
      g.partitions().forEach((t, ps) -> {
        OffsetFetchResponseData.OffsetFetchResponseTopics rt = new OffsetFetchResponseData.OffsetFetchResponseTopics();
        if (v >= 10) {
          rt.setTopicId(TopicIds.toUuid(t.id()));
        } else {
          rt.setName(t.name());
        }
        for (int p : ps) {
          Committed c = g.committed().get(new OffsetKey(t.id(), p));
          rt.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartitions().setPartitionIndex(p)
              .setCommittedOffset(c == null ? -1 : c.offset()).setCommittedLeaderEpoch(c == null ? -1 : c.leaderEpoch())
              .setMetadata(c == null ? "" : c.metadata()).setErrorCode(Errors.NONE.code()));
        }
        out.topics().add(rt);
      });
      out.topics().addAll(unknownTopics);
      resp.groups().add(out);
    }
    return resp;
  }

  private static OffsetFetchResponseData.OffsetFetchResponseTopic noCommitsTopicV0(String name, List<Integer> ps) {
    OffsetFetchResponseData.OffsetFetchResponseTopic rt =
        new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(name);
    for (int p : ps) {
      rt.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartition().setPartitionIndex(p)
          .setCommittedOffset(-1).setMetadata("").setErrorCode(Errors.NONE.code()));
    }
    return rt;
  }
}
