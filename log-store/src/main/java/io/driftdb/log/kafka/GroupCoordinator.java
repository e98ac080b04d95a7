package io.driftdb.log.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.Errors;

/**
 * The classic consumer-group protocol (JoinGroup / SyncGroup / Heartbeat / LeaveGroup) and
 * committed offsets, for a single node that coordinates every group.
 *
 * <p>States as in Kafka's coordinator: EMPTY → PREPARING_REBALANCE (waiting for every known
 * member to (re)join, at most the largest rebalance timeout; members that do not rejoin are
 * dropped) → COMPLETING_REBALANCE (new generation; the leader got every member's metadata and
 * computes the assignment client-side) → STABLE (the leader's SyncGroup delivered each member
 * its assignment). A join, a leave or an expired session (no heartbeat within the member's
 * session timeout) starts a new rebalance; members learn of it from REBALANCE_IN_PROGRESS on
 * their heartbeat. New members first get MEMBER_ID_REQUIRED with their id (KIP-394, v4+).
 * There is no initial rebalance delay. Static membership ({@code group.instance.id}) is not
 * special-cased: such members are treated as dynamic ones.
 *
 * <p>Committed offsets are kept per group and topic id (a table id, stable for the table's
 * life), in memory and, when an {@link OffsetStore} is given, on disk before the commit is
 * acknowledged, so they survive consumer and gateway restarts.
 *
 * <p>Join and sync answers that must wait for other members are futures; the connection
 * thread waits on them (a Kafka connection is served one request at a time anyway).
 */
final class GroupCoordinator implements AutoCloseable {
  enum State { EMPTY, PREPARING_REBALANCE, COMPLETING_REBALANCE, STABLE }

  record Protocol(String name, byte[] metadata) {}

  record JoinRequest(String groupId, String memberId, String groupInstanceId, String clientId, String clientHost,
                     int sessionTimeoutMs, int rebalanceTimeoutMs, String protocolType, List<Protocol> protocols,
                     boolean requireKnownMemberId) {}

  record MemberMetadata(String memberId, String groupInstanceId, byte[] metadata) {}

  record JoinResult(Errors error, int generation, String protocolType, String protocolName, String leader,
                    String memberId, List<MemberMetadata> members) {
    static JoinResult error(Errors e, String memberId) {
      return new JoinResult(e, -1, null, null, "", memberId, List.of());
    }
  }

  record SyncResult(Errors error, String protocolType, String protocolName, byte[] assignment) {
    static SyncResult error(Errors e) {
      return new SyncResult(e, null, null, new byte[0]);
    }
  }

  record OffsetKey(long topicId, int partition) {}

  record Committed(long offset, int leaderEpoch, String metadata) {}

  private static final class Member {
    final String id;
    String groupInstanceId;
    String clientId;
    String clientHost;
    int sessionTimeoutMs;
    int rebalanceTimeoutMs;
    String protocolType;
    List<Protocol> protocols = List.of();
    long lastSeenMs;
    byte[] assignment = new byte[0];
    CompletableFuture<JoinResult> join;
    CompletableFuture<SyncResult> sync;

    Member(String id) {
      this.id = id;
    }

    boolean awaitingJoin() {
      return join != null && !join.isDone();
    }

    boolean awaitingSync() {
      return sync != null && !sync.isDone();
    }

    byte[] metadata(String protocol) {
      for (Protocol p : protocols) {
        if (p.name().equals(protocol)) {
          return p.metadata();
        }
      }
      return new byte[0];
    }
  }

  private static final class Group {
    final String id;
    State state = State.EMPTY;
    int generation;
    String protocolType;
    String protocolName;
    String leader;
    long deadlineMs;
    final LinkedHashMap<String, Member> members = new LinkedHashMap<>();
    final Map<String, Long> pendingMemberIds = new HashMap<>();
    final Map<OffsetKey, Committed> offsets = new ConcurrentHashMap<>();

    Group(String id) {
      this.id = id;
    }
  }

  private static final long PENDING_MEMBER_ID_MS = 5 * 60_000;

