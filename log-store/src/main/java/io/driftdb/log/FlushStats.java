package io.driftdb.log;

/**
 * One group commit as the writer thread performed it: how many records and batches, how many
 * bytes went to the segment, how long the write and the fsync took ({@code fsyncNanos} is 0 when
 * the policy skipped the fsync), and the head SEQ afterwards.
 */
public record FlushStats(
    int records, int batches, long bytes, long writeNanos, boolean synced, long fsyncNanos, long headSeq) {}
