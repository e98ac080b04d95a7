package io.driftdb.log.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segment being appended to. Owned by the log's single writer thread; readers only ever
 * see the immutable {@link SegmentView}s it publishes. Its index files are written when it is
 * sealed or closed (they are rebuilt from the log after a crash anyway).
 *
 * <p>The file is kept zero-filled ahead of the data ({@link #PREALLOCATE_BYTES} at a time), as
 * PostgreSQL does with its WAL files: a group commit then overwrites blocks that already exist,
 * so its fdatasync flushes the data alone, without a journal commit for a new file length and
 * new blocks on every group. Only the fdatasync after an extension pays for that. The zeros
 * after the data are not part of the log: {@link SegmentScanner} reads a zero tail that starts
 * at a batch boundary as preallocated space, the log is cut back to its data when a segment is
 * sealed or the log is closed, and recovery trims what a crash left.
 */
public final class ActiveSegment {
  private static final Logger LOG = LoggerFactory.getLogger(ActiveSegment.class);
  /** How far the zero-filled part of the file grows at a time. */
  public static final int PREALLOCATE_BYTES = 4 << 20;
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 << 10).asReadOnlyBuffer();

  private final SegmentFiles files;
  private final FileChannel channel;
  private final SegmentIndexBuilder indexes;
  private long size;
  /** The file's length: {@link #size} bytes of data, then zeros. */
  private long allocated;
  /** Zero-filling failed once (full disk, file size limit): not tried again in this segment. */
  private boolean preallocationFailed;
  private long nextOffset;

  private ActiveSegment(SegmentFiles files, FileChannel channel, SegmentIndexBuilder indexes, long size,
      long allocated, long nextOffset) {
    this.files = files;
    this.channel = channel;
    this.indexes = indexes;
    this.size = size;
    this.allocated = allocated;
    this.nextOffset = nextOffset;
  }

  /**
   * Creates a new, empty segment file and makes its directory entry durable, so that batches
   * later fsynced into it cannot vanish with the file name after a power loss.
   */
  public static ActiveSegment create(SegmentFiles files) throws IOException {
    return startEmpty(files, 0, StandardOpenOption.CREATE_NEW);
  }

  /**
   * Starts a new, empty segment in a file already holding {@code zeroBytes} of durable zeros
   * (renamed into place by {@link SegmentPreallocator}; the directory sync makes the rename
   * durable): appends overwrite them in place.
   */
  static ActiveSegment adopt(SegmentFiles files, long zeroBytes) throws IOException {
    return startEmpty(files, zeroBytes);
  }

  private static ActiveSegment startEmpty(SegmentFiles files, long zeroBytes, StandardOpenOption... extra)
      throws IOException {
    Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE);
    options.addAll(List.of(extra));
    FileChannel ch = FileChannel.open(files.log(), options);
    try {
      syncDirectory(files.directory());
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    return new ActiveSegment(files, ch, new SegmentIndexBuilder(files.baseOffset()), 0, zeroBytes, files.baseOffset());
  }

  /** Continues an existing segment whose valid prefix a scan has established. */
  public static ActiveSegment resume(ScanResult scan) throws IOException {
    if (scan.validBytes() != scan.fileBytes()) {
      throw new IllegalStateException("segment " + scan.files().log() + " must be truncated before resuming");
    }
    FileChannel ch = FileChannel.open(scan.files().log(), StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new ActiveSegment(scan.files(), ch, scan.indexes(), scan.validBytes(), scan.validBytes(),
        scan.nextOffset());
  }

  /** fsync of a directory: the only portable way to persist a file creation or deletion. */
  public static void syncDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  public SegmentFiles files() {
    return files;
  }

  public long size() {
    return size;
  }

  public long nextOffset() {
    return nextOffset;
  }

  /**
   * Whether a batch of {@code bytes} ending at {@code lastOffset} belongs in this segment. An
   * empty segment takes any batch, so an oversized batch gets a segment of its own.
   */
  public boolean accepts(long bytes, long lastOffset, long segmentBytes) {
    if (size == 0) {
      return true;
    }
    return size + bytes <= segmentBytes
        && size + bytes <= Integer.MAX_VALUE
        && lastOffset - files.baseOffset() <= Integer.MAX_VALUE;
  }

  /**
   * Writes consecutive encoded batches ({@code buffer[from, to)}) at the end of the segment.
   * No fsync here: the caller decides when, according to the fsync policy.
   */
  public void append(byte[] buffer, List<EncodedBatch> batches) throws IOException {
    append(buffer, batches, Long.MAX_VALUE);
  }

  /**
   * As {@link #append(byte[], List)}, preallocating no further than {@code segmentBytes} (the
   * size at which the log rolls to a new segment) unless the batches themselves go beyond it.
   */
  public void append(byte[] buffer, List<EncodedBatch> batches, long segmentBytes) throws IOException {
    EncodedBatch first = batches.get(0);
    EncodedBatch last = batches.get(batches.size() - 1);
    int from = first.bufferOffset();
    int to = last.bufferOffset() + last.size();
    if (first.header().baseOffset() != nextOffset) {
      throw new IllegalStateException(
          "batch starts at offset " + first.header().baseOffset() + ", segment expects " + nextOffset);
    }
    if (size + (to - from) > allocated) {
      preallocate(size + (to - from), segmentBytes);
    }
    ByteBuffer src = ByteBuffer.wrap(buffer, from, to - from);
    long pos = size;
    while (src.hasRemaining()) {
      pos += channel.write(src, pos);
    }
    for (EncodedBatch b : batches) {
      indexes.add(b.header().lastOffset(), size + (b.bufferOffset() - from), b.header().maxTimestamp());
    }
    size = pos;
    nextOffset = last.header().nextOffset();
  }

  /**
   * Writes zeros from the end of the file to at least {@code end}, {@link #PREALLOCATE_BYTES}
   * at a time but not past {@code limit}. No fsync: the next {@link #force()} makes them
   * durable with the data.
   */
  private void preallocate(long end, long limit) throws IOException {
    if (preallocationFailed) {
      return;
    }
    long target = Math.max(end, Math.min(allocated + PREALLOCATE_BYTES, limit));
    try {
      writeZeros(channel, allocated, target);
      allocated = target;
    } catch (IOException e) {
      // Best effort: a full disk or a file size limit must not refuse data that would still fit.
      // Drop what was zero-filled and append without preallocating for the rest of this segment;
      // if the data itself cannot be written either, that write fails the log as it always did.
      channel.truncate(allocated);
      preallocationFailed = true;
      LOG.warn("Could not preallocate {} (appending without it): {}", files.log(), e.toString());
    }
  }

  /** Writes zeros into {@code ch} from {@code from} to {@code to} (no fsync). */
  static void writeZeros(FileChannel ch, long from, long to) throws IOException {
    long pos = from;
    while (pos < to) {
      ByteBuffer z = ZEROS.duplicate();
      z.limit((int) Math.min(z.capacity(), to - pos));
      while (z.hasRemaining()) {
        pos += ch.write(z, pos);
      }
    }
  }

  /** fdatasync: data and the file length, not the modification time. */
  public void force() throws IOException {
    channel.force(false);
  }

  /**
   * Cuts the preallocated zeros off the end of the file, so that a sealed or closed segment
   * holds exactly its batches. Returns whether it did; then {@link #force()} makes the new
   * length durable (fdatasync flushes a file's length).
   */
  public boolean trimPreallocated() throws IOException {
    if (allocated <= size) {
      return false;
    }
    channel.truncate(size);
    allocated = size;
    return true;
  }

  /**
   * After a failed write or fsync: cuts the file back to its first {@code bytes} (a batch
   * boundary the last successful fsync covered) and makes the length durable. The segment takes
   * no more appends afterwards (the log is failed).
   */
  public void cutBackTo(long bytes) throws IOException {
    channel.truncate(bytes);
    size = Math.min(size, bytes);
    allocated = bytes;
    channel.force(true);
  }

  /** A snapshot of what has been appended so far. */
  public SegmentView view() {
    return new SegmentView(files, nextOffset, size, indexes.maxTimestamp(), indexes.offsetView(),
        indexes.timeView());
  }

  /**
   * Ends appends to this segment: writes its index files, closes the log file and returns a
   * view whose indexes are memory-mapped rather than held on the heap. Force first.
   */
  public SegmentView seal() throws IOException {
    if (trimPreallocated()) { // before the next segment exists: only the last one may have a zero tail
      force();
    }
    writeIndexFiles();
    channel.close();
    ByteBuffer offsets = IndexFiles.mapReadOnly(files.index(), indexes.offsetBytes().remaining());
    ByteBuffer times = IndexFiles.mapReadOnly(files.timeIndex(), indexes.timeBytes().remaining());
    return new SegmentView(files, nextOffset, size, indexes.maxTimestamp(),
        new OffsetIndexView(files.baseOffset(), offsets, indexes.batchCount()),
        new TimeIndexView(files.baseOffset(), times, times.limit() / TimeIndexView.ENTRY_SIZE));
  }

  public void writeIndexFiles() throws IOException {
    IndexFiles.write(files.index(), indexes.offsetBytes());
    IndexFiles.write(files.timeIndex(), indexes.timeBytes());
  }

  /** Closes the file without writing anything more (after a failure, or after sealing). */
  public void closeQuietly() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing useful to do: the log is already failed or closing
    }
  }
}