  private final Map<String, Group> groups = new ConcurrentHashMap<>();
  /** Null: offsets live in memory only. */
  private final OffsetStore store;
  private final Object storeLock = new Object();


  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "driftdb-kafka-groups");
    t.setDaemon(true);
    return t;
  });

  GroupCoordinator(OffsetStore store) {
    this.store = store;
    if (store != null) {
      store.load().forEach((id, offsets) -> group(id).offsets.putAll(offsets));
    }
    timer.scheduleWithFixedDelay(this::tick, 200, 200, TimeUnit.MILLISECONDS);
  }

  private Group group(String id) {
    return groups.computeIfAbsent(id, Group::new);
  }

  // ---- membership ----

  CompletableFuture<JoinResult> join(JoinRequest r) {
    Group g = group(r.groupId());
    synchronized (g) {
      long now = System.currentTimeMillis();
      if (r.protocolType() == null || r.protocolType().isEmpty() || r.protocols().isEmpty()) {
        return CompletableFuture.completedFuture(JoinResult.error(Errors.INCONSISTENT_GROUP_PROTOCOL, r.memberId()));
      }
      if (!g.members.isEmpty() && !r.protocolType().equals(g.protocolType)) {
        return CompletableFuture.completedFuture(JoinResult.error(Errors.INCONSISTENT_GROUP_PROTOCOL, r.memberId()));
      }
      String id = r.memberId();
      if (id == null || id.isEmpty()) {
        id = (r.clientId() == null || r.clientId().isEmpty() ? "member" : r.clientId()) + "-" + UUID.randomUUID();
        if (r.requireKnownMemberId()) {
          g.pendingMemberIds.put(id, now);
          return CompletableFuture.completedFuture(JoinResult.error(Errors.MEMBER_ID_REQUIRED, id));
        }
      } else if (!g.members.containsKey(id) && !g.pendingMemberIds.containsKey(id)) {
        return CompletableFuture.completedFuture(JoinResult.error(Errors.UNKNOWN_MEMBER_ID, id));
      }
      if (!compatible(g, id, r.protocols())) {
        return CompletableFuture.completedFuture(JoinResult.error(Errors.INCONSISTENT_GROUP_PROTOCOL, id));
      }
      g.pendingMemberIds.remove(id);
      Member m = g.members.computeIfAbsent(id, Member::new);
      m.groupInstanceId = r.groupInstanceId();
      m.clientId = r.clientId();
      m.clientHost = r.clientHost();
      m.sessionTimeoutMs = r.sessionTimeoutMs();
      m.rebalanceTimeoutMs = r.rebalanceTimeoutMs() > 0 ? r.rebalanceTimeoutMs() : r.sessionTimeoutMs();
      m.protocolType = r.protocolType();
      m.protocols = List.copyOf(r.protocols());
      m.lastSeenMs = now;
      if (m.awaitingJoin()) {
        m.join.complete(JoinResult.error(Errors.REBALANCE_IN_PROGRESS, id));
      }
      m.join = new CompletableFuture<>();
      CompletableFuture<JoinResult> mine = m.join;
      g.protocolType = r.protocolType();
      if (g.state != State.PREPARING_REBALANCE) {
        prepareRebalance(g, now);
      }
      maybeCompleteJoin(g);
      return mine;
    }
  }

  /** Whether the member's protocols share at least one with every other member's. */
  private static boolean compatible(Group g, String memberId, List<Protocol> protocols) {
    for (Member other : g.members.values()) {
      if (other.id.equals(memberId)) {
        continue;
      }
      boolean shared = false;
      for (Protocol p : protocols) {
        for (Protocol q : other.protocols) {
          shared |= p.name().equals(q.name());
        }
      }
      if (!shared) {
        return false;
      }
    }
    return true;
  }

  private static void prepareRebalance(Group g, long now) {
    int timeout = 0;
    for (Member m : g.members.values()) {
      timeout = Math.max(timeout, m.rebalanceTimeoutMs);
      if (m.awaitingSync()) {
        m.sync.complete(SyncResult.error(Errors.REBALANCE_IN_PROGRESS));
      }
    }
    g.state = State.PREPARING_REBALANCE;
    g.deadlineMs = now + timeout;
  }

  private static void maybeCompleteJoin(Group g) {
    if (g.state != State.PREPARING_REBALANCE) {
      return;
    }
    for (Member m : g.members.values()) {
      if (!m.awaitingJoin()) {
        return;
      }
    }
    completeJoin(g, System.currentTimeMillis());
  }

  /** Ends the join phase: members that did not rejoin are dropped, a new generation starts. */
  private static void completeJoin(Group g, long now) {
    g.members.values().removeIf(m -> !m.awaitingJoin());
    g.generation++;
    if (g.members.isEmpty()) {
      toEmpty(g);
      return;
    }
    g.protocolName = selectProtocol(g);
    if (g.leader == null || !g.members.containsKey(g.leader)) {
      g.leader = g.members.keySet().iterator().next();
    }
    g.state = State.COMPLETING_REBALANCE;
    int timeout = 0;
    for (Member m : g.members.values()) {
      timeout = Math.max(timeout, m.rebalanceTimeoutMs);
    }
    g.deadlineMs = now + timeout;
    List<MemberMetadata> all = new ArrayList<>();
    for (Member m : g.members.values()) {
      all.add(new MemberMetadata(m.id, m.groupInstanceId, m.metadata(g.protocolName)));
    }
    for (Member m : g.members.values()) {
      m.assignment = new byte[0];
      m.lastSeenMs = now;
      boolean leader = m.id.equals(g.leader);
      m.join.complete(new JoinResult(Errors.NONE, g.generation, g.protocolType, g.protocolName, g.leader, m.id,
          leader ? all : List.of()));
    }
  }

  private static void toEmpty(Group g) {
    g.state = State.EMPTY;
    g.leader = null;
    g.protocolName = null;
  }

  /** Kafka's rule: among protocols every member supports, each member votes for its favourite. */
  private static String selectProtocol(Group g) {
    List<String> candidates = new ArrayList<>();
    Member first = g.members.values().iterator().next();
    for (Protocol p : first.protocols) {
      boolean everyone = true;
      for (Member m : g.members.values()) {
        everyone &= m.protocols.stream().anyMatch(q -> q.name().equals(p.name()));
      }
      if (everyone) {
        candidates.add(p.name());
      }
    }
    Map<String, Integer> votes = new LinkedHashMap<>();
    for (String c : candidates) {
      votes.put(c, 0);
    }
    for (Member m : g.members.values()) {
      for (Protocol p : m.protocols) {
        if (votes.containsKey(p.name())) {
          votes.merge(p.name(), 1, Integer::sum);
          break;
        }
      }
    }
    String best = candidates.isEmpty() ? first.protocols.get(0).name() : candidates.get(0);
    int most = -1;
    for (Map.Entry<String, Integer> e : votes.entrySet()) {
      if (e.getValue() > most) {
        most = e.getValue();
        best = e.getKey();
      }
    }
    return best;
  }

  CompletableFuture<SyncResult> sync(String groupId, int generation, String memberId, String protocolType,
                                     String protocolName, Map<String, byte[]> assignments) {
    Group g = groups.get(groupId);
    if (g == null) {
      return CompletableFuture.completedFuture(SyncResult.error(Errors.UNKNOWN_MEMBER_ID));
    }
    synchronized (g) {
      Member m = g.members.get(memberId);
      if (m == null) {
        return CompletableFuture.completedFuture(SyncResult.error(Errors.UNKNOWN_MEMBER_ID));
      }
      if (generation != g.generation) {
        return CompletableFuture.completedFuture(SyncResult.error(Errors.ILLEGAL_GENERATION));
      }
      if ((protocolType != null && !protocolType.equals(g.protocolType))
          || (protocolName != null && !protocolName.equals(g.protocolName))) {
        return CompletableFuture.completedFuture(SyncResult.error(Errors.INCONSISTENT_GROUP_PROTOCOL));
      }
      m.lastSeenMs = System.currentTimeMillis();
      switch (g.state) {
        case PREPARING_REBALANCE:
          return CompletableFuture.completedFuture(SyncResult.error(Errors.REBALANCE_IN_PROGRESS));
        case STABLE:
          return CompletableFuture.completedFuture(new SyncResult(Errors.NONE, g.protocolType, g.protocolName,
              m.assignment));
        case COMPLETING_REBALANCE:
          m.sync = new CompletableFuture<>();
          CompletableFuture<SyncResult> mine = m.sync;
          if (memberId.equals(g.leader)) {
            for (Member each : g.members.values()) {
              byte[] a = assignments.get(each.id);
              each.assignment = a == null ? new byte[0] : a;
            }
            g.state = State.STABLE;
            for (Member each : g.members.values()) {
              if (each.awaitingSync()) {
                each.sync.complete(new SyncResult(Errors.NONE, g.protocolType, g.protocolName, each.assignment));
              }
            }
          }
          return mine;
        default:
          return CompletableFuture.completedFuture(SyncResult.error(Errors.UNKNOWN_MEMBER_ID));
      }
    }
  }

  Errors heartbeat(String groupId, int generation, String memberId) {
    Group g = groups.get(groupId);
    if (g == null) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    synchronized (g) {
      Member m = g.members.get(memberId);
      if (m == null) {
        return Errors.UNKNOWN_MEMBER_ID;
      }
      m.lastSeenMs = System.currentTimeMillis();
      if (generation != g.generation) {
        return Errors.ILLEGAL_GENERATION;
      }
      return g.state == State.PREPARING_REBALANCE ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
    }
  }

  /** Removes members; the answer has one error per member id, in order. */
  List<Errors> leave(String groupId, List<String> memberIds) {
    List<Errors> out = new ArrayList<>();
    Group g = groups.get(groupId);
    if (g == null) {
      memberIds.forEach(id -> out.add(Errors.UNKNOWN_MEMBER_ID));
      return out;
    }
    synchronized (g) {
      boolean removed = false;
      for (String id : memberIds) {
        Member m = g.members.remove(id);
        if (m == null) {
          out.add(Errors.UNKNOWN_MEMBER_ID);
          continue;
        }
        removed = true;
        fail(m, Errors.UNKNOWN_MEMBER_ID);
        out.add(Errors.NONE);
      }
      if (removed) {
        membershipChanged(g, System.currentTimeMillis());
      }
    }
    return out;
  }

  private static void fail(Member m, Errors e) {
    if (m.awaitingJoin()) {
      m.join.complete(JoinResult.error(e, m.id));
    }
    if (m.awaitingSync()) {
      m.sync.complete(SyncResult.error(e));
    }
  }

  private static void membershipChanged(Group g, long now) {
    if (g.members.isEmpty()) {
      g.generation++;
      toEmpty(g);
      return;
    }
    if (g.state != State.PREPARING_REBALANCE) {
      prepareRebalance(g, now);
    }
    maybeCompleteJoin(g);
  }

  /** Session expiry and the deadlines of the join and sync phases. */
  private void tick() {
    long now = System.currentTimeMillis();
    for (Group g : groups.values()) {
      synchronized (g) {
        try {
          g.pendingMemberIds.values().removeIf(t -> now - t > PENDING_MEMBER_ID_MS);
          if (g.state == State.PREPARING_REBALANCE && now >= g.deadlineMs) {
            completeJoin(g, now);
          } else if (g.state == State.COMPLETING_REBALANCE && now >= g.deadlineMs) {
            prepareRebalance(g, now); // the leader never sent its assignment
            maybeCompleteJoin(g);
          }
          boolean expired = false;
          for (var it = g.members.values().iterator(); it.hasNext(); ) {
            Member m = it.next();
            if (!m.awaitingJoin() && !m.awaitingSync() && now - m.lastSeenMs > m.sessionTimeoutMs) {
              it.remove();
              expired = true;
            }
          }
          if (expired) {
            membershipChanged(g, now);
          }
        } catch (RuntimeException e) {
          // Never let one group stop the timer.
        }
      }
    }
  }

  // ---- offsets ----

  /** Validates the committer and stores the offsets; one error for the whole request. */
  Errors commit(String groupId, int generation, String memberId, Map<OffsetKey, Committed> offsets) {
    Group g = group(groupId);
    synchronized (g) {
      if (generation < 0 && (memberId == null || memberId.isEmpty())) {
        if (!g.members.isEmpty()) {
          return Errors.ILLEGAL_GENERATION; // a simple (assign()) commit into a group with live members
        }
      } else {
        Member m = g.members.get(memberId);
        if (m == null) {
          return Errors.UNKNOWN_MEMBER_ID;
        }
        if (generation != g.generation) {
          return Errors.ILLEGAL_GENERATION;
        }
        if (g.state == State.COMPLETING_REBALANCE) {
          return Errors.REBALANCE_IN_PROGRESS;
        }
        m.lastSeenMs = System.currentTimeMillis();
      }
      if (store == null) {
        g.offsets.putAll(offsets);
        return Errors.NONE;
      }
      // Saved and taken into memory under one lock: another group's save, which writes every
      // group's offsets from memory, must never come between the two, or it would write this
      // group's previous offsets over the acknowledged ones.
      synchronized (storeLock) {
        if (!persist(groupId, offsets)) {
          return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        g.offsets.putAll(offsets);
      }
      return Errors.NONE;
    }
  }

  /** Saves every group's offsets with {@code update} applied; false when the disk refused. */
  private boolean persist(String groupId, Map<OffsetKey, Committed> update) {
    synchronized (storeLock) {
      Map<String, Map<OffsetKey, Committed>> all = new HashMap<>();
      groups.forEach((id, g) -> all.put(id, new HashMap<>(g.offsets)));
      all.computeIfAbsent(groupId, id -> new HashMap<>()).putAll(update);
      try {
        store.save(all);
        return true;
      } catch (java.io.IOException e) {
        org.slf4j.LoggerFactory.getLogger(GroupCoordinator.class).warn("cannot save committed offsets: {}", e.toString());
        return false;
      }
    }
  }

  /** Committed offsets of a group: all of them when {@code keys} is null. */
  Map<OffsetKey, Committed> committed(String groupId, List<OffsetKey> keys) {
    Group g = groups.get(groupId);
    Map<OffsetKey, Committed> out = new LinkedHashMap<>();
    if (keys == null) {
      if (g != null) {
        out.putAll(g.offsets);
      }
      return out;
    }
    for (OffsetKey k : keys) {
      Committed c = g == null ? null : g.offsets.get(k);
      if (c != null) {
        out.put(k, c);
      }
    }
    return out;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    for (Group g : groups.values()) {
      synchronized (g) {
        for (Member m : g.members.values()) {
          fail(m, Errors.COORDINATOR_NOT_AVAILABLE);
        }
      }
    }
  }
}
