package io.driftdb.pgwire;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps the (process id, secret key) pairs handed out in BackendKeyData to the sessions they
 * belong to, so a CancelRequest arriving on a separate connection can interrupt the right
 * statement. Process ids are random and unique among open connections.
 */
final class CancelRegistry {

  /** What a BackendKeyData message announces. */
  record Key(int processId, int secretKey) {}

  private record Entry(int secretKey, Runnable cancel) {}

  private final ConcurrentHashMap<Integer, Entry> entries = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  Key register(Runnable cancel) {
    int secret = random.nextInt();
    while (true) {
      int pid = 1 + random.nextInt(Integer.MAX_VALUE - 1);
      if (entries.putIfAbsent(pid, new Entry(secret, cancel)) == null) {
        return new Key(pid, secret);
      }
    }
  }

  void unregister(Key key) {
    entries.computeIfPresent(key.processId(), (pid, e) -> e.secretKey() == key.secretKey() ? null : e);
  }

  /** Cancels if the pair matches a live connection; unknown pairs are ignored, as PostgreSQL does. */
  boolean cancel(int processId, int secretKey) {
    Entry entry = entries.get(processId);
    if (entry == null || !MessageDigest.isEqual(toBytes(entry.secretKey()), toBytes(secretKey))) {
      return false;
    }
    entry.cancel().run();
    return true;
  }

  int size() {
    return entries.size();
  }

  private static byte[] toBytes(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }
}
