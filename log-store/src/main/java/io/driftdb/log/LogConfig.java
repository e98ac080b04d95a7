package io.driftdb.log;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Configuration of a {@link LocalLog}. Build with {@link #builder(Path)}; every field except
 * the directory has a default suitable for production.
 *
 * @param directory where the segments live (created if missing)
 * @param segmentBytes roll to a new segment when the next batch would exceed this size
 * @param compression codec for the records section of each batch
 * @param fsyncPolicy when to fdatasync, and so what an acknowledgement means
 * @param maxBatchBytes a group commit larger than this (uncompressed) is split into several batches
 * @param maxRecordBytes appends larger than this are refused
 * @param verifyAllSegmentsOnOpen CRC-check every segment on open; when false only the last
 *     segment is CRC-checked and the others get a header walk (faster open of a large log)
 * @param appendWaitSpinNanos how long a caller blocking on an append's future yield-polls it
 *     before parking (see {@link AppendFuture}); 0 parks at once
 * @param listener metrics callbacks from the writer thread
 * @param clock source of commit timestamps in ms (System::currentTimeMillis; replaceable in tests)
 * @param syncFault a failure injected before each fsync of the active segment (tests only)
 */
public record LogConfig(
    Path directory,
    long segmentBytes,
    Compression compression,
    FsyncPolicy fsyncPolicy,
    int maxBatchBytes,
    int maxRecordBytes,
    boolean verifyAllSegmentsOnOpen,
    long appendWaitSpinNanos,
    LogListener listener,
    LongSupplier clock,
    SyncFault syncFault) {

  public static final long DEFAULT_SEGMENT_BYTES = 128L * 1024 * 1024;
  public static final int DEFAULT_MAX_BATCH_BYTES = 1024 * 1024;
  public static final int DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;
  /** Index entries hold 32-bit positions; stay well inside them. */
  public static final long MAX_SEGMENT_BYTES = 1L << 30;
  public static final long MIN_SEGMENT_BYTES = 1024;
  /** A few group commits on a local SSD; past it a waiter parks. */
  public static final long DEFAULT_APPEND_WAIT_SPIN_NANOS = 1_000_000;

  public LogConfig {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(fsyncPolicy, "fsyncPolicy");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(syncFault, "syncFault");
    if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > MAX_SEGMENT_BYTES) {
      throw new IllegalArgumentException("segment size must be between " + MIN_SEGMENT_BYTES + " and "
          + MAX_SEGMENT_BYTES + " bytes, got " + segmentBytes);
    }
    if (maxBatchBytes < 1024) {
      throw new IllegalArgumentException("max batch size must be at least 1024 bytes, got " + maxBatchBytes);
    }
    if (maxRecordBytes < 1 || maxRecordBytes > MAX_SEGMENT_BYTES) {
      throw new IllegalArgumentException("max record size must be between 1 and " + MAX_SEGMENT_BYTES
          + " bytes, got " + maxRecordBytes);
    }
    if (appendWaitSpinNanos < 0) {
      throw new IllegalArgumentException("append wait spin must not be negative, got " + appendWaitSpinNanos);
    }
  }

  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /** Mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private final Path directory;
    private long segmentBytes = DEFAULT_SEGMENT_BYTES;
    private Compression compression = Compression.NONE;
    private FsyncPolicy fsyncPolicy = FsyncPolicy.group();
    private int maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
    private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
    private boolean verifyAllSegmentsOnOpen = true;
    private long appendWaitSpinNanos = DEFAULT_APPEND_WAIT_SPIN_NANOS;
    private LogListener listener = LogListener.NONE;
    private LongSupplier clock = System::currentTimeMillis;
    private SyncFault syncFault = SyncFault.NONE;

    private Builder(Path directory) {
      this.directory = directory;
    }

    public Builder segmentBytes(long bytes) {
      this.segmentBytes = bytes;
      return this;
    }

    public Builder compression(Compression compression) {
      this.compression = compression;
      return this;
    }

    /** {@code none} or {@code zstd}. */
    public Builder compression(String compression) {
      return compression(Compression.parse(compression));
    }

    public Builder fsyncPolicy(FsyncPolicy policy) {
      this.fsyncPolicy = policy;
      return this;
    }

    /** {@code group}, {@code interval:<ms>} or {@code none}. */
    public Builder fsyncPolicy(String policy) {
      return fsyncPolicy(FsyncPolicy.parse(policy));
    }

    public Builder maxBatchBytes(int bytes) {
      this.maxBatchBytes = bytes;
      return this;
    }

    public Builder maxRecordBytes(int bytes) {
      this.maxRecordBytes = bytes;
      return this;
    }

    public Builder verifyAllSegmentsOnOpen(boolean verify) {
      this.verifyAllSegmentsOnOpen = verify;
      return this;
    }

    public Builder appendWaitSpinNanos(long nanos) {
      this.appendWaitSpinNanos = nanos;
      return this;
    }

    public Builder listener(LogListener listener) {
      this.listener = listener;
      return this;
    }

    public Builder clock(LongSupplier clock) {
      this.clock = clock;
      return this;
    }

    /** For tests: a failure injected before each fsync of the active segment. */
    public Builder syncFault(SyncFault fault) {
      this.syncFault = fault;
      return this;
    }

    public LogConfig build() {
      return new LogConfig(directory, segmentBytes, compression, fsyncPolicy, maxBatchBytes, maxRecordBytes,
          verifyAllSegmentsOnOpen, appendWaitSpinNanos, listener, clock, syncFault);
    }
  }
}
