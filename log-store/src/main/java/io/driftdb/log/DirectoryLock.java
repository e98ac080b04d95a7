package io.driftdb.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exclusive ownership of a log directory through {@code <dir>/.lock}: one writer per
 * directory, across processes and within this one. The lock file holds the owner's pid so the
 * refusal can say who holds it. The file itself is left in place (deleting lock files races).
 */
public final class DirectoryLock implements Closeable {
  static final String LOCK_FILE = ".lock";

  /**
   * Directories locked by this JVM. This is deliberately process-wide state: POSIX record
   * locks belong to the process, and closing ANY descriptor of the lock file drops them, so a
   * second open in this JVM must be refused before it even opens the file.
   */
  private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

  private final Path directory;
  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(Path directory, FileChannel channel, FileLock lock) {
    this.directory = directory;
    this.channel = channel;
    this.lock = lock;
  }

  public static DirectoryLock acquire(Path dir) throws IOException {
    Path real = dir.toRealPath();
    if (!HELD_IN_THIS_JVM.add(real)) {
      throw new LogDirectoryLockedException(dir, "it is already open in this process");
    }
    FileChannel ch = null;
    try {
      Path lockFile = real.resolve(LOCK_FILE);
      ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // locked through some other channel of this JVM
      }
      if (lock == null) {
        String holder = readHolder(ch);
        throw new LogDirectoryLockedException(dir,
            "another process holds the lock " + lockFile + (holder.isEmpty() ? "" : " (pid " + holder + ")"));
      }
      ByteBuffer pid = ByteBuffer.wrap(
          (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII));
      ch.truncate(0);
      while (pid.hasRemaining()) {
        ch.write(pid, pid.position());
      }
      return new DirectoryLock(real, ch, lock);
    } catch (IOException | RuntimeException e) {
      if (ch != null) {
        ch.close();
      }
      HELD_IN_THIS_JVM.remove(real);
      throw e;
    }
  }

  private static String readHolder(FileChannel ch) {
    try {
      ByteBuffer b = ByteBuffer.allocate(32);
      ch.read(b, 0);
      return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (lock.isValid()) {
        lock.release();
      }
      channel.close();
    } finally {
      HELD_IN_THIS_JVM.remove(directory);
    }
  }
}
