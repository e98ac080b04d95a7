package io.driftdb.log.kafka;

import io.driftdb.log.RecordHeader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TopicBackend in memory for the protocol tests: appends get "SEQs" from one global counter
 * (one per append, like DriftDB transactions), each record becomes one event with a dense
 * per-topic offset. A value starting with "BAD" is rejected as INVALID_RECORD.
 */
final class MemoryTopicBackend implements TopicBackend {
  private final Map<String, TopicInfo> topics = new ConcurrentHashMap<>();
  private final Map<Long, List<ChangeEvent>> events = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private long nextSeq = 100;
  private long version;
  final AtomicInteger appends = new AtomicInteger();
  /** Submitted appends complete (become "durable") only when this completes; see {@link #holdDurability}. */
  private volatile CompletableFuture<Void> durable = CompletableFuture.completedFuture(null);

  /** From now on, appends are made at once but reported only at {@link #releaseDurability}. */
  void holdDurability() {
    durable = new CompletableFuture<>();
  }

  void releaseDurability() {
    durable.complete(null);
  }

  @Override
  public CompletableFuture<Appended> submit(TopicInfo topic, List<ProducedRecord> records, Client client) {
    Appended a = append(topic, records, client);
    return durable.thenApply(x -> a);
  }

  MemoryTopicBackend(String... names) {
    long id = 1;
    for (String n : names) {
      topics.put(n, new TopicInfo(n, id));
      events.put(id, new ArrayList<>());
      id++;
    }
  }

  @Override
  public List<TopicInfo> topics() {
    return new ArrayList<>(topics.values());
  }

  @Override
  public Optional<TopicInfo> topic(String name) {
    return Optional.ofNullable(topics.get(name));
  }

  @Override
  public Optional<TopicInfo> topic(long id) {
    return topics.values().stream().filter(t -> t.id() == id).findFirst();
  }

  @Override
  public Appended append(TopicInfo topic, List<ProducedRecord> records, Client client) {
    for (int i = 0; i < records.size(); i++) {
      byte[] v = records.get(i).value();
      if (v != null && new String(v, StandardCharsets.UTF_8).startsWith("BAD")) {
        throw new TopicBackendException(TopicBackendException.Kind.INVALID_RECORD, i, "record " + i + " is bad", null);
      }
    }
    synchronized (lock) {
      long seq = nextSeq++;
      long ts = System.currentTimeMillis();
      List<ChangeEvent> list = events.get(topic.id());
      for (ProducedRecord r : records) {
        list.add(new ChangeEvent(list.size(), ts, r.key(), r.value(),
            List.of(new RecordHeader("seq", Long.toString(seq).getBytes(StandardCharsets.UTF_8)))));
      }
      appends.incrementAndGet();
      version++;
      lock.notifyAll();
      return new Appended(seq, ts);
    }
  }

  @Override
  public Fetched fetch(TopicInfo topic, long offset, int maxBytes) {
    synchronized (lock) {
      List<ChangeEvent> list = events.get(topic.id());
      if (offset < 0 || offset > list.size()) {
        throw new TopicBackendException(TopicBackendException.Kind.OFFSET_OUT_OF_RANGE, "out of range");
      }
      List<ChangeEvent> out = new ArrayList<>();
      int bytes = 0;
      for (int i = (int) offset; i < list.size(); i++) {
        ChangeEvent e = list.get(i);
        if (!out.isEmpty() && bytes + e.sizeEstimate() > maxBytes) {
          break;
        }
        out.add(e);
        bytes += e.sizeEstimate();
      }
      return new Fetched(out, 0, list.size());
    }
  }

  @Override
  public Fetched offsets(TopicInfo topic) {
    synchronized (lock) {
      return new Fetched(List.of(), 0, events.get(topic.id()).size());
    }
  }

  @Override
  public Optional<TimestampedOffset> offsetForTimestamp(TopicInfo topic, long timestampMs) {
    synchronized (lock) {
      for (ChangeEvent e : events.get(topic.id())) {
        if (e.timestampMs() >= timestampMs) {
          return Optional.of(new TimestampedOffset(e.offset(), e.timestampMs()));
        }
      }
      return Optional.empty();
    }
  }

  @Override
  public long changeVersion() {
    synchronized (lock) {
      return version;
    }
  }

  @Override
  public void awaitChange(long v, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    synchronized (lock) {
      while (version <= v) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return;
        }
        lock.wait(left);
      }
    }
  }

  int eventCount(String topic) {
    synchronized (lock) {
      return events.get(topics.get(topic).id()).size();
    }
  }

  /** The values of a topic's events, in offset order. */
  List<String> values(String topic) {
    synchronized (lock) {
      List<String> out = new ArrayList<>();
      for (ChangeEvent e : events.get(topics.get(topic).id())) {
        out.add(e.value() == null ? null : new String(e.value(), StandardCharsets.UTF_8));
      }
      return out;
    }
  }
}
